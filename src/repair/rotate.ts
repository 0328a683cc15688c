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
import { editorFor, JsonStoreEditor, type SplicedFile } from './editor.js';
import { DEVICE_AUTH_FILE, PAIRED_FILE, PENDING_FILE, planRotate, TARGET_FINDINGS, type RotateOptions, type RotatePlan } from './plan.js';
import { assertStoreReadable, assertWritable } from './preflight.js';
import { LEFT_ALONE, planJson, renderPlan, renderPlanHeader, renderResult, resultJson, staleLockNote } from './render.js';
import { snapshotAfterSplice } from './reread.js';
import { assertPortForRestart, detectGateway, type GatewayStatus, type Runner } from './service.js';
import { locateState } from '../core/locate.js';
import { readGatewayConfig } from '../store/config.js';
import { shellQuote } from '../core/diagnose.js';
import { RULES } from '../rules/index.js';
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

/** What a snapshot read of one file: the store's own bytes where it kept them, else the file's hash. */
interface Loaded {
  snapshot: Snapshot;
  diagnosis: Diagnosis;
  storeBytes: Map<string, Buffer>;
}

/**
 * The bytes of `abs` as the snapshot the plan was made from read them, if the file still holds exactly those;
 * undefined when it moved on since (the caller takes a new snapshot).
 */
async function readAsPlanned(loaded: Loaded, rel: string, abs: string): Promise<Buffer | undefined> {
  const { snapshot } = loaded;
  // What the snapshot read of this file.
  const read = rel === PAIRED_FILE ? snapshot.store.paired : rel === PENDING_FILE ? snapshot.store.pending : rel === DEVICE_AUTH_FILE ? snapshot.deviceAuth.file : undefined;
  // The store's files: the bytes the snapshot kept are the ones to edit, unless the file was replaced or
  // rewritten since (its size or time moved). That look is only the early way out: the guarantee is the byte
  // compare-and-swap against these bytes right before the rename (atomic.ts), which sends a change made in
  // between back here to plan again.
  const kept = loaded.storeBytes.get(abs);
  if (kept) {
    const was = read?.stat;
    const now = await fsp.stat(abs).catch(() => undefined);
    return was && now && now.size === kept.length && now.mtimeMs === was.mtimeMs ? kept : undefined;
  }
  const sha = read?.sha256;
  const bytes = readBoundedOrThrow(abs, MAX_STATE_FILE_BYTES, 'the device store');
  return sha !== undefined && sha === sha256(bytes) ? bytes : undefined;
}

/**
 * The rules whose findings the plan and its display read (plan.ts TARGET_FINDINGS, render.ts LEFT_ALONE): the
 * diagnosis a plan is made from runs only these (on 10,000 devices the others cost more than the plan). The
 * diagnosis after the change, and the exit code of a run with nothing to do, run every rule.
 */
export const PLAN_RULES = RULES.filter((r) => TARGET_FINDINGS.has(r.id) || LEFT_ALONE.has(r.id));

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

type GatewayQuestion = { profile: string | undefined; port: number; home: string };

function sameGatewayQuestion(a: GatewayQuestion, b: GatewayQuestion): boolean {
  return a.profile === b.profile && a.port === b.port && a.home === b.home;
}

/**
 * Starts asking the service manager and the port (systemctl answers in ~20-40 ms of waiting) while the store
 * is read, from the same location and config the snapshot will find; used only if the snapshot agrees.
 */
function askGatewayEarly(run: RotateRun): { where: GatewayQuestion; answer: Promise<GatewayStatus> } | undefined {
  try {
    const options = run.snapshotOptions;
    const location = locateState(options, options.env, options.cwd);
    const where = { profile: location.profile, port: readGatewayConfig(location.configPath, options.env, location.profile).port, home: location.home };
    const answer = detectGateway({ ...where, env: process.env, runner: run.runner });
    answer.catch(() => undefined); // unused when the snapshot fails or disagrees; asked again then
    return { where, answer };
  } catch {
    return undefined;
  }
}

export async function rotate(run: RotateRun, output: Output): Promise<number> {
  const early = askGatewayEarly(run);
  try {
    return await rotateAsked(run, output, early);
  } finally {
    // Never return with the early question's systemctl still running: an in-process caller (check --fix, the
    // tests) goes on and may remove what it writes to; a spawned CLI waited for it at exit anyway.
    await early?.answer.catch(() => undefined);
  }
}

async function rotateAsked(run: RotateRun, output: Output, early: ReturnType<typeof askGatewayEarly>): Promise<number> {
  const load = async (): Promise<Loaded> => {
    // The store's bytes are kept (not hashed) for the check in prepare that the plan was made from them.
    const storeBytes = new Map<string, Buffer>();
    const snapshot = await takeSnapshot({ ...run.snapshotOptions, hashStore: false, keepStoreBytes: storeBytes });
    return { snapshot, diagnosis: diagnose(snapshot, { commandArgs: run.commandArgs, rules: PLAN_RULES }), storeBytes };
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
  const gateway = early && sameGatewayQuestion(early.where, where) ? await early.answer : await detectGateway({ ...where, env: process.env, runner: run.runner });
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
  /** The last render, when it spliced paired.json, with the snapshot whose bytes it was made from. */
  let spliced: { snapshot: Snapshot; file: SplicedFile } | undefined;
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
        const planned = await readAsPlanned(current, currentPlan.files[j]!, abs);
        if (!planned) break;
        bytes.set(abs, planned);
      }
      if (bytes.size < files.length) continue;
      const rendered = editor.render(currentPlan, bytes, { nowMs: Date.now() });
      const splice = editor instanceof JsonStoreEditor ? editor.lastSplice : undefined;
      spliced = splice ? { snapshot: current.snapshot, file: splice } : undefined;
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
      // Read back from disk. A spliced paired.json still holding exactly the bytes written is the old store
      // with one value replaced: only that value is parsed again (reread.ts); anything else is read in full.
      // The bytes are compared again here even right after the write's own read-back: a same-size rewrite by
      // another writer in between (the manifest update's few ms) must not pass as the change.
      const reread = spliced && snapshotAfterSplice(spliced.snapshot, spliced.file, run.snapshotOptions);
      const fresh = reread ?? (await takeSnapshot(run.snapshotOptions));
      const now = { snapshot: fresh, diagnosis: diagnose(fresh, { commandArgs: run.commandArgs }) };
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
