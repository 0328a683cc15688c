/** Snapshot + logs + diagnosis: what doctor and check both do, in one place. */
import { diagnose, type Diagnosis } from './diagnose.js';
import type { Snapshot } from './model.js';
import { takeSnapshot, type SnapshotOptions } from './snapshot.js';
import { portAnswers } from '../repair/service.js';
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
/** One loopback TCP connect to the configured port: cheap, bounded, and it tells "down" from "refusing itself". */
const GATEWAY_PROBE_TIMEOUT_MS = 300;

export async function examine(snapshotOptions: SnapshotOptions, options: ExamineOptions): Promise<{ snapshot: Snapshot; diagnosis: Diagnosis }> {
  const snapshot = await takeSnapshot(snapshotOptions);
  if (!snapshot.location.demo && !snapshot.config.portInvalid) snapshot.gatewayRunning = await portAnswers(snapshot.config.port, '127.0.0.1', GATEWAY_PROBE_TIMEOUT_MS);
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
