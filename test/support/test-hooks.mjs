// The test-only environment variables and the hooks (src/core/hooks.ts) they stand for. Read only here: by the
// test entry (hooked-cli.mjs) for a spawned CLI and by test/in-process.ts for an in-process one. The shipped bin
// reads none of them (test/cli/shipped-ignores-test-hooks.test.ts).

/** Every variable this file turns into a hook, with an example value (the shipped-bin test sets them all). */
export const TEST_HOOK_VARS = {
  OPENCLAW_FIX_TEST_CRASH_AT: 'renamed',
  OPENCLAW_FIX_TEST_FAIL_WRITE: 'ENOSPC:1',
  OPENCLAW_FIX_TEST_RACE: '1',
  OPENCLAW_FIX_TEST_SETTLE_MS: '1',
  OPENCLAW_FIX_TEST_LOG_ROOT: '/nonexistent/log-root',
  OPENCLAW_FIX_TEST_SYSTEM_UNIT_DIR: '/nonexistent/system-units',
  OPENCLAW_FIX_TEST_SQLITE_BUSY_MS: '1',
};

/** The hooks the OPENCLAW_FIX_TEST_* variables in `env` ask for. */
export function hooksFromEnv(env) {
  const hooks = {};
  if (env.OPENCLAW_FIX_TEST_CRASH_AT) hooks.crashAt = env.OPENCLAW_FIX_TEST_CRASH_AT;
  if (env.OPENCLAW_FIX_TEST_FAIL_WRITE) hooks.failWrite = env.OPENCLAW_FIX_TEST_FAIL_WRITE;
  if (env.OPENCLAW_FIX_TEST_RACE === '1') hooks.race = true;
  if (env.OPENCLAW_FIX_TEST_SETTLE_MS) hooks.settleMs = Number(env.OPENCLAW_FIX_TEST_SETTLE_MS);
  if (env.OPENCLAW_FIX_TEST_LOG_ROOT) hooks.logRoot = env.OPENCLAW_FIX_TEST_LOG_ROOT;
  if (env.OPENCLAW_FIX_TEST_SYSTEM_UNIT_DIR) hooks.systemUnitDir = env.OPENCLAW_FIX_TEST_SYSTEM_UNIT_DIR;
  if (env.OPENCLAW_FIX_TEST_SQLITE_BUSY_MS) hooks.sqliteBusyMs = Number(env.OPENCLAW_FIX_TEST_SQLITE_BUSY_MS);
  return hooks;
}
