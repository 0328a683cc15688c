/** rotate and restore output: text and JSON forms of a plan and of what apply did. All printing goes through Output. */
import type { Diagnosis } from '../core/diagnose.js';
import { EXIT } from '../core/errors.js';
import type { Finding, Snapshot } from '../core/model.js';
import type { ProbeVerification } from '../probe/verify.js';
import type { ApplyResult } from '../repair/apply.js';
import type { Backup } from '../repair/backup.js';
import { SQLITE_DB_FILE, SQLITE_PAIRED, SQLITE_PENDING, type NothingToDo, type RotatePlan } from '../repair/plan.js';
import type { GatewayStatus } from '../repair/service.js';
import { scopeList, shellQuote, shortId } from './wording/words.js';
import { printable } from './escape.js';
import { envelope } from './json.js';
import { commandLine, renderFinding, type RenderedFinding } from './render.js';
import { wrap, type Output } from './output.js';
import { verdictLine } from './text.js';

export function serviceAction(gateway: GatewayStatus, restart: boolean, timeoutSec: number): string {
  const s = gateway.service;
  if (gateway.none) return gateway.none;
  if (!restart) return s?.active || gateway.listening ? 'left running (--no-restart): it may overwrite the edit on its next connect' : 'left alone (--no-restart)';
  if (s?.active) return `stop the ${s.describe}, write, start it, wait up to ${timeoutSec} s for port ${gateway.port}`;
  if (gateway.listening) return `answers on port ${gateway.port} outside a service manager: written with compare-and-swap while it runs`;
  if (s) return `the ${s.describe} is not running: the change takes effect at its next start`;
  return `not running (nothing answers on port ${gateway.port})`;
}

export function renderPlanHeader(o: Output, snapshot: Snapshot, command: string, note?: string): void {
  const c = o.out;
  const v = snapshot.version;
  o.print(c.bold(`openclaw-fix ${command}`) + (note ? c.cyan(`  [${note}]`) : ''));
  o.print(`  ${c.dim('version')}  ${v.version ? `OpenClaw ${v.version}` : `OpenClaw version ${c.yellow('unknown')} ${c.dim('(strictest rules)')}`}`);
  o.print(`  ${c.dim('state  ')}  ${printable(snapshot.location.stateDir)}`);
}

/** The token line of a plan that keeps the value: the client's cached copy stays as valid as it is now. */
function tokenKept(diagnosis: Diagnosis, deviceId: string): string {
  const stale = diagnosis.findings.some((f) => f.id === 'device-token-mismatch' && f.args.kind === 'stale' && (f.deviceId ?? deviceId) === deviceId);
  return stale ? "kept (the client's cached copy is already stale: device-token-mismatch, which this grant does not fix)" : "kept (the client's stored copy stays valid)";
}

/** Broken state files a plan names and leaves alone. */
const LEFT_ALONE: ReadonlySet<string> = new Set(['store-unreadable', 'config-unreadable', 'device-auth-unreadable']);

function renderPlan(o: Output, snapshot: Snapshot, diagnosis: Diagnosis, plan: RotatePlan, gateway: GatewayStatus, opts: { restart: boolean; timeoutSec: number }, remaining: readonly Finding[] = []): void {
  const c = o.out;
  const t = plan.target;
  // Escaped before it is coloured: escaping coloured text would print the colour codes as text.
  const where = t.isHost ? c.dim(plan.store === 'sqlite' ? '(this host: device_identities)' : '(this host: identity/device.json)') : c.yellow(printable(`REMOTE device${t.remoteIp ? ` (remoteIp ${t.remoteIp})` : ''}, not this host's own`));
  o.print(`  ${c.dim('device ')}  ${printable(shortId(t.deviceId))} ${where}`);
  o.print(`  ${' '.repeat(7)}  ${c.dim(printable(t.deviceId))}`);
  o.print();
  if (plan.nothing) {
    const text = nothingText(plan.nothing, diagnosis.commandArgs, remaining.length);
    // A check mark reads as healthy: only when no error is left.
    if (remaining.length === 0) o.print(c.green(`✓ ${text}`));
    else renderRemaining(o, text, remaining.map((f) => renderFinding(f, diagnosis.commandArgs)), diagnosis.commandArgs);
    return;
  }
  const fixes = diagnosis.findings.filter((f) => plan.fixes.includes(f.id) && (f.deviceId === t.deviceId || !f.deviceId));
  const title = (f: (typeof fixes)[number]) => printable(renderFinding(f, diagnosis.commandArgs).title);
  for (const f of fixes) o.print(`${f.severity === 'error' ? c.red('✗') : c.yellow('!')} ${title(f)} ${c.dim(`[${f.id}]`)}`);
  // State files the plan leaves alone because they cannot be used as they are (pending.json, device-auth.json, the config): name them.
  const broken = diagnosis.findings.filter((f) => LEFT_ALONE.has(f.id) && !fixes.includes(f));
  for (const f of broken) o.print(`${c.yellow('!')} ${title(f)} ${c.dim(`[${f.id}; not changed]`)}`);
  // Errors this grant does not clear (a stale cached token, another device, an unmeasured release): named, so the
  // plan is not read as the whole repair.
  const unfixed = diagnosis.findings.filter((f) => f.severity === 'error' && !fixes.includes(f) && !broken.includes(f));
  for (const f of unfixed) o.print(`${c.yellow('!')} ${title(f)} ${c.dim(`[${f.id}; not fixed by this plan]`)}`);
  if (fixes.length || broken.length || unfixed.length) o.print();
  o.print(c.bold('Plan:') + (plan.store === 'sqlite' ? c.dim(` one transaction in ${SQLITE_DB_FILE}`) : ''));
  for (const file of plan.files) {
    o.print(`  ${file}`);
    for (const a of plan.arrays.filter((x) => x.file === file)) {
      o.print(`    ${a.field.padEnd(24)} ${c.green(printable(`+ ${a.added.join(', ')}`))} ${c.dim(printable(`(kept: ${scopeList(a.before)})`))}`);
    }
    if (file.endsWith('paired.json') || file === SQLITE_PAIRED) {
      if (plan.addRole) o.print(`    ${'roles'.padEnd(24)} ${c.green(`+ ${plan.addRole}`)}`);
      o.print(`    ${'token value'.padEnd(24)} ${plan.newToken ? c.yellow('NEW value (the client must be given it or re-pair)') : tokenKept(diagnosis, t.deviceId)}`);
    }
    if (file.endsWith('pending.json') || file === SQLITE_PENDING) {
      for (const r of plan.removePending) o.print(`    remove repair request ${printable(r.requestId)} ${c.dim(printable(`(${r.clientId ?? '?'} asked ${scopeList(r.scopes)}; satisfied now)`))}`);
    }
  }
  if (plan.escalation.length) o.print(`  ${c.red.bold('escalation')}  GRANTS ${printable(plan.escalation.join(', '))}, which this device was never approved for (named with --scope)`);
  if (plan.heldBack.length) o.print(`  ${c.yellow('held back')}   ${printable(plan.heldBack.join(', '))}: a new grant, added only with --scope operator.admin`);
  const copy = plan.store === 'sqlite' ? `${SQLITE_DB_FILE}, an online-backup copy of the database; ` : '';
  o.print(`  ${c.dim('backup ')}  ${printable(snapshot.location.stateDir)}/backups/openclaw-fix/<UTC time>/${copy ? SQLITE_DB_FILE : ''} (${copy}0600; restore with openclaw-fix restore)`);
  o.print(`  ${c.dim('gateway')}  ${serviceAction(gateway, opts.restart, opts.timeoutSec)}`);
  if (gateway.note) o.print(`  ${c.dim('note   ')}  ${gateway.note}`);
  o.print();
}

export function renderResult(o: Output, result: ApplyResult, after: { diagnosis?: Diagnosis; undo?: string; summary: string; noGateway?: string }): void {
  const c = o.out;
  if (result.status === 'nothing') {
    o.print(c.green('✓ Nothing left to do: the store already holds the change (another writer made it). Nothing was changed.'));
  } else if (result.status === 'applied') {
    o.print(c.green(`✓ Done: ${printable(after.summary)}.`));
    if (result.backup) o.print(`  ${c.dim('backup ')}  ${printable(result.backup.dir)}`);
    o.print(`  ${c.dim('gateway')}  ${after.noGateway ?? gatewayLine(result)}`);
    if (after.diagnosis) o.print(`  ${c.dim('now    ')}  ${verdictLine(o, after.diagnosis)}`);
    if (after.undo) o.print(`  ${c.dim('undo   ')}  ${after.undo}`);
  } else {
    o.print(c.red(`✗ Rolled back: ${printable(result.problems.join('; '))}.`));
    const db = result.written.some((w) => w.endsWith('.sqlite'));
    o.print(`  ${db ? 'The device tables are back to their rows' : 'The files are back to their bytes'} before the change (backup ${printable(result.backup?.dir ?? '?')}).`);
    o.print(`  ${c.dim('gateway')}  ${gatewayLine(result)}${result.rollbackOk === false ? c.red(' — check it: openclaw gateway status') : ''}`);
  }
  for (const n of result.notes) o.print(c.yellow(`! ${printable(n)}`));
}

function gatewayLine(result: ApplyResult): string {
  const s = result.service;
  if (s.action === 'stopped-started') return s.back ? `restarted (${s.manager}); back on its port after ${s.seconds} s` : `restarted (${s.manager}) but NOT answering on its port`;
  if (s.action === 'left-running') return 'left running (see note)';
  if (s.action === 'not-running') return `${s.manager} is not running; the change takes effect at its next start`;
  return 'not running; the change takes effect at its next start';
}

/** What the plan does, in one sentence: for "Done", the backup manifest and `restore --list`; never a secret. */
export function planSummary(plan: RotatePlan): string {
  if (plan.nothing) return '';
  const t = plan.target;
  const who = t.isHost ? `this host's device ${shortId(t.deviceId)}` : `device ${shortId(t.deviceId)}${t.remoteIp ? ` (${t.remoteIp})` : ''}`;
  return [
    plan.added.length ? `granted ${scopeList(plan.added)} to ${who}` : `brought the scope lists of ${who} in line`,
    plan.arrays.length ? `in ${[...new Set(plan.arrays.map((a) => a.field))].join(', ')}` : '',
    plan.addRole ? `added role ${plan.addRole}` : '',
    plan.newToken ? 'issued a new device token' : 'kept the token value',
    plan.removePending.length ? `removed ${plan.removePending.length} satisfied repair request(s)` : '',
  ]
    .filter(Boolean)
    .join('; ');
}

/**
 * Rotate grants nothing, yet doctor still finds errors (a stale cached token to re-pair, a broken file): say that
 * rotate is not their fix, name each with its own fix, and where to see them, instead of a check mark.
 */
function renderRemaining(o: Output, nothing: string, remaining: readonly RenderedFinding[], locationArgs: readonly string[]): void {
  const c = o.out;
  o.print(c.yellow(`! ${printable(nothing)}`));
  o.print(c.red(`✗ ${remaining.length === 1 ? '1 problem remains' : `${remaining.length} problems remain`}, which this run of rotate does not fix:`));
  for (const f of remaining) {
    o.print(`  ${c.red('✗')} ${printable(f.title)} ${c.dim(`[${f.id}${f.mode ? ` · ${f.mode}` : ''}]`)}`);
    const fix = f.fix?.command ?? f.fix?.steps?.[0] ?? f.fix?.alternative;
    if (fix) o.print(`      ${c.dim('fix')}  ${f.fix?.command ? c.green(printable(fix)) : wrap(fix, o.width - 11, ' '.repeat(11))}`);
  }
  o.print(`  ${c.dim('details')}  ${commandLine(['doctor'], locationArgs)}`);
}

/** The remaining errors as --json gives them: what each is and its fix, as doctor words it. */
function remainingJson(remaining: readonly Finding[], locationArgs: readonly string[]) {
  return remaining.map((f) => renderFinding(f, locationArgs)).map((f) => ({ id: f.id, mode: f.mode ?? null, severity: f.severity, title: f.title, deviceId: f.deviceId ?? null, fix: f.fix ?? null }));
}

/**
 * Why a plan changes nothing, in words. With errors left (`remaining`), it says rotate has nothing to grant, not
 * that there is nothing to do.
 */
export function nothingText(nothing: NothingToDo, locationArgs: readonly string[], remaining = 0): string {
  const lead = remaining ? 'Nothing for rotate to grant' : 'Nothing to do';
  const who = nothing.isHost ? "this host's device" : `device ${shortId(nothing.deviceId)}`;
  if (nothing.kind === 'held-back') {
    return `${who} needs ${nothing.heldBack.join(' and ')}, which it never had: that is a new grant, so openclaw-fix adds it only when you name it (--scope operator.admin) and confirm.`;
  }
  const holds = nothing.scopes && nothing.scopes.length ? `holding ${scopeList(nothing.scopes)}` : 'holding no scope';
  const refused = nothing.refusedOnce
    ? "no client of this host is refused for a missing scope (each one's next connect is refused once for its cached device token and let in on the retry: doctor's device-token-mismatch warning)"
    : `no client of this host is refused${remaining ? ' for a missing scope' : ''}`;
  const base = nothing.isHost
    ? `${refused}, and the scope lists of ${who} agree (${holds}).`
    : `${who} has no refused repair request and its scope lists agree (${holds}); name the scopes it should get with --scope.`;
  const info = nothing.hostInfo ? ` ${renderFinding(nothing.hostInfo, locationArgs).explanation}` : '';
  const open = nothing.unsatisfied;
  const stale = open
    ? ` A repair request on file asks for ${scopeList(open.scopes)}, which ${who} does not hold: it came from a client openclaw-fix does not predict. Approve it (\`openclaw devices approve ${shellQuote(open.requestId)}\`) or grant those scopes with --scope.`
    : nothing.satisfiedRequest
      ? ' A repair request on file for it is already satisfied; OpenClaw drops it after 5 minutes.'
      : '';
  return `${lead}: ${base}${info}${stale}`;
}

function planJson(plan: RotatePlan, locationArgs: readonly string[], remaining = 0) {
  return {
    store: plan.store,
    nothingToDo: plan.nothing ? nothingText(plan.nothing, locationArgs, remaining) : null,
    target: { ...plan.target, remoteIp: plan.target.remoteIp ?? null, displayName: plan.target.displayName ?? null, clientId: plan.target.clientId ?? null },
    added: plan.added,
    escalation: plan.escalation,
    heldBack: plan.heldBack,
    addRole: plan.addRole ?? null,
    arrays: plan.arrays,
    removePending: plan.removePending.map((r) => ({ ...r, clientId: r.clientId ?? null })),
    newToken: plan.newToken,
    files: plan.files,
    fixes: plan.fixes,
    summary: planSummary(plan),
  };
}

export function backupJson(backup: Backup | null) {
  return backup ? { name: backup.name, dir: backup.dir, status: backup.manifest.status, files: backup.manifest.files } : null;
}

export function resultJson(result: ApplyResult, diagnosis?: Diagnosis) {
  return {
    status: result.status,
    backup: backupJson(result.backup),
    written: result.written,
    attempts: result.attempts,
    service: result.service,
    problems: result.problems,
    rollbackOk: result.rollbackOk ?? null,
    notes: result.notes,
    replacedGatewayWrites: result.replacedGatewayWrites,
    findingsAfter: diagnosis ? diagnosis.findings.map((f) => ({ id: f.id, severity: f.severity, deviceId: f.deviceId ?? null })) : null,
  };
}

/** One rotate run, as its reporter needs it. */
export interface RotateReport {
  snapshot: Snapshot;
  /** The diagnosis the plan was made from. */
  diagnosis: Diagnosis;
  plan: RotatePlan;
  /** Location flags of this run, repeated in the commands shown (undo). */
  locationArgs: readonly string[];
  /** A note in the header ("demo copy"). */
  note?: string;
}

function printRotateJson(o: Output, r: RotateReport, exitCode: number, result: Record<string, unknown>, remaining = 0): void {
  o.printJson({ ...envelope('rotate', exitCode), state: { dir: r.snapshot.location.stateDir }, plan: planJson(r.plan, r.locationArgs, remaining), result });
}

/** The plan as rotate shows it before asking (text only: the JSON document carries it with the result). */
export function renderRotatePlan(o: Output, r: RotateReport, gateway: GatewayStatus, opts: { restart: boolean; timeoutSec: number }): void {
  if (o.json) return;
  renderPlanHeader(o, r.snapshot, 'rotate', r.note);
  renderPlan(o, r.snapshot, r.diagnosis, r.plan, gateway, opts);
}

/**
 * The plan changes nothing; the exit code says whether doctor would still find an error, and `remaining` are those
 * errors: named with their fix, never under a check mark.
 */
export function renderNothingToDo(o: Output, r: RotateReport, exitCode: number, leftover: string | undefined, opts: { restart: boolean; timeoutSec: number }, remaining: readonly Finding[] = []): void {
  if (o.json) {
    printRotateJson(o, r, exitCode, { status: 'nothing', notes: leftover ? [leftover] : [], remaining: remainingJson(remaining, r.locationArgs) }, remaining.length);
    return;
  }
  renderPlanHeader(o, r.snapshot, 'rotate', r.note);
  renderPlan(o, r.snapshot, r.diagnosis, r.plan, { listening: false, port: r.snapshot.config.port }, opts, remaining);
  o.print(o.out.dim('Nothing was changed.'));
  if (leftover) o.print(o.out.yellow(`! ${leftover}`));
}

/** --dry-run, or the user said no: nothing was written. */
export function renderRotateNotRun(o: Output, r: RotateReport, why: 'dry-run' | 'declined'): void {
  if (o.json) printRotateJson(o, r, EXIT.problems, { status: why });
  else o.print(why === 'dry-run' ? o.out.dim('Dry run: nothing was changed.') : 'Declined. Nothing was changed.');
}

/** What the apply protocol did, what doctor finds now, and what the gateway answered (the probe). */
export async function renderRotated(o: Output, r: RotateReport, result: ApplyResult, after: { diagnosis?: Diagnosis; probed?: ProbeVerification }, exitCode: number): Promise<void> {
  const { diagnosis, probed } = after;
  // A demo copy's backup goes with the copy when the command ends: there is nothing to undo from later.
  const undo = result.backup && !r.note ? commandLine(['restore', result.backup.name], r.locationArgs) : undefined;
  if (o.json) {
    printRotateJson(o, r, exitCode, { ...resultJson(result, diagnosis), undo: undo ?? null, probe: probed?.json ?? null, probeSkipped: probed?.skipped ?? null });
    return;
  }
  renderResult(o, result, { diagnosis, undo, summary: planSummary(r.plan), noGateway: r.note ? 'none serves the demo copy' : undefined });
  if (probed?.report?.ran) {
    const { renderProbe } = await import('../probe/render.js');
    const { compareClients, realVerdict } = await import('../probe/verdict.js');
    if (diagnosis) renderProbe(o, probed.report, compareClients(diagnosis, probed.report), realVerdict(probed.report));
  } else if (probed?.skipped) o.print(o.out.yellow(`! ${probed.skipped}`));
}
