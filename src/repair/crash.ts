/**
 * Test-only crash hook: OPENCLAW_FIX_TEST_CRASH_AT=<step> makes the process SIGKILL itself when it reaches
 * that step, so tests can prove every interruption leaves old or new bytes and a complete backup.
 * Steps: locked, stopped, backed-up, backup-copied, temp-written, renamed, written, started, verified.
 */
export const CRASH_STEPS = ['locked', 'stopped', 'backup-copied', 'backed-up', 'temp-written', 'renamed', 'written', 'started', 'verified'] as const;

export function crashPoint(step: string): void {
  if (process.env.OPENCLAW_FIX_TEST_CRASH_AT === step) process.kill(process.pid, 'SIGKILL');
}
