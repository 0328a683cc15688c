import { readFileSync } from 'node:fs';

/** Read from package.json at run time, so `--version` can never drift from what was published. */
export const TOOL_VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
