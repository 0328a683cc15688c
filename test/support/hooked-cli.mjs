// Test-only entry: the built CLI with fault injection (src/repair/hooks.ts) set from the environment, for the
// crash, failing-disk and race tests that spawn it. The shipped bin reads none of these variables
// (test/cli/shipped-ignores-test-hooks.test.ts); only this file, which is not shipped, turns them into hooks.
// OPENCLAW_FIX_TEST_BUNDLE: another build's dist/bundle/main.js (a private copy while others rebuild dist/).
import { pathToFileURL } from 'node:url';

const env = process.env;
const bundle = env.OPENCLAW_FIX_TEST_BUNDLE ? pathToFileURL(env.OPENCLAW_FIX_TEST_BUNDLE) : new URL('../../dist/bundle/main.js', import.meta.url);
const cli = await import(bundle.href);
const hooks = {};
if (env.OPENCLAW_FIX_TEST_CRASH_AT) hooks.crashAt = env.OPENCLAW_FIX_TEST_CRASH_AT;
if (env.OPENCLAW_FIX_TEST_FAIL_WRITE) hooks.failWrite = env.OPENCLAW_FIX_TEST_FAIL_WRITE;
if (env.OPENCLAW_FIX_TEST_RACE === '1') hooks.race = true;
if (env.OPENCLAW_FIX_TEST_SETTLE_MS) hooks.settleMs = Number(env.OPENCLAW_FIX_TEST_SETTLE_MS);
cli.setWriteHooks(hooks);
process.exitCode = await cli.main(process.argv.slice(2));
