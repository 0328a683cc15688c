/**
 * Our own lock against a second openclaw-fix on the same state (git-style O_EXCL lock file). It cannot
 * stop the gateway, whose lock is in-process only; that is what stopping the service and compare-and-swap
 * are for.
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeFileSync, writeSync, constants } from 'node:fs';
import path from 'node:path';
import { CannotRunError, errnoCode } from '../core/errors.js';

export const LOCK_NAME = 'openclaw-fix.lock';

export interface Lock {
  path: string;
  /** A lock left by a dead openclaw-fix was taken over. */
  recoveredFrom?: Holder;
  /** Records what this run did that a crash would leave behind (a stopped gateway). */
  update(extra: Partial<Holder>): void;
  release(): void;
}

export interface Holder {
  pid: number;
  startedAt: string;
  command?: string;
  /** The gateway service this run stopped, and how to start it by hand. */
  stopped?: string;
  startCommand?: string;
}

function readHolder(file: string): Holder | undefined {
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')) as Partial<Holder>;
    return typeof value.pid === 'number' ? { ...value, pid: value.pid, startedAt: String(value.startedAt ?? '?') } : undefined;
  } catch {
    return undefined;
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

function tryCreate(file: string, command: string, startedAt: string): boolean {
  let fd;
  try {
    fd = openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0), 0o600);
  } catch (error) {
    if (errnoCode(error) === 'EEXIST') return false;
    throw new CannotRunError('lock-failed', `Cannot create the lock file ${file} (${errnoCode(error) ?? 'error'}): this user may not write in the state directory. Nothing was changed.`, file);
  }
  try {
    writeSync(fd, JSON.stringify({ pid: process.pid, startedAt, command }));
  } finally {
    closeSync(fd);
  }
  return true;
}

/** The lock of an openclaw-fix that died (killed, crashed), if there is one. */
export function staleLock(stateDir: string): Holder | undefined {
  const holder = readHolder(path.join(stateDir, LOCK_NAME));
  return holder && !alive(holder.pid) ? holder : undefined;
}

export async function acquireLock(stateDir: string, command: string, waitMs = 3000): Promise<Lock> {
  const file = path.join(stateDir, LOCK_NAME);
  const deadline = Date.now() + waitMs;
  let recoveredFrom: Holder | undefined;
  const startedAt = new Date().toISOString();
  for (;;) {
    if (tryCreate(file, command, startedAt)) break;
    const holder = readHolder(file);
    if (holder && !alive(holder.pid)) {
      // A crashed openclaw-fix: its pid is gone, so nobody is writing; take over.
      recoveredFrom = holder;
      try {
        unlinkSync(file);
      } catch {
        // Another run removed it first; the next create decides.
      }
      continue;
    }
    if (Date.now() >= deadline) {
      const who = holder ? `pid ${holder.pid}, ${holder.command ?? 'openclaw-fix'}, started ${holder.startedAt}` : 'unknown process';
      throw new CannotRunError(
        'locked',
        `Another openclaw-fix seems to be running on this state (${who}): ${file} exists. Wait for it to finish; if none is running, an openclaw-fix may have crashed: remove the file manually to continue. Nothing was changed.`,
        file,
      );
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.off('exit', release);
    try {
      if (readHolder(file)?.pid === process.pid) unlinkSync(file);
    } catch {
      // Already gone.
    }
  };
  process.on('exit', release);
  const update = (extra: Partial<Holder>) => {
    // Rewritten in place (same inode): only this process holds it.
    writeFileSync(file, JSON.stringify({ pid: process.pid, startedAt, command, ...extra }), { mode: 0o600 });
  };
  return { path: file, recoveredFrom, update, release };
}
