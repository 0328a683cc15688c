/**
 * Backups of every file a change writes: <state>/backups/openclaw-fix/<UTC stamp>/<relative path>, dir 0700,
 * files 0600, plus manifest.json (what changed, in words; sha256 before and after). Names carry only the
 * time, never device or token data. The manifest is written last, so a backup with a manifest is complete.
 */
import { fchmodSync, fchownSync, fstatSync, lchownSync, mkdirSync, promises as fsp, readdirSync } from 'node:fs';
import path from 'node:path';
import { MAX_BACKUP_BYTES, readBoundedOrThrow, readSmallText } from '../core/bounded-read.js';
import { CannotRunError, errnoCode, unchanged } from '../core/errors.js';
import { sha256 } from '../store/read-file.js';
import { TOOL_VERSION } from '../version.js';
import { fileHolds, writeFileAtomic } from './atomic.js';
import { crashPoint } from './crash.js';
import { openDir, stateOwner, type Owner } from './confined.js';

export const BACKUP_ROOT = path.join('backups', 'openclaw-fix');
const MANIFEST = 'manifest.json';

type BackupStatus = 'backed-up' | 'applied' | 'rolled-back' | 'not-applied';

export interface BackupFile {
  /** Relative to the state dir. */
  path: string;
  sha256Before: string;
  sha256After: string | null;
  /** Octal, e.g. "0644": the file's mode before the change (writes leave 0600, as OpenClaw does). */
  mode: string;
  /**
   * "sqlite": an online-backup copy of the whole database (sha256Before is the copy's own hash); restore puts
   * back only its device tables, in one transaction. Absent: a plain file, restored byte for byte.
   */
  kind?: 'sqlite';
  /** sqlite: fingerprint of the device tables (paired, pending, device tokens) before and after the change. */
  tablesSha256Before?: string;
  tablesSha256After?: string | null;
}

export interface Manifest {
  tool: string;
  version: string;
  command: 'rotate' | 'restore';
  createdAt: string;
  status: BackupStatus;
  /** What the change did (or will do), in words. */
  description: string;
  deviceId: string | null;
  files: BackupFile[];
}

export interface Backup {
  name: string;
  dir: string;
  manifest: Manifest;
  /** Set for a backup this run made: the state dir every write in it stays inside, and who gets it. */
  stateDir?: string;
  owner?: Owner;
}

function backupRoot(stateDir: string): string {
  return path.join(stateDir, BACKUP_ROOT);
}

function stamp(date: Date): string {
  return date.toISOString().replace(/:/g, '-');
}

/** Copies the exact bytes the plan was made from (not the live file, which may have moved on). */
export async function createBackup(
  stateDir: string,
  files: { rel: string; bytes: Buffer; mode: number }[],
  meta: { command: Manifest['command']; description: string; deviceId: string | null },
): Promise<Backup> {
  const backup = newBackupDir(stateDir, meta);
  const { dir, manifest, owner } = backup;
  try {
    for (const file of files) {
      const target = path.join(dir, file.rel);
      openDir(stateDir, path.relative(stateDir, path.dirname(target)), { create: { mode: 0o700 } }).close();
      const written = await writeFileAtomic(target, file.bytes, { sha256: true, within: stateDir, owner });
      // Read back byte for byte (as strong as comparing hashes, and cheaper); the bytes are hashed once, for the manifest.
      if (!fileHolds(target, file.bytes)) {
        throw unchanged(new CannotRunError('backup-failed', `The backup copy ${target} does not match what was read; nothing was changed.`, target));
      }
      manifest.files.push({ path: file.rel, sha256Before: written.sha256!, sha256After: null, mode: file.mode.toString(8).padStart(4, '0') });
      crashPoint('backup-copied');
    }
    await writeManifest(dir, manifest, backup);
    handOver(backup);
  } catch (error) {
    // A half-made backup (disk full) is no backup: leave nothing that --list would have to call incomplete.
    await discardBackup(backup).catch(() => undefined);
    throw error;
  }
  return backup;
}

/**
 * A backup of a transactional store (SQLite): `copy(dest)` makes the consistent copy (online backup), then the
 * copy's hash and its device-tables fingerprint go into the manifest, written last as for files.
 */
export async function createStoreBackup(
  stateDir: string,
  store: { rel: string; abs: string; copy(dest: string): Promise<void>; digest(file: string): Promise<string> },
  meta: { command: Manifest['command']; description: string; deviceId: string | null },
): Promise<Backup> {
  const backup = newBackupDir(stateDir, meta);
  const { dir, manifest } = backup;
  const target = path.join(dir, store.rel);
  // Made in this run's own 0700 directory, not yet handed over: nobody else can put a link at the copy's name.
  const parent = openDir(stateDir, path.relative(stateDir, path.dirname(target)), { create: { mode: 0o700 } });
  try {
    const mode = (await fsp.stat(store.abs)).mode & 0o7777;
    await store.copy(target);
    await fsp.chmod(target, 0o600);
    crashPoint('backup-copied');
    const bytes = await fsp.readFile(target);
    manifest.files.push({ path: store.rel, sha256Before: sha256(bytes), sha256After: null, mode: mode.toString(8).padStart(4, '0'), kind: 'sqlite', tablesSha256Before: await store.digest(target), tablesSha256After: null });
    await writeManifest(dir, manifest, backup);
    handOver(backup);
  } finally {
    parent.close();
  }
  return backup;
}

/**
 * Root working on another user's state: the finished backup (its directory, sub-directories and files) goes to
 * the state's owner, so they can list and restore it. Done last, so they cannot plant anything in it while
 * this run writes there; walked through held directories, never following a link.
 */
function handOver(backup: Backup): void {
  const { owner, stateDir } = backup;
  if (!owner || !stateDir) return;
  const walk = (rel: string) => {
    const dir = openDir(stateDir, rel);
    try {
      fchownOwned(dir.fd, owner);
      for (const entry of readdirSync(dir.via, { withFileTypes: true })) {
        if (entry.isDirectory()) walk(path.join(rel, entry.name));
        else if (entry.isFile()) lchownSync(dir.join(entry.name), owner.uid, owner.gid);
      }
    } finally {
      dir.close();
    }
  };
  walk(path.relative(stateDir, backup.dir));
}

function fchownOwned(fd: number, owner: Owner): void {
  // fchown on what we hold: the directory itself, whatever its name points at now.
  const st = fstatSync(fd);
  if (st.uid !== owner.uid || st.gid !== owner.gid) fchownSync(fd, owner.uid, owner.gid);
}

function newBackupDir(stateDir: string, meta: { command: Manifest['command']; description: string; deviceId: string | null }): Backup {
  const rootShown = backupRoot(stateDir);
  const owner = stateOwner(stateDir);
  let name = stamp(new Date());
  let root;
  try {
    // backups/ and backups/openclaw-fix/ hold tokens: 0700, the state owner's; never reached through a link.
    const backups = openDir(stateDir, 'backups', { create: { mode: 0o700, owner } });
    try {
      fchmodSync(backups.fd, 0o700);
    } finally {
      backups.close();
    }
    root = openDir(stateDir, BACKUP_ROOT, { create: { mode: 0o700, owner } });
    fchmodSync(root.fd, 0o700);
    // Two runs in one millisecond (or a clock step back) must not share a directory.
    for (let i = 1; ; i++) {
      try {
        mkdirSync(root.join(name), { mode: 0o700 });
        break;
      } catch (error) {
        if (errnoCode(error) !== 'EEXIST') throw error;
        name = `${stamp(new Date())}-${i}`;
      }
    }
  } catch (error) {
    if (error instanceof CannotRunError) throw error;
    throw unchanged(new CannotRunError('backup-failed', `Cannot create the backup directory in ${rootShown} (${errnoCode(error) ?? 'error'}); nothing was changed.`, rootShown));
  } finally {
    root?.close();
  }
  const dir = path.join(rootShown, name);
  const manifest: Manifest = {
    tool: 'openclaw-fix',
    version: TOOL_VERSION,
    command: meta.command,
    createdAt: new Date().toISOString(),
    status: 'backed-up',
    description: meta.description,
    deviceId: meta.deviceId,
    files: [],
  };
  return { dir, name, manifest, stateDir, owner };
}

async function writeManifest(dir: string, manifest: Manifest, backup?: Backup): Promise<void> {
  await writeFileAtomic(path.join(dir, MANIFEST), Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`), { within: backup?.stateDir, owner: backup?.owner });
}

export async function updateBackup(backup: Backup, change: Partial<Pick<Manifest, 'status' | 'description'>>, after?: Map<string, string>): Promise<void> {
  Object.assign(backup.manifest, change);
  if (after) {
    for (const f of backup.manifest.files) {
      if (f.kind === 'sqlite') f.tablesSha256After = after.get(f.path) ?? f.tablesSha256After ?? null;
      else f.sha256After = after.get(f.path) ?? f.sha256After;
    }
  }
  await writeManifest(backup.dir, backup.manifest, backup);
}

export async function discardBackup(backup: Backup): Promise<void> {
  if (!backup.stateDir) {
    await fsp.rm(backup.dir, { recursive: true, force: true });
    return;
  }
  // Removed through the held backups directory: a link put in its place is removed, not followed.
  const root = openDir(backup.stateDir, path.relative(backup.stateDir, path.dirname(backup.dir)));
  try {
    await fsp.rm(root.join(backup.name), { recursive: true, force: true });
  } finally {
    root.close();
  }
}

/** Every complete backup, newest first. A directory without a readable manifest is reported as incomplete. */
export async function listBackups(stateDir: string): Promise<{ backups: Backup[]; incomplete: string[] }> {
  const root = backupRoot(stateDir);
  const names = (await fsp.readdir(root).catch(() => [] as string[])).sort().reverse();
  const backups: Backup[] = [];
  const incomplete: string[] = [];
  for (const name of names) {
    const dir = path.join(root, name);
    try {
      const manifest = JSON.parse(readSmallText(path.join(dir, MANIFEST)) ?? '') as Manifest;
      if (!Array.isArray(manifest.files)) throw new Error('no files');
      backups.push({ name, dir, manifest });
    } catch {
      if ((await fsp.stat(dir).catch(() => undefined))?.isDirectory()) incomplete.push(name);
    }
  }
  return { backups, incomplete };
}

/** The path of one backed-up file, checked against its manifest hash (for a SQLite copy restore reads from). */
export async function checkedBackupPath(backup: Backup, file: BackupFile): Promise<string> {
  await readBackupFile(backup, file);
  return path.join(backup.dir, file.path);
}

/** The bytes of one backed-up file, checked against its manifest hash. */
export async function readBackupFile(backup: Backup, file: BackupFile): Promise<Buffer> {
  const bytes = readBoundedOrThrow(path.join(backup.dir, file.path), MAX_BACKUP_BYTES, 'the backup copy');
  if (sha256(bytes) !== file.sha256Before) {
    throw unchanged(new CannotRunError('backup-damaged', `The backup copy of ${file.path} in ${backup.dir} does not match its manifest; it will not be restored. Nothing was changed.`, backup.dir));
  }
  return bytes;
}
