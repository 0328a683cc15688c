/**
 * Ctrl-C (SIGINT) while openclaw-fix holds something it created and has written nothing: the demo copy is
 * removed, one line says nothing was changed, exit 130 (README "Exit codes"). Without a handler Node would die
 * on the spot and leave the copy in the temp dir. Two places hold this off because they unwind by themselves:
 * a prompt (confirm.ts turns Ctrl-C into an error the command's `finally` sees) and the apply protocol (apply.ts:
 * the attempt under way finishes or rolls back first).
 */
import { rmSync } from 'node:fs';
import { EXIT } from '../core/errors.js';

/** What this run made, each with how to say it was interrupted (the run's own output: text, or --json's error document). */
const created = new Map<string, (message: string) => void>();
let heldOff = 0;

function onInterrupt(): void {
  if (heldOff > 0) return;
  for (const dir of created.keys()) rmSync(dir, { recursive: true, force: true });
  const say = created.values().next().value;
  say?.('Interrupted; nothing was changed.');
  process.exit(EXIT.interrupted);
}

/** `dir` (ours, made by this run) is removed if the run is interrupted; the returned function forgets it. */
export function removeIfInterrupted(dir: string, say: (message: string) => void): () => void {
  if (created.size === 0) process.on('SIGINT', onInterrupt);
  created.set(dir, say);
  return () => {
    created.delete(dir);
    if (created.size === 0) process.off('SIGINT', onInterrupt);
  };
}

/** While the returned function is not called, SIGINT is someone else's to handle. */
export function holdOffInterrupt(): () => void {
  heldOff++;
  let released = false;
  return () => {
    if (!released) heldOff--;
    released = true;
  };
}
