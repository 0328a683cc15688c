/**
 * What every format of doctor's and check's report is rendered from, and the shapes a reporter has. A new
 * format is one module in src/report/ with one of these signatures; it reads findings by id (core/findings.ts),
 * never by their wording, and sends untrusted text only through Output (redaction and escaping happen there).
 */
import type { Diagnosis } from '../core/diagnose.js';
import type { FindingId } from '../core/findings.js';
import type { Severity, Snapshot } from '../core/model.js';
import type { Output } from './output.js';

/** doctor's report: what every format of it is rendered from. */
export interface Report {
  snapshot: Snapshot;
  diagnosis: Diagnosis;
  exitCode: number;
  /** The command whose report it is (check renders doctor's report in its own formats). */
  command?: 'doctor' | 'check';
  /** -v: the evidence behind each finding (text). */
  verbose?: boolean;
  /** -q: problems only. */
  quiet?: boolean;
}

/** check's report: doctor's, with what the CI formats also say. */
export interface CheckReport extends Report {
  /** The findings every CI format lists, passed or failed: the rules that ran (less --ignore). */
  ruleIds: readonly FindingId[];
  nowMs: number;
  /** check --fail-on (default error). */
  failOn?: Severity;
  elapsedSeconds?: number;
  /** When openclaw-fix last changed the store (Prometheus). */
  lastRepairMs?: number;
  /** check --probe: what the gateway itself answered per client (absent without --probe). */
  probe?: ProbeSummary;
}

export interface ProbeSummary {
  ran: boolean;
  clients: Array<{ client: string; outcome: string; refusal: string | null; ms: number }>;
  agreeing: Record<string, boolean | null>;
  verdict: { predicted: string; real: string };
  cannot?: string | null;
}

/** A document for a program or a file (JUnit XML, Prometheus text): the whole of it, as text. */
export type DocumentReporter = (report: CheckReport) => string;

/** A report printed as it goes, to a terminal or a CI log (text, GitHub workflow commands). */
export type StreamReporter = (o: Output, report: CheckReport) => void;

/** The --json document: a value Output.printJson writes (docs/json-schema.md). */
export type JsonReporter = (report: Report) => object;
