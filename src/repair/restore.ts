/**
 * `restore`: list openclaw-fix backups, or put one back with the same protocol as rotate (lock, stop,
 * back up the current state first, atomic writes, start, verify, roll back on failure).
 */
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { MAX_BACKUP_BYTES, readBoundedOrThrow } from '../core/bounded-read.js';
import { diagnose, type Diagnosis } from '../core/diagnose.js';
import { CannotRunError, EXIT, errnoCode, unchanged } from '../core/errors.js';
import { takeSnapshot, type SnapshotOptions } from '../core/snapshot.js';
import type { Output } from '../report/output.js';
import { commandLine } from '../report/render.js';
import { age, provenance, renderAlreadyRestored, renderBackupList, renderRestored, renderRestoreNotRun, renderRestorePlan, type RestoreReport, type RestoreTarget } from '../report/restore.js';
import { applyChange, type Prepared } from './apply.js';
import { checkedBackupPath, listBackups, readBackupFile, type Backup } from './backup.js';
import { ask, confirmChange } from './confirm.js';
import { sqliteRestoreTransaction } from './editor.js';
import { DEVICE_AUTH_FILE, PAIRED_FILE, PENDING_FILE, SQLITE_DB_FILE } from './plan.js';
import { assertWritable } from './preflight.js';
import { staleLockNote } from './lock.js';
import type { Runner } from '../core/runner.js';
import { assertPortForRestart, detectGateway } from './service.js';

/** Only files rotate writes may come back from a backup: a tampered manifest cannot aim anywhere else. */
const RESTORABLE = new Set([PAIRED_FILE, PENDING_FILE, DEVICE_AUTH_FILE]);
/** A SQLite backup (an online-backup copy): only its device tables come back, into the live database. */
const RESTORABLE_SQLITE = new Set([SQLITE_DB_FILE]);

export interface RestoreRun {
  snapshotOptions: SnapshotOptions;
  commandArgs: string[];
  name?: string;
  list?: boolean;
  yes?: boolean;
  dryRun?: boolean;
  restart: boolean;
  timeoutSec: number;
  runner?: Runner;
}

function pick(backups: Backup[], name: string | undefined, root: string): Backup {
  if (name) {
    const found = backups.find((b) => b.name === name || b.dir === path.resolve(name));
    if (!found) throw unchanged(new CannotRunError('no-backup', `No complete openclaw-fix backup named "${name}" in ${root} (see openclaw-fix restore --list). Nothing was changed.`, root));
    return found;
  }
  // A rolled-back or never-applied backup equals the live state already; the newest real change is what "undo" means.
  const found = backups.find((b) => b.manifest.status === 'applied' || b.manifest.status === 'backed-up');
  if (!found) throw unchanged(new CannotRunError('no-backup', `No openclaw-fix backup to restore in ${root}. Nothing was changed.`, root, EXIT.problems));
  return found;
}

export async function restore(run: RestoreRun, output: Output): Promise<number> {
  // Whether the gateway answers decides how the backup is written around it; --list writes nothing.
  const snapshot = await takeSnapshot({ ...run.snapshotOptions, knockGateway: !run.list });
  const stateDir = snapshot.location.stateDir;
  const root = path.join(stateDir, 'backups', 'openclaw-fix');
  const { backups, incomplete } = await listBackups(stateDir);

  if (run.list) {
    renderBackupList(output, { stateDir, root, backups, incomplete });
    return EXIT.healthy;
  }

  const backup = pick(backups, run.name, root);
  await checkLatest(run, output, backups, backup);
  const sqliteEntry = backup.manifest.files.find((f) => f.kind === 'sqlite');
  if (sqliteEntry) return restoreSqlite(run, output, { snapshot, backup, entry: sqliteEntry });
  for (const f of backup.manifest.files) {
    if (!RESTORABLE.has(f.path)) throw unchanged(new CannotRunError('backup-damaged', `The manifest of ${backup.dir} names ${f.path}, which openclaw-fix never writes; it will not be restored. Nothing was changed.`, backup.dir));
  }
  const files = await Promise.all(
    backup.manifest.files.map(async (f) => ({ rel: f.path, abs: path.join(stateDir, f.path), bytes: await readBackupFile(backup, f) })),
  );
  const readLive = async (abs: string) => {
    try {
      return readBoundedOrThrow(abs, MAX_BACKUP_BYTES, 'the live file');
    } catch (error) {
      if (errnoCode(error) === 'no-input') throw unchanged(new CannotRunError('missing', `${abs} no longer exists; copy it back by hand from ${backup.dir}. Nothing was changed.`, abs));
      throw error;
    }
  };
  const differing: typeof files = [];
  for (const f of files) if (!(await readLive(f.abs)).equals(f.bytes)) differing.push(f);
  return performRestore(run, output, {
    snapshot,
    backup,
    already: differing.length === 0,
    writable: differing.map((f) => f.abs),
    target: { kind: 'files', files: differing.map((f) => f.rel) },
    prepare: async (): Promise<Prepared | null> => {
      const prepared: Prepared = { files: [], description: `state before restoring backup ${backup.name} (which undid: ${backup.manifest.description})`, deviceId: backup.manifest.deviceId };
      for (const f of differing) {
        const live = await readLive(f.abs);
        if (live.equals(f.bytes)) continue;
        prepared.files.push({ rel: f.rel, abs: f.abs, before: live, after: f.bytes, mode: (await fsp.stat(f.abs)).mode & 0o7777 });
      }
      return prepared.files.length ? prepared : null;
    },
    verifyWritten: () => [],
  });
}

/**
 * restore from a SQLite backup: the three device tables of the live database are put back from the copy in one
 * transaction (other tables keep their current rows), through the same apply protocol; the current device
 * tables are backed up first (online copy), so this restore can be undone too.
 */
async function restoreSqlite(run: RestoreRun, output: Output, ctx: { snapshot: Awaited<ReturnType<typeof takeSnapshot>>; backup: Backup; entry: Backup['manifest']['files'][number] }): Promise<number> {
  const { snapshot, backup, entry } = ctx;
  const stateDir = snapshot.location.stateDir;
  if (backup.manifest.files.length !== 1 || !RESTORABLE_SQLITE.has(entry.path)) {
    throw unchanged(new CannotRunError('backup-damaged', `The manifest of ${backup.dir} names ${backup.manifest.files.map((f) => f.path).join(', ')}, which is not what openclaw-fix backs up from a SQLite store; it will not be restored. Nothing was changed.`, backup.dir));
  }
  const dbPath = path.join(stateDir, entry.path);
  try {
    await fsp.access(dbPath);
  } catch {
    throw unchanged(new CannotRunError('missing', `${dbPath} no longer exists; openclaw-fix restores the device tables into the live database and will not create one. Nothing was changed.`, dbPath));
  }
  const copy = await checkedBackupPath(backup, entry);
  const tx = sqliteRestoreTransaction(stateDir, dbPath, copy);
  const wanted = await tx.digest(copy);
  return performRestore(run, output, {
    snapshot,
    backup,
    already: (await tx.digest(dbPath)) === wanted,
    writable: [dbPath],
    target: { kind: 'tables', database: entry.path },
    prepare: async (): Promise<Prepared | null> => {
      if ((await tx.digest(dbPath)) === wanted) return null;
      return { files: [], transaction: tx, description: `device tables before restoring backup ${backup.name} (which undid: ${backup.manifest.description})`, deviceId: backup.manifest.deviceId };
    },
    verifyWritten: () => tx.check(),
  });
}

interface RestoreSpec {
  snapshot: Awaited<ReturnType<typeof takeSnapshot>>;
  backup: Backup;
  /** The live state already equals the backup: nothing to do. */
  already: boolean;
  writable: string[];
  /** What comes back: the files that differ, or the device tables. */
  target: RestoreTarget;
  prepare: () => Promise<Prepared | null>;
  verifyWritten: () => string[] | Promise<string[]>;
}

/**
 * A bare `restore` undoes the latest change. When the newest backup on disk is not the one it would put back (the
 * latest run rolled back or never applied), what comes back is an OLDER, unrelated change: that needs the user's
 * own choice, by name, never a --yes given for "undo the last thing".
 */
async function checkLatest(run: RestoreRun, output: Output, backups: Backup[], backup: Backup): Promise<void> {
  if (run.name || backups[0] === backup || run.list || run.dryRun) return;
  const newest = backups[0]!;
  const p = provenance(backup);
  const message =
    `Backup ${backup.name} was not made by the latest change: the newest backup, ${newest.name} (${newest.manifest.command}, ${newest.manifest.status}), left nothing to undo. ` +
    `${backup.name} is from ${p.createdAt} (${age(p.ageSec)}) and changed: ${p.changed}.`;
  if (run.yes || !process.stdin.isTTY || !process.stderr.isTTY) {
    throw unchanged(new CannotRunError('needs-confirmation', `${message} To put it back anyway, name it: ${commandLine(['restore', backup.name], run.commandArgs)}. Nothing was changed.`, backup.dir, EXIT.problems));
  }
  if (!(await ask(output, `${message} Put it back anyway?`, false))) {
    throw unchanged(new CannotRunError('declined', 'Declined. Nothing was changed.', backup.dir, EXIT.problems));
  }
}

/** What both stores share: plan, dry run, confirmation, the apply protocol; report/restore.ts says each step. */
async function performRestore(run: RestoreRun, output: Output, spec: RestoreSpec): Promise<number> {
  const { snapshot, backup } = spec;
  const stateDir = snapshot.location.stateDir;
  const report: RestoreReport = { snapshot, backup, target: spec.target, locationArgs: run.commandArgs };
  if (spec.already) {
    // Nothing to put back is not "healthy": doctor's verdict on the state as it is goes with it.
    renderAlreadyRestored(output, report, staleLockNote(stateDir), diagnose(snapshot, { commandArgs: run.commandArgs }));
    return EXIT.healthy;
  }

  await assertWritable(stateDir, spec.writable);
  const gateway = await detectGateway({ profile: snapshot.location.profile, port: snapshot.config.port, listening: snapshot.gatewayRunning ?? false, env: process.env, runner: run.runner, home: snapshot.location.home });
  renderRestorePlan(output, report, gateway, { restart: run.restart, timeoutSec: run.timeoutSec });
  // One rule for every --dry-run (README "Exit codes"): a change shown but not made is exit 1, as in rotate.
  if (run.dryRun) {
    renderRestoreNotRun(output, report, 'dry-run');
    return EXIT.problems;
  }
  assertPortForRestart(snapshot.config, run.restart);
  const what = (spec.target.kind === 'files' ? spec.target.files : [spec.target.database]).join(', ');
  if (!(await confirmChange(output, `Restore ${what} from backup ${backup.name}?`, { yes: run.yes, what }))) {
    renderRestoreNotRun(output, report, 'declined');
    return EXIT.problems;
  }

  const result = await applyChange<Prepared, Diagnosis>({
    command: 'restore',
    stateDir,
    locationArgs: run.commandArgs,
    prepare: spec.prepare,
    verifyWritten: spec.verifyWritten,
    verifyFinal: async () => ({ problems: [], found: diagnose(await takeSnapshot(run.snapshotOptions), { commandArgs: run.commandArgs }) }),
    gateway,
    restart: run.restart,
    timeoutSec: run.timeoutSec,
    output,
  });
  const exitCode = result.status === 'rolled-back' || result.replacedGatewayWrites.length ? EXIT.problems : EXIT.healthy;
  renderRestored(output, report, result, exitCode);
  return exitCode;
}
