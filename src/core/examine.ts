/** Snapshot + logs + diagnosis: what doctor and check both do, in one place. */
import { diagnose, type Diagnosis } from './diagnose.js';
import type { Snapshot } from './model.js';
import { takeSnapshot, type SnapshotOptions } from './snapshot.js';
import type { FindingId } from './findings.js';

export interface ExamineOptions {
  /** false = --no-logs. */
  logs?: boolean;
  log?: string[];
  since?: string;
  commandArgs: string[];
  /** --ignore: finding ids (validated where the flag is parsed). */
  ignore?: FindingId[];
}

/** doctor and check read only the newest few log files, so they stay fast on hosts with weeks of logs. */
const MAX_LOG_FILES = 3;

export async function examine(snapshotOptions: SnapshotOptions, options: ExamineOptions): Promise<{ snapshot: Snapshot; diagnosis: Diagnosis }> {
  // Whether the gateway answers tells "down" from "refusing itself"; the demo state is no gateway's on this host.
  const snapshot = await takeSnapshot({ ...snapshotOptions, knockGateway: !snapshotOptions.demoDir });
  if (options.logs !== false) {
    // Loaded only when used: --no-logs never pays for the scanner.
    const { collectLogEvidence } = await import('../logs/index.js');
    snapshot.logEvidence = await collectLogEvidence({
      location: snapshot.location,
      logs: options.log,
      since: options.since,
      env: snapshotOptions.env,
      nowMs: snapshot.nowMs,
      maxFiles: MAX_LOG_FILES,
    });
  }
  const diagnosis = diagnose(snapshot, { commandArgs: options.commandArgs, ignore: options.ignore });
  if (snapshot.logEvidence) (await import('../logs/attach.js')).attachLogEvidence(diagnosis.findings, snapshot);
  return { snapshot, diagnosis };
}
