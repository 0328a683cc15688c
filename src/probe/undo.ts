/**
 * When a repair's verification fails, the repair rolls back. A gateway run by hand is not stopped for that, and
 * its answers to the probe's own connects rewrote the store (2.19 writes paired.json on every accepted connect):
 * the rollback, which never writes over a write it did not make, would refuse. Those writes are ours, so they
 * are put back first, to the bytes the file held before the probe's first connect. Only when every change
 * since then is explained by the probe's own steps, one after the other with nothing in between, each touching
 * only this host's record (or our own removal of the probe's requests); otherwise nothing is written here and
 * the rollback refuses as before (a write nobody here made).
 */
import path from 'node:path';
import { ConflictError, vetTarget, writeFileAtomic } from '../repair/atomic.js';
import { digest, plainText, readStoreBytes, type StoreTrail } from './probe.js';

export interface ProbeUndo {
  /** Files put back to their bytes from before the probe's first connect. */
  restored: string[];
  /** Files whose changes are not all the probe's: left as they are, with why. */
  left: string[];
}

/** Why the file's move from `start` to `now` is not the probe's alone, or null when it is. */
export function notOurs(trail: { start: Buffer | undefined; steps: { from: string | null; to: string | null; ours: boolean; what: string }[] }, now: Buffer | undefined): string | null {
  let at = digest(trail.start);
  for (const step of trail.steps) {
    if (step.from !== at) return `it changed between the probe's steps (before ${step.what})`;
    if (!step.ours) return `${step.what} came with a change to another device's record`;
    at = step.to;
  }
  return at === digest(now) ? null : 'it changed after the probe';
}

export async function undoProbeWrites(stateDir: string, trail: StoreTrail): Promise<ProbeUndo> {
  const done: ProbeUndo = { restored: [], left: [] };
  for (const [file, entry] of trail) {
    const name = path.relative(stateDir, file);
    let now: Buffer | undefined;
    try {
      now = readStoreBytes(file);
    } catch (error) {
      done.left.push(`${name}: ${plainText(error instanceof Error ? error.message : String(error))}`);
      continue;
    }
    if (digest(now) === digest(entry.start)) continue;
    const why = entry.start && now ? notOurs(entry, now) : 'the probe saw it appear or disappear';
    if (why) {
      done.left.push(`${name}: ${why}`);
      continue;
    }
    try {
      await writeFileAtomic(file, entry.start!, { expect: now!, owner: await vetTarget(file), within: stateDir });
      done.restored.push(name);
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      done.left.push(`${name}: it changed while it was put back`);
    }
  }
  return done;
}
