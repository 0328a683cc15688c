/**
 * `rotate` end to end: snapshot -> diagnose -> plan (pure) -> show -> confirm -> apply (lock, stop, backup,
 * atomic write with compare-and-swap, verify, start, re-diagnose, roll back on failure).
 */
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readBoundedOrThrow } from '../core/bounded-read.js';
import { diagnose, type Diagnosis } from '../core/diagnose.js';
import { CannotRunError, EXIT, unchanged } from '../core/errors.js';
import type { Finding, Snapshot } from '../core/model.js';
import { takeSnapshot, type SnapshotOptions } from '../core/snapshot.js';
import type { Output } from '../report/output.js';
import { errorJson } from '../report/json.js';
import { MAX_STATE_FILE_BYTES, sha256 } from '../store/read-file.js';
import { applyChange, type Prepared, type Verified } from './apply.js';
import { confirmChange } from './confirm.js';
import { removeIfInterrupted } from './interrupt.js';
import { editorFor, type StoreEditor } from './editor.js';
import { DEVICE_AUTH_FILE, PAIRED_FILE, PENDING_FILE, planRotate, type RotateOptions, type RotatePlan } from './plan.js';
import { assertStoreReadable, assertWritable } from './preflight.js';
import { planSummary, renderNothingToDo, renderRotated, renderRotateNotRun, renderRotatePlan, type RotateReport } from '../report/rotate.js';
import { staleLockNote } from './lock.js';
import type { Runner } from '../core/runner.js';
import { assertPortForRestart, detectGateway, type GatewayStatus } from './service.js';
import type { ProbeVerification } from '../probe/verify.js';

export interface RotateRun extends RotateOptions {
  snapshotOptions: SnapshotOptions;
  /** Location flags for printed follow-up commands. */
  commandArgs: string[];
  demoSource?: string;
  yes?: boolean;
  dryRun?: boolean;
  restart: boolean;
  timeoutSec: number;
  runner?: Runner;
  /** false = --no-probe: "done" on the re-diagnosis alone (the behaviour before the probe), said in the report. */
  probe?: boolean;
}

/** --demo never writes into the package: the demo state is copied to a temp dir first. */
export async function copyDemo(source: string, output: Output, command: string): Promise<string> {
  const top = await fsp.mkdtemp(path.join(os.tmpdir(), 'openclaw-fix-demo-'));
  const say = (message: string) =>
    output.json ? output.printJson(errorJson(command, EXIT.interrupted, 'interrupted', message)) : output.note(`openclaw-fix: ${message}`);
  forgetOnRemove.set(top, removeIfInterrupted(top, say));
  const dir = path.join(top, 'state');
  // fs-extra only here, loaded on demand: a tree copy that keeps modes, off the path of every real rotate.
  const { default: fse } = await import('fs-extra');
  await fse.copy(source, dir);
  output.note(`--demo: working on a copy of the demo state in ${dir} (the bundled demo is not changed; the copy is removed afterwards).`);
  return dir;
}

const forgetOnRemove = new Map<string, () => void>();

/** The demo copy is ours: removed when the command ends, however it ends (applied, dry run, refused, failed, Ctrl-C). */
export async function removeDemoCopy(dir: string | undefined): Promise<void> {
  if (!dir) return;
  const top = path.dirname(dir);
  await fsp.rm(top, { recursive: true, force: true });
  forgetOnRemove.get(top)?.();
  forgetOnRemove.delete(top);
}

/** What the user confirmed: a re-plan after a conflict may drop pending ids, but must not grant anything else. */
function grantKey(plan: RotatePlan): string {
  return JSON.stringify([plan.target.key, plan.arrays.map((a) => [a.file, a.field, a.added]), plan.addRole ?? null, plan.newToken]);
}

function sameGrant(a: RotatePlan, b: RotatePlan): boolean {
  // The later plan may need less (the gateway or another tool already added some), never more.
  const need = (p: RotatePlan) => new Set(p.arrays.flatMap((x) => x.added.map((s) => `${x.file}|${x.field}|${s}`)));
  const first = need(a);
  return grantKey(a) === grantKey(b) || ([...need(b)].every((k) => first.has(k)) && (b.addRole ?? null) === (a.addRole ?? null) && b.newToken === a.newToken);
}

/** A snapshot (with the hash of every store file it read) and the diagnosis of every rule over it. */
interface Loaded {
  snapshot: Snapshot;
  diagnosis: Diagnosis;
}

/**
 * The bytes of a store file now, if they are the bytes the snapshot the plan was made from read (same sha256);
 * undefined when the file moved on since (the caller takes a new snapshot). These bytes are what the edit starts
 * from and what compare-and-swap expects on disk right before the rename.
 */
function readAsPlanned(snapshot: Snapshot, rel: string, abs: string): Buffer | undefined {
  const read = rel === PAIRED_FILE ? snapshot.store.paired : rel === PENDING_FILE ? snapshot.store.pending : rel === DEVICE_AUTH_FILE ? snapshot.deviceAuth.file : undefined;
  const bytes = readBoundedOrThrow(abs, MAX_STATE_FILE_BYTES, 'the device store');
  return read?.sha256 !== undefined && read.sha256 === sha256(bytes) ? bytes : undefined;
}

async function load(run: RotateRun, knockGateway = false): Promise<Loaded> {
  const snapshot = await takeSnapshot({ ...run.snapshotOptions, knockGateway });
  return { snapshot, diagnosis: diagnose(snapshot, { commandArgs: run.commandArgs }) };
}

/** One attempt's change, with the plan it was rendered from (what the checks after the write judge it by). */
type RotateChange = Prepared & { plan: RotatePlan };

/** What rotate's final verification found: the diagnosis after the change, and the probe's word when it ran. */
interface Found {
  after: Diagnosis;
  probed?: ProbeVerification;
}

export async function rotate(given: RotateRun, output: Output): Promise<number> {
  // A copy of the demo state is no gateway's state: the gateway service of this machine is never asked, stopped,
  // started or probed for it (its port and unit name are the real ones' defaults).
  const demo = given.snapshotOptions.demoDir !== undefined;
  const run: RotateRun = demo ? { ...given, restart: false, probe: false } : given;
  // Only this first reading asks whether the gateway answers: how to write around it is decided from it.
  const first = await load(run, !demo);
  const { snapshot } = first;
  const editor = editorFor(snapshot);
  assertStoreReadable(snapshot);
  const plan = planRotate(snapshot, first.diagnosis, run);
  const stateDir = snapshot.location.stateDir;
  const report: RotateReport = { snapshot, diagnosis: first.diagnosis, plan, locationArgs: run.commandArgs, note: demo ? 'demo copy' : undefined };
  const shown = { restart: run.restart, timeoutSec: run.timeoutSec };
  if (plan.nothing) {
    // Nothing to change: the exit code says whether doctor would still find an error, and the report names each,
    // release-unverified too: "nothing to do" on a release nobody measured is a prediction, not a check mark.
    const remaining = first.diagnosis.findings.filter((f) => f.severity === 'error');
    const exitCode = remaining.length > 0 ? EXIT.problems : EXIT.healthy;
    renderNothingToDo(output, report, exitCode, staleLockNote(stateDir), shown, remaining);
    return exitCode;
  }

  await assertWritable(stateDir, editor.files(plan));
  const gateway: GatewayStatus = demo
    ? { listening: false, port: snapshot.config.port, none: 'none serves the demo copy; the service and port of this machine are not touched' }
    : await detectGateway({ profile: snapshot.location.profile, port: snapshot.config.port, listening: snapshot.gatewayRunning ?? false, home: snapshot.location.home, env: process.env, runner: run.runner });
  renderRotatePlan(output, report, gateway, shown);
  if (run.dryRun) {
    renderRotateNotRun(output, report, 'dry-run');
    return EXIT.problems;
  }

  assertPortForRestart(snapshot.config, run.restart);
  const who = plan.target.isHost ? "this host's device" : `the REMOTE device ${plan.target.deviceId.slice(0, 12)}`;
  const ok = await confirmChange(
    output,
    `${plan.escalation.length ? `GRANT ${plan.escalation.join(', ')} and apply` : 'Apply'} this change to ${who} (backup first)?`,
    { yes: run.yes, what: plan.files.join(', ') },
  );
  if (!ok) {
    renderRotateNotRun(output, report, 'declined');
    return EXIT.problems;
  }

  const result = await applyChange<RotateChange, Found>({
    command: 'rotate',
    stateDir,
    locationArgs: run.commandArgs,
    prepare: (attempt) => prepareChange(run, editor, first, plan, attempt),
    verifyWritten: (change) => editor.verify(change.plan),
    verifyFinal: (change) => verifyRotated(run, editor, change.plan, output),
    gateway,
    restart: run.restart,
    timeoutSec: run.timeoutSec,
    output,
  });
  const { after, probed } = result.found ?? {};
  // A gateway write replaced in the same instant is a problem to look at, even when the fix itself holds.
  const exitCode = result.status === 'rolled-back' || result.replacedGatewayWrites.length ? EXIT.problems : after && remainingErrors(after).length > 0 ? EXIT.problems : EXIT.healthy;
  // The plan of the attempt that was written (a store that moved under the write is planned again).
  await renderRotated(output, { ...report, plan: result.change?.plan ?? plan }, result, { diagnosis: after, probed }, exitCode);
  return exitCode;
}

/**
 * The change for one attempt, rendered from bytes the plan was made from. The first attempt uses the confirmed
 * plan and its snapshot; a later one (the store moved) reads and plans again, and refuses a plan that would grant
 * more than the user confirmed. null: nothing is left to do.
 */
async function prepareChange(run: RotateRun, editor: StoreEditor, first: Loaded, confirmed: RotatePlan, attempt: number): Promise<RotateChange | null> {
  for (let i = 0; i < 3; i++) {
    const current = attempt === 1 && i === 0 ? first : await load(run);
    const plan = current === first ? confirmed : planRotate(current.snapshot, current.diagnosis, run);
    if (current !== first) {
      assertStoreReadable(current.snapshot);
      if (plan.nothing) return null;
      if (!sameGrant(confirmed, plan)) {
        throw unchanged(new CannotRunError('changed-since-confirm', `${current.snapshot.store.path} changed since the plan was shown, and the change needed now differs. Nothing was changed; run openclaw-fix rotate again to see the new plan.`, current.snapshot.store.path));
      }
    }
    const base = { plan, description: planSummary(plan), deviceId: plan.target.deviceId };
    if (editor.transactional) {
      // The transaction compares the device's lists with this snapshot's itself: no byte check here.
      const device = current.snapshot.store.devices.find((d) => d.key === plan.target.key);
      if (!device) throw unchanged(new CannotRunError('store-changed', `Device ${plan.target.deviceId} is no longer in ${current.snapshot.store.path}; nothing was changed.`, current.snapshot.store.path));
      return { ...base, files: [], transaction: editor.transaction(plan, device) };
    }
    const files = editor.files(plan);
    // The plan must be made from exactly these bytes; if a file moved since the snapshot, take a new one.
    const bytes = new Map<string, Buffer>();
    for (const [j, abs] of files.entries()) {
      const planned = readAsPlanned(current.snapshot, plan.files[j]!, abs);
      if (!planned) break;
      bytes.set(abs, planned);
    }
    if (bytes.size < files.length) continue;
    const rendered = editor.render(plan, bytes, { nowMs: Date.now() });
    const modes = await Promise.all(files.map(async (f) => (await fsp.stat(f)).mode & 0o7777));
    return { ...base, files: files.map((abs, j) => ({ rel: plan.files[j]!, abs, before: bytes.get(abs)!, after: rendered.get(abs)!, mode: modes[j]! })) };
  }
  // After a first attempt wrote, apply says what the files hold now; only a first attempt can say nothing changed.
  const state = attempt === 1 ? ' Nothing was changed.' : '';
  const store = first.snapshot.store.path;
  throw new CannotRunError('conflict', `${store} keeps changing while it is read: the gateway is writing it. Stop the gateway and run again.${state}`, store);
}

/** After the change (and the gateway's start): read the state again as doctor would, every rule; then the probe. */
async function verifyRotated(run: RotateRun, editor: StoreEditor, plan: RotatePlan, output: Output): Promise<Verified<Found>> {
  const now = await load(run);
  // Judged on the snapshot just read from disk: the store is not read a second time.
  const problems = await editor.verify(plan, now.snapshot);
  if (plan.heldBack.length === 0) {
    const left = now.diagnosis.findings.filter((f) => f.severity === 'error' && plan.fixes.includes(f.id) && (!f.deviceId || f.deviceId === plan.target.deviceId));
    problems.push(...left.map((f) => `still found after the change: ${f.id}`));
  }
  if (problems.length) return { problems, found: { after: now.diagnosis } };
  // The prediction agrees with itself; the gateway, when it is up, has the last word.
  const { verifyWithProbe } = await import('../probe/verify.js');
  const probed = await verifyWithProbe(now.snapshot, now.diagnosis, {
    enabled: run.probe !== false,
    disabledWhy: run.snapshotOptions.demoDir !== undefined ? '--demo: no gateway serves the copy, so none was asked; verified by the prediction only' : undefined,
    targetIsHost: plan.target.isHost,
    env: run.snapshotOptions.env,
    note: (t) => output.note(t),
  });
  return { problems: probed.problems, found: { after: now.diagnosis, probed } };
}

/**
 * Errors a repair is judged by. `release-unverified` says the release was never measured: no change to the store
 * clears it, so it does not turn a successful repair into "problems remain" (doctor and check still exit 1 on it).
 */
function remainingErrors(diagnosis: Diagnosis): Finding[] {
  return diagnosis.findings.filter((f) => f.severity === 'error' && f.id !== 'release-unverified');
}
