/**
 * `rotate` end to end: snapshot -> diagnose -> plan (pure) -> show -> confirm -> apply (lock, stop, backup,
 * atomic write with compare-and-swap, verify, start, re-diagnose, roll back on failure).
 */
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readBoundedOrThrow } from '../core/bounded-read.js';
import { diagnose, type Diagnosis } from '../core/diagnose.js';
import { CannotRunError, EXIT } from '../core/errors.js';
import type { Snapshot } from '../core/model.js';
import { takeSnapshot, type SnapshotOptions } from '../core/snapshot.js';
import { envelope } from '../report/json.js';
import type { Output } from '../report/output.js';
import { MAX_STATE_FILE_BYTES, sha256 } from '../store/read-file.js';
import { applyChange, type Prepared } from './apply.js';
import { confirmChange } from './confirm.js';
import { editorFor } from './editor.js';
import { DEVICE_AUTH_FILE, PAIRED_FILE, PENDING_FILE, planRotate, type RotateOptions, type RotatePlan } from './plan.js';
import { assertStoreReadable, assertWritable } from './preflight.js';
import { planJson, renderPlan, renderPlanHeader, renderResult, resultJson, staleLockNote } from './render.js';
import { assertPortForRestart, detectGateway, type Runner } from './service.js';
import { shellQuote } from '../core/diagnose.js';
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
export async function copyDemo(source: string, output: Output): Promise<string> {
  const dir = path.join(await fsp.mkdtemp(path.join(os.tmpdir(), 'openclaw-fix-demo-')), 'state');
  // fs-extra only here, loaded on demand: a tree copy that keeps modes, off the path of every real rotate.
  const { default: fse } = await import('fs-extra');
  await fse.copy(source, dir);
  output.note(`--demo: working on a copy of the demo state in ${dir} (the bundled demo is not changed; the copy is removed afterwards).`);
  return dir;
}

/** The demo copy is ours: removed when the command ends, however it ends (applied, dry run, refused, failed). */
export async function removeDemoCopy(dir: string | undefined): Promise<void> {
  if (dir) await fsp.rm(path.dirname(dir), { recursive: true, force: true });
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

export async function rotate(run: RotateRun, output: Output): Promise<number> {
  const load = async (): Promise<Loaded> => {
    const snapshot = await takeSnapshot(run.snapshotOptions);
    return { snapshot, diagnosis: diagnose(snapshot, { commandArgs: run.commandArgs }) };
  };
  const first = await load();
  const { snapshot } = first;
  const editor = editorFor(snapshot);
  assertStoreReadable(snapshot);
  const plan = planRotate(snapshot, first.diagnosis, run);
  const stateDir = snapshot.location.stateDir;
  const demoNote = run.demoSource ? 'demo copy' : undefined;

  if (plan.nothing) {
    const exitIfUnfixed = repairableErrors(diagnose(snapshot, { commandArgs: run.commandArgs })) > 0 ? EXIT.problems : EXIT.healthy;
    const leftover = staleLockNote(stateDir);
    if (output.json) output.printJson({ ...envelope('rotate', exitIfUnfixed), state: { dir: stateDir }, plan: planJson(plan), result: { status: 'nothing', notes: leftover ? [leftover] : [] } });
    else {
      renderPlanHeader(output, snapshot, 'rotate', demoNote);
      renderPlan(output, snapshot, first.diagnosis, plan, { listening: false, port: snapshot.config.port }, { restart: run.restart, timeoutSec: run.timeoutSec });
      output.print(output.out.dim('Nothing was changed.'));
      if (leftover) output.print(output.out.yellow(`! ${leftover}`));
    }
    return exitIfUnfixed;
  }

  await assertWritable(stateDir, editor.files(plan));
  const where = { profile: snapshot.location.profile, port: snapshot.config.port, home: snapshot.location.home };
  const gateway = await detectGateway({ ...where, env: process.env, runner: run.runner });
  const showPlan = () => {
    renderPlanHeader(output, snapshot, 'rotate', demoNote);
    renderPlan(output, snapshot, first.diagnosis, plan, gateway, { restart: run.restart, timeoutSec: run.timeoutSec });
  };
  if (!output.json) showPlan();

  if (run.dryRun) {
    if (output.json) output.printJson({ ...envelope('rotate', EXIT.problems), state: { dir: stateDir }, plan: planJson(plan), result: { status: 'dry-run' } });
    else output.print(output.out.dim('Dry run: nothing was changed.'));
    return EXIT.problems;
  }

  assertPortForRestart(snapshot.config, run.restart);
  const who = plan.target.isHost ? "this host's device" : `the REMOTE device ${plan.target.deviceId.slice(0, 12)}`;
  const ok = await confirmChange(
    `${plan.escalation.length ? `GRANT ${plan.escalation.join(', ')} and apply` : 'Apply'} this change to ${who} (backup first)?`,
    { yes: run.yes, what: plan.files.join(', ') },
  );
  if (!ok) {
    if (output.json) output.printJson({ ...envelope('rotate', EXIT.problems), state: { dir: stateDir }, plan: planJson(plan), result: { status: 'declined' } });
    else output.print('Declined. Nothing was changed.');
    return EXIT.problems;
  }

  let current = first;
  let currentPlan = plan;
  let after: Diagnosis | undefined;
  let probed: ProbeVerification | undefined;
  const prepare = async (attempt: number): Promise<Prepared | null> => {
    for (let i = 0; i < 3; i++) {
      if (attempt > 1 || i > 0) {
        current = await load();
        assertStoreReadable(current.snapshot);
        currentPlan = planRotate(current.snapshot, current.diagnosis, run);
        if (currentPlan.nothing) return null;
        if (!sameGrant(plan, currentPlan)) {
          throw new CannotRunError('changed-since-confirm', `${current.snapshot.store.path} changed since the plan was shown, and the change needed now differs. Nothing was changed; run openclaw-fix rotate again to see the new plan.`, current.snapshot.store.path);
        }
      }
      if (editor.transactional) {
        // The transaction compares the device's lists with this snapshot's itself: no byte check here.
        const device = current.snapshot.store.devices.find((d) => d.key === currentPlan.target.key);
        if (!device) throw new CannotRunError('store-changed', `Device ${currentPlan.target.deviceId} is no longer in ${current.snapshot.store.path}; nothing was changed.`, current.snapshot.store.path);
        return { files: [], transaction: editor.transaction(currentPlan, device), description: currentPlan.summary, deviceId: currentPlan.target.deviceId };
      }
      const files = editor.files(currentPlan);
      // The plan must be made from exactly these bytes; if a file moved since the snapshot, take a new one.
      const bytes = new Map<string, Buffer>();
      for (const [j, abs] of files.entries()) {
        const planned = readAsPlanned(current.snapshot, currentPlan.files[j]!, abs);
        if (!planned) break;
        bytes.set(abs, planned);
      }
      if (bytes.size < files.length) continue;
      const rendered = editor.render(currentPlan, bytes, { nowMs: Date.now() });
      const modes = await Promise.all(files.map(async (f) => (await fsp.stat(f)).mode & 0o7777));
      return {
        files: files.map((abs, j) => ({ rel: currentPlan.files[j]!, abs, before: bytes.get(abs)!, after: rendered.get(abs)!, mode: modes[j]! })),
        description: currentPlan.summary,
        deviceId: currentPlan.target.deviceId,
      };
    }
    // After a first attempt wrote, apply says what the files hold now; only a first attempt can say nothing changed.
    const state = attempt === 1 ? ' Nothing was changed.' : '';
    throw new CannotRunError('conflict', `${snapshot.store.path} keeps changing while it is read: the gateway is writing it. Stop the gateway and run again.${state}`, snapshot.store.path);
  };

  const result = await applyChange({
    command: 'rotate',
    stateDir,
    prepare,
    verifyWritten: () => editor.verify(currentPlan),
    verifyFinal: async () => {
      // Read back from disk with the same snapshot and every rule, as doctor would judge it now.
      const now = await load();
      after = now.diagnosis;
      // Judged on the snapshot just read from disk: the store is not read a second time.
      const problems = await editor.verify(currentPlan, now.snapshot);
      if (currentPlan.heldBack.length === 0) {
        const left = now.diagnosis.findings.filter((f) => f.severity === 'error' && currentPlan.fixes.includes(f.id) && (!f.deviceId || f.deviceId === currentPlan.target.deviceId));
        problems.push(...left.map((f) => `still found after the change: ${f.id}`));
      }
      if (problems.length) return problems;
      // The prediction agrees with itself; the gateway, when it is up, has the last word.
      const { verifyWithProbe } = await import('../probe/verify.js');
      probed = await verifyWithProbe(now.snapshot, now.diagnosis, { enabled: run.probe !== false, targetIsHost: currentPlan.target.isHost, env: run.snapshotOptions.env, note: (t) => output.note(t) });
      return probed.problems;
    },
    gateway,
    restart: run.restart,
    timeoutSec: run.timeoutSec,
    output,
  });

  const undo = result.backup ? ['openclaw-fix', 'restore', result.backup.name, ...run.commandArgs].map(shellQuote).join(' ') : undefined;
  // A gateway write replaced in the same instant is a problem to look at, even when the fix itself holds.
  const exitCode = result.status === 'rolled-back' || result.replacedGatewayWrites.length ? EXIT.problems : after && repairableErrors(after) > 0 ? EXIT.problems : EXIT.healthy;
  if (output.json) {
    output.printJson({
      ...envelope('rotate', exitCode),
      state: { dir: stateDir },
      plan: planJson(currentPlan),
      result: { ...resultJson(result, after), undo: undo ?? null, probe: probed?.json ?? null, probeSkipped: probed?.skipped ?? null },
    });
  } else {
    renderResult(output, result, { diagnosis: after, undo, summary: currentPlan.summary });
    if (probed?.report?.ran) {
      const { renderProbe } = await import('../probe/render.js');
      const { compareClients, realVerdict } = await import('../probe/verdict.js');
      if (after) renderProbe(output, probed.report, compareClients(after, probed.report), realVerdict(probed.report));
    } else if (probed?.skipped) output.print(output.out.yellow(`! ${probed.skipped}`));
  }
  return exitCode;
}

/**
 * Errors a repair is judged by. `release-unverified` says the release was never measured: no change to the store
 * clears it, so it does not turn a successful repair into "problems remain" (doctor and check still exit 1 on it).
 */
function repairableErrors(diagnosis: Diagnosis): number {
  return diagnosis.findings.filter((f) => f.severity === 'error' && f.id !== 'release-unverified').length;
}
