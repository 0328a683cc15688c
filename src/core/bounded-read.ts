/**
 * The one way openclaw-fix reads a file it did not write (store, identity, config, logs, pastes, backup
 * manifests, the SQLite database's pre-open check). The state can be shaped by someone else: a FIFO where a
 * file belongs hangs a plain read, /dev/zero never ends, a directory reads as an I/O error. So:
 * - nothing is opened unless stat says it is a regular file, and the opened descriptor is checked again;
 * - the size limit is enforced WHILE reading (a file that grows, or a pipe, stops at the limit);
 * - "this user may not enter a directory on the way" is told apart from a broken file.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { CannotRunError, errnoCode, unchanged } from './errors.js';
import { ownerText, runAsHint } from './users.js';

/** A backup copy or a live SQLite database: far above any real one, below what a Buffer can hold. */
export const MAX_BACKUP_BYTES = 1024 * 1048576;

export type ReadRefusal = 'missing' | 'not-regular' | 'too-large' | 'denied' | 'dangling-link' | 'link-loop' | 'error';

export type BoundedRead =
  | { ok: true; bytes: Buffer; stat: Stats; isSymlink: boolean }
  | {
      ok: false;
      reason: ReadRefusal;
      /** One phrase after the file name ("is a named pipe (fifo), not a file"). */
      problem: string;
      /** The target's stat when it could be taken (the link's own for a dangling link). */
      stat?: Stats;
      isSymlink?: boolean;
      code?: string;
    };

function describeKind(s: Stats): string {
  if (s.isDirectory()) return 'a directory';
  if (s.isFIFO()) return 'a named pipe (fifo)';
  if (s.isSocket()) return 'a socket';
  if (s.isCharacterDevice() || s.isBlockDevice()) return 'a device node';
  return 'not a regular file';
}

function mib(bytes: number): string {
  return `${Math.round((bytes / 1048576) * 10) / 10} MiB`;
}

/**
 * The first directory on the way to `file` this user may not enter (search permission), when that is why
 * the file cannot be reached. Only consulted after an EACCES, so it costs nothing on the healthy path.
 */
export function deniedDirectory(file: string): { dir: string; stat?: Stats } | undefined {
  const parts = path.resolve(file).split(path.sep).filter(Boolean);
  let dir: string = path.sep;
  for (let i = 0; i < parts.length - 1; i++) {
    dir = path.join(dir, parts[i]!);
    try {
      // A child can be stat'ed only with search permission on its directory.
      lstatSync(path.join(dir, parts[i + 1]!));
    } catch (error) {
      if (errnoCode(error) !== 'EACCES') return undefined;
      let stat: Stats | undefined;
      try {
        stat = statSync(dir);
      } catch {
        stat = undefined;
      }
      return { dir, stat };
    }
  }
  return undefined;
}

/** The exit-2 line for a path this user cannot reach: not a broken file, the wrong user. */
export function notThisUserError(file: string, blocked: { dir: string; stat?: Stats }): CannotRunError {
  const me = process.getuid?.() ?? -1;
  const who = blocked.stat
    ? `${blocked.dir} belongs to ${ownerText(blocked.stat.uid)}, mode ${(blocked.stat.mode & 0o7777).toString(8).padStart(4, '0')}, and this is ${ownerText(me)}`
    : `this user (${ownerText(me)}) may not enter ${blocked.dir}`;
  const run = blocked.stat && blocked.stat.uid !== me ? ` (${runAsHint(blocked.stat.uid)})` : '';
  return new CannotRunError(
    'permission-denied',
    `Cannot read ${file} as this user: ${who}. this is no sign of damage; run openclaw-fix as the owner${run}.`,
    file,
  );
}

/**
 * Reads `file` whole if it is a regular file of at most `limit` bytes. Never throws: every way it can fail is
 * a refusal with a reason, for the caller to word or to turn into a finding.
 */
export function readBounded(file: string, limit: number): BoundedRead {
  let link: Stats;
  try {
    link = lstatSync(file);
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') return { ok: false, reason: 'missing', problem: 'does not exist', code };
    if (code === 'EACCES') return { ok: false, reason: 'denied', problem: 'cannot be reached by this user (a directory on the way is closed to it)', code };
    return { ok: false, reason: 'error', problem: `cannot be inspected (${code ?? 'error'})`, code };
  }
  const isSymlink = link.isSymbolicLink();
  let target = link;
  if (isSymlink) {
    try {
      target = statSync(file);
    } catch (error) {
      const code = errnoCode(error);
      if (code === 'ELOOP') return { ok: false, reason: 'link-loop', problem: 'is a symbolic link that loops back on itself', stat: link, isSymlink, code };
      if (code === 'EACCES') return { ok: false, reason: 'denied', problem: 'is a symbolic link this user cannot follow', stat: link, isSymlink, code };
      return { ok: false, reason: 'dangling-link', problem: 'is a symbolic link to a file that does not exist', stat: link, isSymlink, code };
    }
  }
  // Checked before opening: opening a FIFO waits for a writer, opening a device can have side effects.
  if (!target.isFile()) return { ok: false, reason: 'not-regular', problem: `is ${describeKind(target)}, not a file`, stat: target, isSymlink };
  if (target.size > limit) {
    return { ok: false, reason: 'too-large', problem: `is ${mib(target.size)}, over the ${mib(limit)} this reads`, stat: target, isSymlink };
  }
  let fd: number;
  try {
    // O_NONBLOCK: if the file was swapped for a FIFO since the stat, open returns at once instead of hanging.
    fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0));
  } catch (error) {
    const code = errnoCode(error);
    const denied = code === 'EACCES' || code === 'EPERM';
    return { ok: false, reason: denied ? 'denied' : 'error', problem: denied ? 'cannot be read by this user' : `could not be read (${code ?? 'error'})`, stat: target, isSymlink, code };
  }
  try {
    const opened = fstatSync(fd);
    if (!opened.isFile()) return { ok: false, reason: 'not-regular', problem: `is ${describeKind(opened)}, not a file`, stat: opened, isSymlink };
    const parts: Buffer[] = [];
    let total = 0;
    // First read sized to the file (+1 to see it grew); a file still growing continues in 1 MiB steps.
    let want = Math.min(opened.size, limit) + 1;
    for (;;) {
      const buf = Buffer.allocUnsafeSlow(want);
      let got = 0;
      for (let n; got < want && (n = readSync(fd, buf, got, want - got, null)) > 0; ) got += n;
      parts.push(got === want ? buf : buf.subarray(0, got));
      total += got;
      if (total > limit) {
        return { ok: false, reason: 'too-large', problem: `is over the ${mib(limit)} this reads (stopped reading there)`, stat: opened, isSymlink };
      }
      if (got < want) break;
      want = Math.min(1048576, limit + 1 - total);
    }
    return { ok: true, bytes: parts.length === 1 ? parts[0]! : Buffer.concat(parts, total), stat: opened, isSymlink };
  } catch (error) {
    const code = errnoCode(error);
    return { ok: false, reason: 'error', problem: `could not be read (${code ?? 'error'})`, stat: target, isSymlink, code };
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads `file` or throws the one exit-2 line naming it. `what` says what the file is for the user
 * ("the paste", "the backup manifest"); `hints` what to do instead, by reason.
 */
export function readBoundedOrThrow(file: string, limit: number, what: string, hints: Partial<Record<ReadRefusal, string>> = {}): Buffer {
  const r = readBounded(file, limit);
  if (r.ok) return r.bytes;
  if (r.reason === 'denied') {
    const blocked = deniedDirectory(file);
    if (blocked) throw notThisUserError(file, blocked);
  }
  const code = r.reason === 'missing' ? 'no-input' : r.reason === 'not-regular' ? 'not-regular' : r.reason === 'too-large' ? 'too-large' : 'unreadable-input';
  const hint = hints[r.reason];
  throw unchanged(new CannotRunError(code, `Cannot read ${file} (${what}): it ${r.problem}; nothing was changed.${hint ? ` ${hint}` : ''}`, file));
}

/**
 * The regular-file check alone, for a file another library opens (node:sqlite): a FIFO there would hang the
 * open, /dev/zero would read as an "unknown schema", a directory as "disk I/O error".
 */
export function assertRegularFile(file: string, what: string, fix: string): void {
  let s: Stats;
  try {
    s = statSync(file);
  } catch (error) {
    if (errnoCode(error) === 'EACCES') {
      const blocked = deniedDirectory(file);
      if (blocked) throw notThisUserError(file, blocked);
    }
    return; // missing or a broken link: the caller's own error names it
  }
  if (!s.isFile()) {
    throw new CannotRunError('not-regular', `${file} is ${describeKind(s)}, not ${what}; nothing was read or changed. ${fix}`, file);
  }
}

/**
 * Reads a stream (stdin) up to `limit` bytes and stops there: `yes | openclaw-fix explain -` ends, with the
 * line saying why, instead of reading forever.
 */
export async function readStreamBounded(stream: NodeJS.ReadableStream & { destroy?: () => void }, limit: number, name: string, hint: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    total += buf.length;
    if (total > limit) {
      stream.destroy?.();
      throw new CannotRunError('too-large', `${name} is over the ${mib(limit)} this reads; stopped reading there. ${hint}`);
    }
    parts.push(buf);
  }
  return Buffer.concat(parts, total);
}

/**
 * Opens a file that is read in chunks, not whole (a log of any size): the same regular-file rule, checked on
 * the opened descriptor, so a FIFO or a device where a log belongs is refused instead of hanging or never ending.
 * Throws an Error whose code is 'ENOTREG' and whose message is the phrase ("is a named pipe (fifo), not a file").
 */
export async function openRegularFile(file: string): Promise<FileHandle> {
  const before = await stat(file);
  if (!before.isFile()) throw notRegular(before);
  const handle = await open(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0));
  const opened = await handle.stat().catch(() => undefined);
  if (!opened?.isFile()) {
    await handle.close();
    throw notRegular(opened ?? before);
  }
  return handle;
}

function notRegular(s: Stats): Error {
  return Object.assign(new Error(`is ${describeKind(s)}, not a file`), { code: 'ENOTREG' });
}

/**
 * Best-effort text beside the state (a unit file, an env file, demo.json, a backup manifest): the same rules,
 * and any refusal reads as "not there" because the caller treats a missing file that way already.
 */
export function readSmallText(file: string, limit = 1048576): string | undefined {
  const r = readBounded(file, limit);
  return r.ok ? r.bytes.toString('utf8') : undefined;
}
