/**
 * What the tests inject, in one object: the interruptions and interleavings a user's machine produces rarely,
 * made to happen on purpose, and stand-ins for this machine's own places (its /tmp file logs, its system unit
 * directory), so a test never reads or depends on what happens to be installed where it runs.
 * The shipped CLI never sets these and reads nothing from the environment for them
 * (test/cli/shipped-ignores-test-hooks.test.ts); tests set them in-process (test/in-process.ts) or through the
 * test-only entry test/support/hooked-cli.mjs for a spawned CLI.
 */
export interface Hooks {
  /** SIGKILL the process on reaching this step (crash.ts CRASH_STEPS). */
  crashAt?: string;
  /** Called on reaching each crash step, to change the state right there (in-process tests: a link planted between two renames). */
  atStep?: (step: string) => void;
  /** Fail the n-th atomic write of the process as the file system would: `<ENOSPC|EROFS|EACCES|EPERM|EIO>[:<n>]`. */
  failWrite?: string;
  /** Rename a "gateway" write onto the file between the compare and the rename (the one lost-update window). */
  race?: boolean;
  /** How long apply waits, after writing beside a running gateway, before checking the change held (ms). */
  settleMs?: number;
  /** Stands in for /tmp and the temp dir where the gateway writes its dated file log. */
  logRoot?: string;
  /** Stands in for /etc/systemd/system. */
  systemUnitDir?: string;
  /** How long a SQLite statement waits for another writer (ms); the locked-database tests shorten it. */
  sqliteBusyMs?: number;
}

export const hooks: Hooks = {};

/** Replaces the hooks (an empty object: none). */
export function setHooks(next: Hooks): void {
  for (const key of Object.keys(hooks) as (keyof Hooks)[]) delete hooks[key];
  Object.assign(hooks, next);
}
