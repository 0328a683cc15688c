/**
 * Crash points: with writeHooks.crashAt set (tests only, hooks.ts), the process SIGKILLs itself when it reaches
 * that step, so tests can prove every interruption leaves old or new bytes and a complete backup; writeHooks.atStep
 * (in-process tests) changes the state right at a step instead.
 * Steps: locked, stopped, backed-up, backup-copied, temp-written, renamed, written, started, verified.
 */
import { writeHooks } from './hooks.js';

export const CRASH_STEPS = ['locked', 'stopped', 'backup-copied', 'backed-up', 'temp-written', 'renamed', 'written', 'started', 'verified'] as const;

export function crashPoint(step: string): void {
  writeHooks.atStep?.(step);
  if (writeHooks.crashAt === step) process.kill(process.pid, 'SIGKILL');
}
