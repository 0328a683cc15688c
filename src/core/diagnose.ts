/** Pure: runs every rule over a snapshot. A rule that throws becomes one finding; it never hides the others. */
import { RULES } from '../rules/index.js';
import type { Rule } from '../rules/types.js';
import { hostDevice, predictClients } from './clients.js';
import { modeOf, type FindingId } from './findings.js';
import type { ClientVerdict, Finding, Severity, Snapshot } from './model.js';

export interface Diagnosis {
  findings: Finding[];
  clients: ClientVerdict[];
  summary: Record<Severity, number>;
  /** Location flags of this run (e.g. ['--state-dir', '/srv/oc']): reporters repeat them in fix commands. */
  commandArgs: readonly string[];
}

const ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export interface DiagnoseOptions {
  /** Location flags to repeat in fix commands, e.g. ['--state-dir', '/srv/oc']. */
  commandArgs?: string[];
  /** Finding ids to leave out of the report (`--ignore`). */
  ignore?: readonly FindingId[];
  rules?: readonly Rule[];
}

export function diagnose(snapshot: Snapshot, options: DiagnoseOptions = {}): Diagnosis {
  const clients = predictClients(snapshot);
  const host = hostDevice(snapshot);
  const ignore = new Set<string>(options.ignore ?? []);
  const findings: Finding[] = [];
  for (const rule of options.rules ?? RULES) {
    try {
      // The mode is the registry's, whatever a rule says: one table decides which mode a finding is.
      for (const f of rule.detect({ snapshot, clients, host })) findings.push({ ...f, mode: modeOf(f.id) });
    } catch (error) {
      findings.push({
        id: 'internal-rule-error',
        mode: null,
        severity: 'warning',
        args: { rule: rule.id, message: error instanceof Error ? error.message : String(error) },
      });
    }
  }
  const kept = findings.filter((f) => !ignore.has(f.id)).sort((a, b) => ORDER[a.severity] - ORDER[b.severity]);
  const summary = { error: 0, warning: 0, info: 0 };
  for (const f of kept) summary[f.severity]++;
  return { findings: kept, clients, summary, commandArgs: options.commandArgs ?? [] };
}
