/**
 * `openclaw-fix check`: the non-interactive doctor for servers and CI. Never prompts. Exit 0 healthy,
 * 1 problems at or above --fail-on, 2 could not run, whatever the format.
 */
import { closeSync, constants, fchownSync, fstatSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { Diagnosis } from '../core/diagnose.js';
import { examine } from '../core/examine.js';
import { CannotRunError, errnoCode, EXIT } from '../core/errors.js';
import type { Severity, Snapshot } from '../core/model.js';
import { printable } from '../report/escape.js';
import { renderGithub } from '../report/github.js';
import { doctorJson } from '../report/json.js';
import { junitXml } from '../report/junit.js';
import type { Output } from '../report/output.js';
import { prometheusText } from '../report/prometheus.js';
import type { CheckReport, ProbeSummary } from '../report/report.js';
import { renderDoctor } from '../report/text.js';
import { RULES } from '../rules/index.js';
import { writeFileAtomic } from '../repair/atomic.js';
import { openDir, stateOwner } from '../repair/confined.js';
import { demoDir, locationArgs, snapshotOptions, type CommonOptions } from './common.js';
import { GUARD_LOG } from './guard.js';
import type { FindingId } from '../core/findings.js';

export interface CheckOptions extends CommonOptions {
  format?: 'text' | 'json' | 'github' | 'prometheus';
  junit?: string;
  textfileDir?: string;
  fix?: boolean;
  quiet?: boolean;
  /** --ignore: finding ids (validated where the flag is parsed). */
  ignore?: FindingId[];
  failOn?: Severity;
  restart?: boolean;
  timeout?: number;
  fromGuard?: boolean;
  dryRun?: boolean;
  log?: string[];
  since?: string;
  logs?: boolean;
  /** --probe: ask the gateway too (the verdict follows its answer); with --fix, --no-probe sets false. */
  probe?: boolean;
  keepRequests?: boolean;
}

export function exitCodeFor(diagnosis: Diagnosis, failOn: Severity): number {
  const failing = diagnosis.summary.error + (failOn === 'warning' ? diagnosis.summary.warning : 0);
  return failing > 0 ? EXIT.problems : EXIT.healthy;
}

/** The textfile collector reads every *.prom file; our temp name ends in .tmp, so it never sees a partial one. */
export async function writeTextfile(dir: string, name: string, content: string): Promise<string> {
  const target = path.join(dir, name);
  // Stays inside the named directory, reached without following a link (confined.ts).
  await writeFileAtomic(target, Buffer.from(content), { mode: 0o644, within: dir });
  return target;
}

export async function run(opts: CheckOptions, output: Output): Promise<number> {
  const started = Date.now();
  // --textfile-dir is only meaningful for Prometheus text: it implies that format, and contradicts any other.
  const format = opts.json ? 'json' : (opts.format ?? (opts.textfileDir ? 'prometheus' : 'text'));
  if (opts.textfileDir && format !== 'prometheus') {
    throw new CannotRunError('usage', `--textfile-dir writes Prometheus text; it cannot be combined with ${opts.json ? '--json' : `--format ${format}`}. Drop one of them.`);
  }
  const failOn = opts.failOn ?? 'error';
  // --fix on the demo must not write into the package: work on a copy, as rotate --demo does.
  const demoCopy = opts.fix && opts.demo ? await (await import('../repair/rotate.js')).copyDemo(demoDir(), output, 'check') : undefined;
  try {
    return await checkOn(opts, output, { started, format, failOn, demoCopy });
  } finally {
    if (demoCopy) await (await import('../repair/rotate.js')).removeDemoCopy(demoCopy);
  }
}

async function checkOn(
  opts: CheckOptions,
  output: Output,
  { started, format, failOn, demoCopy }: { started: number; format: string; failOn: Severity; demoCopy: string | undefined },
): Promise<number> {
  const snapOpts = demoCopy ? { ...snapshotOptions(opts), demoDir: demoCopy } : snapshotOptions(opts);
  // The copy is removed when check ends: printed follow-ups name the demo, not the temp dir.
  const commandArgs = demoCopy ? ['--demo'] : locationArgs(opts);
  const examineOptions = { logs: opts.logs, log: opts.log, since: opts.since, commandArgs, ignore: opts.ignore };
  let { snapshot, diagnosis } = await examine(snapOpts, examineOptions);
  let repair: { attempted: true; rotateExitCode: number } | null = null;

  if (opts.fix && diagnosis.summary.error > 0) {
    const { applyRotateForCheck } = await import('../check/fix.js');
    repair = await applyRotateForCheck(opts, output, snapOpts, commandArgs);
    // The verdict is the state after the repair, judged afresh: exit 0 only when it is really healthy now.
    ({ snapshot, diagnosis } = await examine(snapOpts, examineOptions));
  }

  let exitCode = exitCodeFor(diagnosis, failOn);
  let probe: Awaited<ReturnType<typeof probeCheck>> | undefined;
  if (opts.probe === true) {
    probe = await probeCheck(snapshot, diagnosis, opts, output);
    diagnosis = probe.diagnosis;
    // The gateway's answer decides; --fail-on warning still counts the warnings.
    exitCode = probe.exitCode === EXIT.problems || (failOn === 'warning' && diagnosis.summary.warning > 0) ? EXIT.problems : EXIT.healthy;
  }
  if (opts.fromGuard) recordGuardRun(snapshot.location.stateDir, output, exitCode, repair ? (repair.rotateExitCode === 0 ? 'repaired' : 'repair-failed') : 'no-change');
  const report: CheckReport = {
    command: 'check',
    snapshot,
    diagnosis,
    exitCode,
    failOn,
    ruleIds: RULES.map((r) => r.id).filter((id) => !(opts.ignore ?? []).includes(id)),
    nowMs: Date.now(),
    elapsedSeconds: (Date.now() - started) / 1000,
    verbose: opts.verbose,
    quiet: opts.quiet,
    ...(probe ? { probe: probeSummary(probe) } : {}),
  };
  // The same safe writer as --textfile-dir: a CI reader never sees half a report, a bad path is one "Cannot write" line.
  if (opts.junit) await writeFileAtomic(opts.junit, Buffer.from(junitXml(report)), { mode: 0o644 });

  switch (format) {
    case 'json':
      output.printJson({ ...doctorJson(report), failOn, repair, ...(probe ? { probe: probe.json } : {}) });
      break;
    case 'github':
      renderGithub(output, report);
      break;
    case 'prometheus': {
      const text = prometheusText({ ...report, lastRepairMs: await lastRepairMs(snapshot) });
      if (opts.textfileDir) output.note(`openclaw-fix: wrote ${printable(await writeTextfile(opts.textfileDir, 'openclaw_fix.prom', text))}`);
      else output.print(text.trimEnd());
      break;
    }
    default:
      if (opts.quiet && exitCode === 0) break;
      renderDoctor(output, report);
      if (probe) (await import('../probe/render.js')).renderProbe(output, probe.report, probe.rows, probe.json.verdict.real);
  }
  return exitCode;
}

/** What the machine formats say about --probe. */
function probeSummary(probe: Awaited<ReturnType<typeof probeCheck>>): ProbeSummary {
  return {
    ran: probe.json.ran && !probe.json.cannot,
    clients: probe.report.clients,
    agreeing: Object.fromEntries(probe.json.clients.map((c) => [c.client, c.agree])),
    verdict: probe.json.verdict,
    cannot: probe.json.cannot,
  };
}

/** check --probe: the gateway's own answer beside the prediction (side effects said on stderr first). */
async function probeCheck(snapshot: Snapshot, predicted: Diagnosis, opts: CheckOptions, output: Output) {
  const { runProbe } = await import('../probe/probe.js');
  const { withProbe, probeJson } = await import('../probe/verdict.js');
  const report = await runProbe(snapshot, { keepRequests: opts.keepRequests, note: (t) => output.note(t) });
  const judged = withProbe(snapshot, predicted, report);
  const json = probeJson(report, judged.rows, judged.verdict, predicted.summary.error > 0 ? 'problems' : 'healthy');
  return { report, diagnosis: judged.diagnosis, exitCode: judged.exitCode, json, rows: judged.rows };
}

async function lastRepairMs(snapshot: Snapshot): Promise<number | undefined> {
  return (await import('../check/fix.js')).lastRepairMs(snapshot.location.stateDir);
}

/**
 * One line per guard run, read back by `guard status`; a failure to log never fails the check. Appended without
 * following a link (the guard runs as root on a state its owner can shape), and the file is the owner's.
 */
function recordGuardRun(stateDir: string, output: Output, exitCode: number, outcome: 'repaired' | 'repair-failed' | 'no-change'): void {
  let dir;
  try {
    const owner = stateOwner(stateDir);
    dir = openDir(stateDir, path.dirname(GUARD_LOG), { create: { mode: 0o700, owner } });
    const fd = openSync(dir.join(path.basename(GUARD_LOG)), constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | (constants.O_NOFOLLOW ?? 0) | constants.O_NONBLOCK, 0o600);
    try {
      if (!fstatSync(fd).isFile()) throw new CannotRunError('not-regular', `${path.join(stateDir, GUARD_LOG)} is not a regular file`);
      if (owner) fchownSync(fd, owner.uid, owner.gid);
      writeSync(fd, `${new Date().toISOString()} exit=${exitCode} ${outcome}\n`);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    // The journal still has the check's own output; a link planted there is named, never written through.
    const shown = path.join(stateDir, GUARD_LOG);
    const why = errnoCode(error) === 'ELOOP' ? 'it is a symbolic link' : error instanceof Error ? error.message : String(error);
    output.note(`openclaw-fix: did not record this run in ${printable(`${shown} (${why})`)}.`);
  } finally {
    dir?.close();
  }
}
