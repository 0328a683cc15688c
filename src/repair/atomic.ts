/**
 * The one way openclaw-fix replaces a state file (docs/guarantees.md §3): a 0600 temp file created
 * exclusively in the same directory, fsync, owner kept, compare-and-swap against the bytes the plan was
 * made from, rename, fsync the directory. A reader sees the old bytes or the new ones, never a mix.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, promises as fsp, readFileSync, readSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CannotRunError, errnoCode, unchanged } from '../core/errors.js';
import { ownerText, runAsHint } from '../core/users.js';
import { sha256 } from '../store/read-file.js';
import { openParent, type PinnedDir } from './confined.js';
import { crashPoint } from './crash.js';
import { hooks } from '../core/hooks.js';
import { waitWhileGatewayWrites, watchRenames, type RaceWatchOrReason } from './race-watch.js';

export interface FileOwner {
  uid: number;
  gid: number;
}

/** The live file changed since the plan was made: the caller re-plans. */
export class ConflictError extends Error {
  constructor(public readonly file: string) {
    super(`${file} changed while openclaw-fix was working on it`);
    this.name = 'ConflictError';
  }
}

const TEMP_MARK = '.openclaw-fix-';

function uid(): number {
  return process.getuid?.() ?? -1;
}

/**
 * A target must be a regular file this user owns (root may write anyone's; ownership is kept).
 * Returns its owner, or undefined when it does not exist.
 */
export async function vetTarget(file: string, via = file): Promise<FileOwner | undefined> {
  let st;
  try {
    st = await fsp.lstat(via);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return undefined;
    const code = errnoCode(error) ?? 'error';
    throw unchanged(new CannotRunError('cannot-inspect', `Cannot inspect ${file} (${code}); nothing was changed.`, file), `Cannot inspect ${file} (${code}).`);
  }
  // Also checked right before each rename, so a later file of a several-file write can be refused here after an
  // earlier one was replaced: each refusal gives its reason apart from the "nothing was changed" claim.
  if (st.isSymbolicLink()) {
    const to = await fsp.readlink(via).catch(() => '?');
    const refusal = `${file} is a symbolic link (to ${to}). OpenClaw's own next write replaces a link with a plain file, so an edit through it would not last; replace the link with the file it points to (cp --remove-destination "$(readlink -f ${file})" ${file}), then run again.`;
    throw unchanged(new CannotRunError('not-regular', `${refusal} Nothing was changed.`, file), refusal);
  }
  if (!st.isFile()) {
    const kind = st.isDirectory() ? 'a directory' : st.isFIFO() ? 'a named pipe (fifo)' : 'not a regular file';
    const refusal = `${file} is ${kind}, not the JSON file OpenClaw writes; move it aside and run openclaw-fix doctor.`;
    throw unchanged(new CannotRunError('not-regular', `${refusal} Nothing was changed.`, file), refusal);
  }
  if (uid() !== 0 && uid() !== -1 && st.uid !== uid()) {
    const refusal = `${file} belongs to ${ownerText(st.uid)}, and this is ${ownerText(uid())}: writing it would change another user's gateway. Run openclaw-fix as that user (${runAsHint(st.uid)}).`;
    throw unchanged(new CannotRunError('foreign-owner', `${refusal} Nothing was changed.`, file), refusal);
  }
  return { uid: st.uid, gid: st.gid };
}

/**
 * Whether `file` holds exactly `bytes` (null: whether it is absent), byte for byte. Synchronous on purpose:
 * compare-and-swap must not give the event loop a turn between the compare and the rename.
 */
export function fileHolds(file: string, bytes: Buffer | null): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return bytes === null;
    throw error;
  }
  try {
    if (bytes === null || fstatSync(fd).size !== bytes.length) return false;
    // One byte more than expected, so a file that grew since the stat is seen.
    const held = Buffer.alloc(bytes.length + 1);
    let got = 0;
    for (let n; got < held.length && (n = readSync(fd, held, got, held.length - got, null)) > 0; ) got += n;
    return got === bytes.length && bytes.equals(held.subarray(0, got));
  } finally {
    closeSync(fd);
  }
}

async function fsyncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await fsp.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function writeError(error: unknown, file: string): CannotRunError {
  const code = errnoCode(error);
  const dir = path.dirname(file);
  const why =
    code === 'EACCES' || code === 'EPERM'
      ? `this user may not write in ${dir}`
      : code === 'EROFS'
        ? `${dir} is on a read-only file system`
        : code === 'ENOSPC'
          ? 'the disk is full'
          : code === 'ENOENT' || code === 'ENOTDIR'
            ? `${dir} is not an existing directory`
          : `the write failed (${code ?? (error instanceof Error ? error.message : 'error')})`;
  return new CannotRunError('write-failed', `Cannot write ${file}: ${why}.`, file);
}

export interface AtomicWriteOptions {
  /** Bytes the live file must still hold right before the rename (null: must not exist); undefined skips the check. */
  expect?: Buffer | null;
  owner?: FileOwner;
  /** Crash-hook step name reached after the temp file is complete (tests only). */
  crashLabel?: string;
  /** Final mode; 0600 for state files (they hold tokens), 0644 for files other programs read. */
  mode?: number;
  /**
   * With expect, while a gateway may be writing the same file: watch the directory around the rename and
   * count the gateway writes ours replaced (race-watch.ts).
   */
  detectRaces?: boolean;
  /** Also return the sha256 of the bytes (hex), computed while the fsync runs (a backup manifest records it). */
  sha256?: boolean;
  /**
   * The dir the write must stay inside (the state dir, or a named output dir): every component between it and
   * the file is reached without following a link (confined.ts). Default: the file's own directory.
   */
  within?: string;
}

export interface AtomicWriteResult {
  /**
   * With detectRaces: how many writes by another process landed between the compare and our rename and were
   * replaced by ours (lost); null when that could not be watched (`raceWatch` says why). Undefined otherwise.
   */
  replacedWrites?: number | null;
  raceWatch?: string;
  /** With the sha256 option: the hash of the bytes written. */
  sha256?: string;
}

/**
 * hooks.race (tests only): another write lands on the file between the compare and the rename (the live
 * bytes again, plus a newline, renamed in as a gateway does), so tests can see it reported.
 */
function simulateForeignWrite(file: string): void {
  if (!hooks.race) return;
  const foreign = `${file}.${randomBytes(8).toString('hex')}.tmp`;
  writeFileSync(foreign, Buffer.concat([readFileSync(file), Buffer.from('\n')]), { mode: 0o600 });
  renameSync(foreign, file);
}

/**
 * hooks.failWrite (tests only), `<ENOSPC|EROFS|EACCES|EIO>[:<n>]`: the n-th atomic write of this process
 * (default the first) fails as the file system would: EROFS/EACCES/EPERM when the temp file is created,
 * ENOSPC/EIO while it is written. Tests prove that a failing disk leaves the original bytes.
 */
let atomicWrites = 0;
function injectedFailure(stage: 'open' | 'write'): NodeJS.ErrnoException | undefined {
  const spec = hooks.failWrite;
  if (!spec) return undefined;
  const [code = '', nth = '1'] = spec.split(':');
  if ((stage === 'open') !== ['EROFS', 'EACCES', 'EPERM'].includes(code) || atomicWrites !== Number(nth)) return undefined;
  return Object.assign(new Error(`${code} (injected by a test)`), { code });
}

export async function writeFileAtomic(file: string, bytes: Buffer, options: AtomicWriteOptions = {}): Promise<AtomicWriteResult> {
  let pinned;
  try {
    pinned = openParent(options.within ?? path.dirname(file), file);
  } catch (error) {
    throw error instanceof CannotRunError ? error : writeError(error, file);
  }
  try {
    return await writeInPinned(pinned.dir, file, bytes, options);
  } finally {
    pinned.dir.close();
  }
}

async function writeInPinned(pinned: PinnedDir, file: string, bytes: Buffer, options: AtomicWriteOptions): Promise<AtomicWriteResult> {
  // Every file-system call goes through the held directory (pinned.via); messages name the real path.
  const dir = pinned.via;
  const target = pinned.join(path.basename(file));
  const tempName = `${path.basename(file)}${TEMP_MARK}${randomBytes(6).toString('hex')}.tmp`;
  const temp = pinned.join(tempName);
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);
  const mode = options.mode ?? 0o600;
  atomicWrites++;
  let handle;
  try {
    const injected = injectedFailure('open');
    if (injected) throw injected;
    handle = await fsp.open(temp, flags, 0o600);
  } catch (error) {
    throw writeError(error, file);
  }
  let renamed = false;
  let watch: RaceWatchOrReason | undefined;
  const result: AtomicWriteResult = {};
  try {
    try {
      const injected = injectedFailure('write');
      if (injected) throw injected;
      await handle.writeFile(bytes);
      await handle.chmod(mode);
      await handle.sync();
      if (options.sha256) result.sha256 = sha256(bytes);
      // Root writing a user's state must leave it owned by that user, or the gateway cannot read it.
      if (uid() === 0 && options.owner) await handle.chown(options.owner.uid, options.owner.gid);
    } finally {
      await handle.close();
    }
    if (options.crashLabel) crashPoint(options.crashLabel);
    if (options.expect !== undefined) {
      await vetTarget(file, target);
      if (options.detectRaces) {
        watch = watchRenames(dir, path.basename(file), tempName, mode);
        await waitWhileGatewayWrites(dir, path.basename(file), TEMP_MARK);
      }
      // Mark, check and rename back to back, synchronously: no event-loop turn between them. A writer's rename
      // can still land in between (nothing short of an atomic exchange closes that); the watch counts it.
      if (watch && 'mark' in watch) watch.mark();
      if (!fileHolds(target, options.expect)) throw new ConflictError(file);
      simulateForeignWrite(target);
      renameSync(temp, target);
      renamed = true;
      if (watch && 'mark' in watch) {
        result.replacedWrites = await watch.replaced();
        if (result.replacedWrites === null) result.raceWatch = `the events for ${path.dirname(file)} did not arrive in time (inotify queue overflow?)`;
      } else if (watch) {
        result.replacedWrites = null;
        result.raceWatch = watch.unavailable;
      }
    } else {
      // rename replaces a link planted at the name; it never writes through it.
      await fsp.rename(temp, target);
      renamed = true;
    }
    await fsyncDir(dir);
    return result;
  } catch (error) {
    if (error instanceof ConflictError || error instanceof CannotRunError) throw error;
    throw writeError(error, file);
  } finally {
    if (watch && 'close' in watch) watch.close();
    if (!renamed) await fsp.unlink(temp).catch(() => undefined);
  }
}

/** Removes temp files a killed openclaw-fix left beside a state file (only ours, by name). */
export async function removeStaleTemps(file: string, within = path.dirname(file)): Promise<void> {
  let dir;
  try {
    ({ dir } = openParent(within, file));
  } catch (error) {
    // A link where we write is refused; a directory that is not there holds no temp file of ours.
    if (error instanceof CannotRunError) throw error;
    return;
  }
  try {
    const prefix = `${path.basename(file)}${TEMP_MARK}`;
    const names = await fsp.readdir(dir.via).catch(() => [] as string[]);
    for (const name of names) if (name.startsWith(prefix) && name.endsWith('.tmp')) await fsp.unlink(dir.join(name)).catch(() => undefined);
  } finally {
    dir.close();
  }
}
