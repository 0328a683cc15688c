/**
 * Backups of every file a change writes: <state>/backups/openclaw-fix/<UTC stamp>/<relative path>, dir 0700,
 * files 0600, plus manifest.json (what changed, in words; sha256 before and after). Names carry only the
 * time, never device or token data. The manifest is written last, so a backup with a manifest is complete.
 */
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { MAX_BACKUP_BYTES, readBoundedOrThrow, readSmallText } from '../core/bounded-read.js';
import { CannotRunError, errnoCode } from '../core/errors.js';
import { sha256 } from '../store/read-file.js';
import { TOOL_VERSION } from '../version.js';
import { fileHolds, writeFileAtomic } from './atomic.js';
import { crashPoint } from './crash.js';

export const BACKUP_ROOT = path.join('backups', 'openclaw-fix');
const MANIFEST = 'manifest.json';

export type BackupStatus = 'backed-up' | 'applied' | 'rolled-back' | 'not-applied';

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
}

function exists(p: string): Promise<boolean> {
  return fsp.access(p).then(
    () => true,
    () => false,
  );
}

export function backupRoot(stateDir: string): string {
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
  const { dir, name, manifest } = await newBackupDir(stateDir, meta);
  try {
    for (const file of files) {
      const target = path.join(dir, file.rel);
      await fsp.mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
      const written = await writeFileAtomic(target, file.bytes, { sha256: true });
      // Read back byte for byte (as strong as comparing hashes, and cheaper); the bytes are hashed once, for the manifest.
      if (!fileHolds(target, file.bytes)) {
        throw new CannotRunError('backup-failed', `The backup copy ${target} does not match what was read; nothing was changed.`, target);
      }
      manifest.files.push({ path: file.rel, sha256Before: written.sha256!, sha256After: null, mode: file.mode.toString(8).padStart(4, '0') });
      crashPoint('backup-copied');
    }
    await writeManifest(dir, manifest);
  } catch (error) {
    // A half-made backup (disk full) is no backup: leave nothing that --list would have to call incomplete.
    await fsp.rm(dir, { recursive: true, force: true }).catch(() => undefined);
    throw error;
  }
  return { name, dir, manifest };
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
  const { dir, name, manifest } = await newBackupDir(stateDir, meta);
  const target = path.join(dir, store.rel);
  await fsp.mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
  const mode = (await fsp.stat(store.abs)).mode & 0o7777;
  await store.copy(target);
  await fsp.chmod(target, 0o600);
  crashPoint('backup-copied');
  const bytes = await fsp.readFile(target);
  manifest.files.push({ path: store.rel, sha256Before: sha256(bytes), sha256After: null, mode: mode.toString(8).padStart(4, '0'), kind: 'sqlite', tablesSha256Before: await store.digest(target), tablesSha256After: null });
  await writeManifest(dir, manifest);
  return { name, dir, manifest };
}

async function newBackupDir(stateDir: string, meta: { command: Manifest['command']; description: string; deviceId: string | null }): Promise<{ dir: string; name: string; manifest: Manifest }> {
  const root = backupRoot(stateDir);
  let name = stamp(new Date());
  try {
    await fsp.mkdir(root, { recursive: true, mode: 0o700 });
    await fsp.chmod(path.join(stateDir, 'backups'), 0o700);
    await fsp.chmod(root, 0o700);
    // Two runs in one millisecond (or a clock step back) must not share a directory.
    for (let i = 1; await exists(path.join(root, name)); i++) name = `${stamp(new Date())}-${i}`;
    await fsp.mkdir(path.join(root, name), { mode: 0o700 });
  } catch (error) {
    throw new CannotRunError('backup-failed', `Cannot create the backup directory in ${root} (${errnoCode(error) ?? 'error'}); nothing was changed.`, root);
  }
  const dir = path.join(root, name);
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
  return { dir, name, manifest };
}

export async function writeManifest(dir: string, manifest: Manifest): Promise<void> {
  await writeFileAtomic(path.join(dir, MANIFEST), Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`));
}

export async function updateBackup(backup: Backup, change: Partial<Pick<Manifest, 'status' | 'description'>>, after?: Map<string, string>): Promise<void> {
  Object.assign(backup.manifest, change);
  if (after) {
    for (const f of backup.manifest.files) {
      if (f.kind === 'sqlite') f.tablesSha256After = after.get(f.path) ?? f.tablesSha256After ?? null;
      else f.sha256After = after.get(f.path) ?? f.sha256After;
    }
  }
  await writeManifest(backup.dir, backup.manifest);
}

export async function discardBackup(backup: Backup): Promise<void> {
  await fsp.rm(backup.dir, { recursive: true, force: true });
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
    throw new CannotRunError('backup-damaged', `The backup copy of ${file.path} in ${backup.dir} does not match its manifest; it will not be restored. Nothing was changed.`, backup.dir);
  }
  return bytes;
}
