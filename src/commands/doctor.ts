/** `openclaw-fix doctor`: read-only diagnosis. Options in, snapshot -> diagnose, render out. */
import type { Diagnosis } from '../core/diagnose.js';
import { examine } from '../core/examine.js';
import type { Snapshot } from '../core/model.js';
import { CannotRunError, EXIT } from '../core/errors.js';
import { doctorJson } from '../report/json.js';
import { Output } from '../report/output.js';
import type { Report } from '../report/report.js';
import { renderDoctor } from '../report/text.js';
import { locationArgs, snapshotOptions, type CommonOptions } from './common.js';
import type { FindingId } from '../core/findings.js';

export interface DoctorOptions extends CommonOptions {
  quiet?: boolean;
  /** --ignore: finding ids (validated where the flag is parsed). */
  ignore?: FindingId[];
  /** --log FILE (repeatable); --since; --no-logs sets logs to false. */
  log?: string[];
  since?: string;
  logs?: boolean;
  /** --probe: also ask the running gateway (opt-in: it makes connects the gateway records). */
  probe?: boolean;
  keepRequests?: boolean;
}

export async function run(opts: DoctorOptions, output: Output): Promise<number> {
  let examined;
  try {
    // Read-only: no store hashes (they exist for rotate's compare-and-swap).
    examined = await examine({ ...snapshotOptions(opts), hashStore: false }, { logs: opts.logs, log: opts.log, since: opts.since, commandArgs: locationArgs(opts), ignore: opts.ignore });
  } catch (error) {
    if (error instanceof CannotRunError && error.code === 'no-state' && !opts.demo && (await offerDemo(opts, output, error))) {
      return run({ ...opts, demo: true }, output);
    }
    throw error;
  }
  const { snapshot, diagnosis } = examined;
  if (opts.probe) return withProbeReport(opts, output, snapshot, diagnosis);
  const exitCode = diagnosis.summary.error > 0 ? EXIT.problems : EXIT.healthy;
  const report: Report = { command: 'doctor', snapshot, diagnosis, exitCode, verbose: opts.verbose, quiet: opts.quiet };
  if (output.json) output.printJson(doctorJson(report));
  else renderDoctor(output, report);
  return exitCode;
}

/** doctor --probe: the prediction, then the gateway's own answer beside it; the exit code follows the answer. */
async function withProbeReport(opts: DoctorOptions, output: Output, snapshot: Snapshot, predictedDiagnosis: Diagnosis): Promise<number> {
  const { runProbe } = await import('../probe/probe.js');
  const { withProbe, probeJson } = await import('../probe/verdict.js');
  const report = await runProbe(snapshot, { keepRequests: opts.keepRequests, note: (t) => output.note(t) });
  const predicted = predictedDiagnosis.summary.error > 0 ? 'problems' : 'healthy';
  const { diagnosis, exitCode, rows, verdict } = withProbe(snapshot, predictedDiagnosis, report);
  if (output.json) {
    output.printJson({ ...doctorJson({ snapshot, diagnosis, exitCode }), probe: probeJson(report, rows, verdict, predicted) });
    return exitCode;
  }
  renderDoctor(output, { command: 'doctor', snapshot, diagnosis, exitCode, verbose: opts.verbose, quiet: opts.quiet });
  if (!opts.quiet || exitCode !== 0) (await import('../probe/render.js')).renderProbe(output, report, rows, verdict);
  return exitCode;
}

/** No OpenClaw here: say so, and offer the bundled demo (asked only on a terminal). */
async function offerDemo(opts: DoctorOptions, output: Output, error: CannotRunError): Promise<boolean> {
  // Without a terminal the error itself names --demo; a prompt would hang a script.
  // The question itself goes to stderr (confirm.ts), the report to stdout: both must be the terminal.
  if (opts.json || !process.stdin.isTTY || !process.stdout.isTTY || !process.stderr.isTTY) return false;
  output.note(`No OpenClaw state found at ${error.path}.`);
  const { ask } = await import('../repair/confirm.js');
  return ask(output, 'Show the bundled demo state (a real OpenClaw 2026.2.19 install caught in the loop)?', true);
}
