/**
 * rotate's (and check --fix's) last word: after the change, with the gateway up, the connects that looped are
 * made for real. The repair is done only when the gateway accepts them; the re-diagnosis alone is the same
 * prediction that chose the repair, and agrees with its own mistakes.
 */
import type { Diagnosis } from '../core/diagnose.js';
import type { Snapshot } from '../core/model.js';
import { runProbe, type ProbeReport } from './probe.js';
import { compareClients, probeJson, realText, realVerdict } from './verdict.js';
import { undoProbeWrites, type ProbeUndo } from './undo.js';

export interface ProbeVerification {
  /** Why the gateway was not asked (said in the report); null when it was. */
  skipped: string | null;
  report: ProbeReport | null;
  problems: string[];
  json: ReturnType<typeof probeJson> | null;
  /** With problems (the caller rolls back): what the probe's own connects made the gateway write, put back first. */
  undone: ProbeUndo | null;
}

export async function verifyWithProbe(
  snapshot: Snapshot,
  after: Diagnosis,
  options: { enabled: boolean; disabledWhy?: string; targetIsHost: boolean; keepRequests?: boolean; env?: NodeJS.ProcessEnv; note: (text: string) => void },
): Promise<ProbeVerification> {
  const skip = (why: string): ProbeVerification => ({ skipped: why, report: null, problems: [], json: null, undone: null });
  if (!options.enabled) return skip(options.disabledWhy ?? '--no-probe: verified by the prediction only (re-diagnosis of the files), as before issue 22; the gateway was not asked');
  if (!options.targetIsHost) return skip("the change was for a remote device; the probe connects as this host's clients, so it was verified by the prediction only");
  const report = await runProbe(snapshot, { note: options.note, keepRequests: options.keepRequests, timeoutMs: 15_000, ...(options.env ? { env: options.env } : {}) });
  if (!report.ran && report.clients.length === 0) return { ...skip(`cannot probe: ${report.cannot}; verified by the prediction only`), report };
  const problems: string[] = [];
  for (const c of report.clients) {
    if (c.outcome === 'refused') problems.push(`the gateway still refuses ${c.clientId} (${c.client}): ${realText(c)}`);
    if (c.outcome === 'cannot') problems.push(`the ${c.client} connect got no verdict from the gateway (${c.reason})`);
  }
  if (!report.ran) problems.push(`the probe did not finish: ${report.cannot}`);
  // Problems mean the caller rolls back next; a gateway left running rewrote the store on the probe's accepted
  // connects, and those writes are ours to undo (undo.ts), so the rollback finds the change as it was written.
  let undone: ProbeUndo | null = null;
  if (problems.length && report.trail) {
    undone = await undoProbeWrites(snapshot.location.stateDir, report.trail);
    if (undone.restored.length) options.note(`probe: put back ${undone.restored.join(', ')} as before its connects (the gateway had rewritten this host's record on them), so the rollback can undo the change`);
    for (const left of undone.left) options.note(`probe: not put back, not only the probe's connects changed it: ${left}`);
  }
  const rows = compareClients(after, report);
  return { skipped: null, report, problems, json: probeJson(report, rows, realVerdict(report), after.summary.error > 0 ? 'problems' : 'healthy'), undone };
}
