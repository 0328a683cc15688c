/** What test/global-setup.ts and the test helpers share (no vitest runtime imports: globalSetup runs outside a test). */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The second user the permission tests run the CLI as (nobody). */
export const NOBODY = 65534;

/** A copy of the CLI and a node binary that any user can execute (made by globalSetup when it runs as root). */
export interface OtherUserRuntime {
  dir: string;
  node: string;
  /** The launcher. */
  bin: string;
  /** The test entry in front of it (helpers.ts HOOKED_BIN). */
  hookedBin: string;
}

/** What the CLI runs, relative to the clone: launcher, bundle, package.json and the test entry with its hooks. */
export const RUNTIME_FILES = ['bin', 'dist/bundle', 'package.json', 'test/support/hooked-cli.mjs', 'test/support/test-hooks.mjs'];

declare module 'vitest' {
  interface ProvidedContext {
    otherUserRuntime: OtherUserRuntime;
  }
}
