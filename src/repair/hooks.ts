/**
 * Fault injection for the crash, failing-disk and race tests: the interruptions and interleavings a user's
 * machine produces rarely, made to happen on purpose. The shipped CLI never sets these and reads nothing from
 * the environment for them; the tests set them in-process (test/support/hooked-cli.mjs for a spawned CLI).
 */
export interface WriteHooks {
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
}

export const writeHooks: WriteHooks = {};

/** Replaces the hooks (an empty object: none). */
export function setWriteHooks(hooks: WriteHooks): void {
  for (const key of Object.keys(writeHooks) as (keyof WriteHooks)[]) delete writeHooks[key];
  Object.assign(writeHooks, hooks);
}
