/**
 * restore's output, text and JSON: the backup list, the plan, and how the run ended. repair/restore.ts decides and
 * hands over data; every line it shows is made here and passes Output (a manifest is written by whoever can write
 * the state, so every word of it is shown escaped).
 */
import { EXIT } from '../core/errors.js';
import type { Diagnosis } from '../core/diagnose.js';
import type { Snapshot } from '../core/model.js';
import type { ApplyResult, Prepared } from '../repair/apply.js';
import type { Backup } from '../repair/backup.js';
import type { GatewayStatus } from '../repair/service.js';
import { printable } from './escape.js';
import { envelope } from './json.js';
import type { Output } from './output.js';
import { commandLine } from './render.js';
import { backupJson, renderPlanHeader, renderResult, resultJson, serviceAction } from './rotate.js';
import { verdictLine } from './text.js';

/** What a restore puts back: a JSON store's files (to their exact bytes), or a SQLite store's device tables. */
export type RestoreTarget = { kind: 'files'; files: string[] } | { kind: 'tables'; database: string };

/** Where a backup came from: which run made it, when, and what that run changed. */
export function provenance(backup: Backup, nowMs = Date.now()) {
  const createdMs = Date.parse(backup.manifest.createdAt);
  const ageSec = Number.isFinite(createdMs) ? Math.max(0, Math.round((nowMs - createdMs) / 1000)) : null;
  return {
    madeBy: `openclaw-fix ${backup.manifest.version} ${backup.manifest.command}`,
    createdAt: backup.manifest.createdAt,
    ageSec,
    changed: backup.manifest.description,
    files: backup.manifest.files.map((f) => f.path),
  };
}

export function age(sec: number | null): string {
  if (sec === null) return 'at an unknown time';
  if (sec < 90) return `${sec} s ago`;
  if (sec < 5400) return `${Math.round(sec / 60)} min ago`;
  if (sec < 129600) return `${Math.round(sec / 3600)} h ago`;
  return `${Math.round(sec / 86400)} days ago`;
}

function listLine(b: Backup): string {
  const files = b.manifest.files.map((f) => (f.kind === 'sqlite' ? `${f.path} (device tables)` : f.path)).join(', ');
  return `${printable(b.name)}  ${printable(String(b.manifest.command))} ${printable(String(b.manifest.status))}  ${printable(files)}  (made ${age(provenance(b).ageSec)})\n      ${printable(String(b.manifest.description))}`;
}

/** `restore --list`: the complete backups, newest first, and the ones an interrupted run left without a manifest. */
export function renderBackupList(o: Output, list: { stateDir: string; root: string; backups: Backup[]; incomplete: string[] }): void {
  const { stateDir, root, backups, incomplete } = list;
  if (o.json) {
    o.printJson({ ...envelope('restore', EXIT.healthy), state: { dir: stateDir }, backups: backups.map((b) => ({ ...backupJson(b), command: b.manifest.command, createdAt: b.manifest.createdAt, description: b.manifest.description, deviceId: b.manifest.deviceId })), incomplete });
    return;
  }
  if (backups.length === 0) o.print(`No openclaw-fix backups in ${printable(root)}.`);
  else {
    o.print(o.out.bold(`Backups in ${printable(root)} (newest first):`));
    for (const b of backups) o.print(`  ${listLine(b)}`);
  }
  for (const name of incomplete) o.print(o.out.yellow(`  ${printable(name)}  incomplete (no manifest: openclaw-fix was interrupted while backing up; the live files were not changed by it)`));
}

/** One restore run, as its reporter needs it. */
export interface RestoreReport {
  snapshot: Snapshot;
  backup: Backup;
  target: RestoreTarget;
  /** Location flags of this run, repeated in the undo command. */
  locationArgs: readonly string[];
}

function jsonBase({ snapshot, backup }: RestoreReport) {
  return { state: { dir: snapshot.location.stateDir }, backup: { ...backupJson(backup), description: backup.manifest.description, provenance: provenance(backup) } };
}

/** The live state already equals the backup. */
export function renderAlreadyRestored(o: Output, report: RestoreReport, leftover: string | undefined, now: Diagnosis): void {
  if (o.json) {
    const findingsAfter = now.findings.map((f) => ({ id: f.id, severity: f.severity, deviceId: f.deviceId ?? null }));
    o.printJson({ ...envelope('restore', EXIT.healthy), ...jsonBase(report), result: { status: 'nothing', notes: leftover ? [leftover] : [], findingsAfter } });
    return;
  }
  const name = report.backup.name;
  const already = report.target.kind === 'files' ? `The files already hold the bytes of backup ${name}.` : `The device tables already hold the rows of backup ${name}.`;
  o.print(o.out.green(`✓ ${already} Nothing was changed.`));
  o.print(`  ${o.out.dim('doctor ')}  ${verdictLine(o, now)}`);
  if (leftover) o.print(o.out.yellow(`! ${leftover}`));
}

/** What restore is about to do (text only: the JSON document says it with the result). */
export function renderRestorePlan(o: Output, report: RestoreReport, gateway: GatewayStatus, opts: { restart: boolean; timeoutSec: number }): void {
  if (o.json) return;
  const { backup, target } = report;
  const origin = provenance(backup);
  const [label, what, note] =
    target.kind === 'files'
      ? ['files  ', target.files.join(', '), '(back to their exact bytes; the current ones are backed up first)']
      : ['tables ', `device_pairing_paired, device_pairing_pending, device_auth_tokens of ${target.database}`, '(back to the rows of the backup in one transaction; other tables untouched; the current rows are backed up first)'];
  renderPlanHeader(o, report.snapshot, 'restore');
  o.print(`  ${o.out.dim('backup ')}  ${printable(backup.name)} ${o.out.dim(printable(`(${backup.manifest.command}, ${backup.manifest.status})`))}`);
  o.print(`  ${o.out.dim('made by')}  ${printable(`${origin.madeBy}, ${origin.createdAt}`)} ${o.out.dim(`(${age(origin.ageSec)})`)}`);
  o.print(`  ${o.out.dim('undoes ')}  ${printable(String(backup.manifest.description))}`);
  o.print(`  ${o.out.dim(label)}  ${printable(what)} ${o.out.dim(printable(note))}`);
  o.print(`  ${o.out.dim('gateway')}  ${serviceAction(gateway, opts.restart, opts.timeoutSec)}`);
  o.print();
}

/** --dry-run, or the user said no: nothing was written. */
export function renderRestoreNotRun(o: Output, report: RestoreReport, why: 'dry-run' | 'declined'): void {
  if (o.json) {
    const files = report.target.kind === 'files' ? report.target.files : [report.target.database];
    o.printJson({ ...envelope('restore', EXIT.problems), ...jsonBase(report), result: why === 'dry-run' ? { status: 'dry-run', files } : { status: 'declined' } });
  } else o.print(why === 'dry-run' ? o.out.dim('Dry run: nothing was changed.') : 'Declined. Nothing was changed.');
}

/** What the apply protocol did, and what doctor finds now. */
export function renderRestored(o: Output, report: RestoreReport, result: ApplyResult<Prepared, Diagnosis>, exitCode: number): void {
  const after = result.found;
  const undo = result.backup ? commandLine(['restore', result.backup.name], report.locationArgs) : undefined;
  if (o.json) {
    o.printJson({ ...envelope('restore', exitCode), ...jsonBase(report), result: { ...resultJson(result, after), undo: undo ?? null } });
    return;
  }
  const { target, backup } = report;
  const summary =
    target.kind === 'files' ? `restored ${result.written.join(', ')} from backup ${backup.name}` : `restored the device tables of ${target.database} from backup ${backup.name}`;
  renderResult(o, result, { undo, summary });
  if (after && result.status === 'applied') o.print(`  ${o.out.dim('doctor ')}  ${verdictLine(o, after)}`);
}
