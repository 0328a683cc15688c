/**
 * Crash points: with hooks.crashAt set (tests only, core/hooks.ts), the process SIGKILLs itself when it reaches
 * that step, so tests can prove every interruption leaves old or new bytes and a complete backup; hooks.atStep
 * (in-process tests) changes the state right at a step instead.
 * Steps: locked, stopped, backed-up, backup-copied, temp-written, renamed, written, started, verified.
 */
import { hooks } from '../core/hooks.js';

export const CRASH_STEPS = ['locked', 'stopped', 'backup-copied', 'backed-up', 'temp-written', 'renamed', 'written', 'started', 'verified'] as const;

export function crashPoint(step: string): void {
  hooks.atStep?.(step);
  if (hooks.crashAt === step) process.kill(process.pid, 'SIGKILL');
}
