/**
 * Our own lock against a second openclaw-fix on the same state (git-style O_EXCL lock file). It cannot
 * stop the gateway, whose lock is in-process only; that is what stopping the service and compare-and-swap
 * are for.
 *
 * The state's owner may be less trusted than the user running (root): the lock is created without following
 * a link, then only ever written through the descriptor this run holds, so replacing the file with a link
 * while the gateway stops redirects nothing. It is handed to the state's owner, who can remove it.
 */
import { closeSync, constants, fchownSync, fstatSync, ftruncateSync, lstatSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { CannotRunError, errnoCode, unchanged } from '../core/errors.js';
import { linkRefused, openDir, stateOwner, type PinnedDir } from './confined.js';

export const LOCK_NAME = 'openclaw-fix.lock';

export interface Lock {
  path: string;
  /** A lock left by a dead or failed openclaw-fix was taken over. */
  recoveredFrom?: Holder;
  /** Records what this run did that a crash would leave behind (a stopped gateway). */
  update(extra: Partial<Holder>): void;
  release(): void;
}

interface Holder {
  /** Undefined: the lock was empty or unreadable (a run that failed while writing it). */
  pid?: number;
  startedAt: string;
  command?: string;
  /** The gateway service this run stopped, and how to start it by hand. */
  stopped?: string;
  startCommand?: string;
}

/** What a lock file says: a holder, 'unparsable' (empty or not ours), or undefined when there is none. */
type Found = { holder: Holder; ino: number } | { unparsable: true; ino: number } | undefined;

const MAX_LOCK_BYTES = 64 * 1024;

function readLock(dir: PinnedDir): Found {
  const shown = path.join(dir.shown, LOCK_NAME);
  let fd;
  try {
    fd = openSync(dir.join(LOCK_NAME), constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | constants.O_NONBLOCK);
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'ENOENT') return undefined;
    if (code === 'ELOOP') throw linkRefused(shown);
    throw unchanged(new CannotRunError('lock-failed', `Cannot read the lock file ${shown} (${code ?? 'error'}). Nothing was changed.`, shown));
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) {
      throw unchanged(new CannotRunError('lock-failed', `${shown} is not a regular file; it is not a lock openclaw-fix made. Remove it, then run again. Nothing was changed.`, shown));
    }
    const buffer = Buffer.alloc(Math.min(st.size, MAX_LOCK_BYTES));
    const got = buffer.length ? readSync(fd, buffer, 0, buffer.length, 0) : 0;
    try {
      const value = JSON.parse(buffer.subarray(0, got).toString('utf8')) as Partial<Holder>;
      if (typeof value.pid !== 'number' || !Number.isInteger(value.pid) || value.pid <= 0) return { unparsable: true, ino: st.ino };
      const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
      return {
        holder: { pid: value.pid, startedAt: text(value.startedAt) ?? '?', command: text(value.command), stopped: text(value.stopped), startCommand: text(value.startCommand) },
        ino: st.ino,
      };
    } catch {
      return { unparsable: true, ino: st.ino };
    }
  } finally {
    closeSync(fd);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, it is another user's.
    return errnoCode(error) === 'EPERM';
  }
}

function lockError(error: unknown, shown: string): CannotRunError {
  const code = errnoCode(error);
  const why =
    code === 'ENOSPC' || code === 'EDQUOT'
      ? 'the disk is full'
      : code === 'EROFS'
        ? 'the file system is read-only'
        : code === 'EACCES' || code === 'EPERM'
          ? 'this user may not write in the state directory'
          : `the write failed (${code ?? (error instanceof Error ? error.message : 'error')})`;
  return unchanged(new CannotRunError('lock-failed', `Cannot create the lock file ${shown}: ${why}. Nothing was changed.`, shown));
}

function writeAll(fd: number, text: string): void {
  const bytes = Buffer.from(text);
  for (let at = 0; at < bytes.length; ) {
    const n = writeSync(fd, bytes, at, bytes.length - at, at);
    if (n === 0) throw Object.assign(new Error('the file system accepted no bytes'), { code: 'EIO' });
    at += n;
  }
}

/** Creates the lock; undefined when one exists. On a write error nothing is left behind (a lock nobody holds blocks every later run). */
function tryCreate(dir: PinnedDir, content: string): number | undefined {
  const shown = path.join(dir.shown, LOCK_NAME);
  let fd;
  try {
    fd = openSync(dir.join(LOCK_NAME), constants.O_RDWR | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0), 0o600);
  } catch (error) {
    if (errnoCode(error) === 'EEXIST') return undefined;
    throw lockError(error, shown);
  }
  try {
    writeAll(fd, content);
    const owner = stateOwner(dir.shown);
    if (owner) fchownSync(fd, owner.uid, owner.gid);
  } catch (error) {
    closeSync(fd);
    try {
      unlinkSync(dir.join(LOCK_NAME));
    } catch {
      // Already gone.
    }
    throw lockError(error, shown);
  }
  return fd;
}

/** Removes the lock at the name only while it is still the file judged (same inode): never a newer run's. */
function removeIfSame(dir: PinnedDir, ino: number): void {
  try {
    if (lstatSync(dir.join(LOCK_NAME)).ino === ino) unlinkSync(dir.join(LOCK_NAME));
  } catch {
    // Another run removed it first; the next create decides.
  }
}

/** The lock of an openclaw-fix that died (killed, crashed) or failed writing it, if there is one. */
function staleLock(stateDir: string): Holder | undefined {
  let dir;
  try {
    dir = openDir(stateDir, '');
  } catch {
    return undefined;
  }
  try {
    const found = readLock(dir);
    if (!found) return undefined;
    if ('unparsable' in found) return { startedAt: '?' };
    return found.holder.pid && !alive(found.holder.pid) ? found.holder : undefined;
  } catch {
    return undefined;
  } finally {
    dir.close();
  }
}

export async function acquireLock(stateDir: string, command: string, waitMs = 3000): Promise<Lock> {
  const file = path.join(stateDir, LOCK_NAME);
  let dir: PinnedDir;
  try {
    dir = openDir(stateDir, '');
  } catch (error) {
    throw error instanceof CannotRunError ? error : lockError(error, file);
  }
  const deadline = Date.now() + waitMs;
  let recoveredFrom: Holder | undefined;
  const startedAt = new Date().toISOString();
  const content = (extra: Partial<Holder> = {}) => JSON.stringify({ pid: process.pid, startedAt, command, ...extra });
  /** An empty or unparsable lock seen on an earlier look: a run that failed writing it, not one mid-write. */
  let unparsableSeen: number | undefined;
  let fd: number | undefined;
  try {
    for (;;) {
      fd = tryCreate(dir, content());
      if (fd !== undefined) break;
      const found = readLock(dir);
      if (found && 'unparsable' in found) {
        // A run writes its lock right after creating it; still empty or garbled one poll later, it never will be.
        if (unparsableSeen === found.ino) {
          recoveredFrom = { startedAt: '?' };
          removeIfSame(dir, found.ino);
          continue;
        }
        unparsableSeen = found.ino;
      } else if (found && !alive(found.holder.pid!)) {
        // A crashed openclaw-fix: its pid is gone, so nobody is writing; take over.
        recoveredFrom = found.holder;
        removeIfSame(dir, found.ino);
        continue;
      }
      if (Date.now() >= deadline) {
        const holder = found && 'holder' in found ? found.holder : undefined;
        const who = holder ? `pid ${holder.pid}, ${holder.command ?? 'openclaw-fix'}, started ${holder.startedAt}` : 'unknown process';
        throw unchanged(new CannotRunError(
          'locked',
          `Another openclaw-fix seems to be running on this state (${who}): ${file} exists. Wait for it to finish; if none is running, an openclaw-fix may have crashed: remove the file manually to continue. Nothing was changed.`,
          file,
        ));
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  } catch (error) {
    dir.close();
    throw error;
  }
  const held = fd;
  const ino = fstatSync(held).ino;
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.off('exit', release);
    removeIfSame(dir, ino);
    try {
      closeSync(held);
    } catch {
      // Closed already.
    }
    dir.close();
  };
  process.on('exit', release);
  const update = (extra: Partial<Holder>) => {
    // Through the descriptor this run holds: a link put at the name since cannot redirect it.
    const text = content(extra);
    ftruncateSync(held, 0);
    writeAll(held, text);
  };
  return { path: file, recoveredFrom, update, release };
}

/** What a killed earlier run left behind, said when this run changes nothing (and so does not clean it up). */
export function staleLockNote(stateDir: string): string | undefined {
  const holder = staleLock(stateDir);
  if (!holder) return undefined;
  if (holder.stopped) {
    return `An earlier openclaw-fix (pid ${holder.pid}, ${holder.startedAt}) was interrupted after stopping the ${holder.stopped} and did not start it again: run ${holder.startCommand ?? 'openclaw gateway start'}.`;
  }
  if (holder.pid === undefined) return `An earlier openclaw-fix failed while creating ${stateDir}/${LOCK_NAME} and left it empty or unreadable; the next change takes it over.`;
  return `An earlier openclaw-fix (pid ${holder.pid}) was interrupted and left ${stateDir}/${LOCK_NAME}; it is harmless, and the next change removes it.`;
}
