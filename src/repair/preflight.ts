/** Checks made before anything is shown or stopped: a store we cannot judge or write is refused early (exit 2). */
import { constants, promises as fsp } from 'node:fs';
import path from 'node:path';
import { CannotRunError, errnoCode, unchanged } from '../core/errors.js';
import type { Snapshot } from '../core/model.js';
import { vetTarget } from './atomic.js';
import { refuseLinks } from './confined.js';
import { WRITTEN_PLACES } from './places.js';

export function assertStoreReadable(snapshot: Snapshot): void {
  const paired = snapshot.store.paired;
  if (paired.status === 'ok') return;
  if (paired.status === 'missing') {
    throw unchanged(new CannotRunError('no-store', `There is no ${paired.path}: no device is paired yet, so there is nothing to widen. Nothing was changed.`, paired.path));
  }
  throw unchanged(new CannotRunError(
    'store-unreadable',
    `${paired.path} ${paired.problem ?? `is ${paired.status}`}. openclaw-fix does not write a store it cannot read; nothing was changed. Run openclaw-fix doctor for what to do.`,
    paired.path,
  ));
}

/** Every file is a regular file we may replace, and every directory we write in (state dir for the lock and backups) is writable. */
export async function assertWritable(stateDir: string, files: string[]): Promise<void> {
  // A link where a change writes is refused before the plan is confirmed (apply checks again before the lock).
  const inside = files.map((f) => path.relative(stateDir, f)).filter((rel) => !rel.startsWith('..') && !path.isAbsolute(rel));
  refuseLinks(stateDir, [...WRITTEN_PLACES, ...inside]);
  for (const file of files) await vetTarget(file);
  for (const dir of [stateDir, ...new Set(files.map((f) => path.dirname(f)))]) {
    try {
      await fsp.access(dir, constants.W_OK);
    } catch (error) {
      // A read-only mount is not a permission problem: running as the owner would not help.
      if (errnoCode(error) === 'EROFS') {
        throw unchanged(new CannotRunError('read-only', `Cannot write in ${dir}: it is on a read-only file system (remount it read-write, or run where the state is writable). Nothing was changed.`, dir));
      }
      throw unchanged(new CannotRunError('read-only', `Cannot write in ${dir}: it is read-only for this user. Run openclaw-fix as the user that owns the OpenClaw state. Nothing was changed.`, dir));
    }
  }
}
