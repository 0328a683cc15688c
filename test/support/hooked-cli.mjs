// Test-only entry: the CLI as a user runs it (the launcher bin/openclaw-fix.js), with the hooks of
// src/core/hooks.ts set from the OPENCLAW_FIX_TEST_* variables (test-hooks.mjs) first: faults for the crash,
// failing-disk and race tests, and stand-ins for this machine's /tmp file logs and system unit directory for
// every test. The shipped bin reads none of these variables; only this file, which is not shipped, does.
// OPENCLAW_FIX_TEST_BUNDLE: another build's dist/bundle/main.js (a private copy while others rebuild dist/),
// called directly.
import { fileURLToPath, pathToFileURL } from 'node:url';
import { hooksFromEnv } from './test-hooks.mjs';

const env = process.env;
const own = new URL('../../dist/bundle/main.js', import.meta.url);
const bundle = env.OPENCLAW_FIX_TEST_BUNDLE ? pathToFileURL(env.OPENCLAW_FIX_TEST_BUNDLE) : own;
const cli = await import(bundle.href);
cli.setHooks(hooksFromEnv(env));
if (bundle === own) {
  // The launcher imports the same module (same URL), so it runs with the hooks just set. It is the script the
  // CLI believes it was started as (guard writes that path into the unit's drop-in).
  const launcher = new URL('../../bin/openclaw-fix.js', import.meta.url);
  process.argv[1] = fileURLToPath(launcher);
  await import(launcher.href);
} else {
  process.exitCode = await cli.main(process.argv.slice(2));
}
