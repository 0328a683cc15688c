/**
 * Findings are data; this turns one into the sentences every format prints (title, impact, explanation,
 * evidence, fix). The sentence for finding X is in src/report/wording/, in the module named like X's rule file.
 */
import type { FindingId, FixCommand, ModeId } from '../core/findings.js';
import type { Finding, FindingLogs, Severity } from '../core/model.js';
import { describeGroup } from '../logs/describe.js';
import type { WordedFix, WordingOf } from './wording/types.js';
import { WORDING } from './wording/index.js';
import { shellQuote } from './wording/words.js';

interface Fix {
  /** The command to copy. */
  command?: string;
  /** The official OpenClaw alternative, when there is one. */
  alternative?: string;
  /** Plain-language steps when no single command fits. */
  steps?: string[];
  /** openclaw-fix rotate can apply it. */
  automatic: boolean;
}

/** A finding as the reporters print it. */
export interface RenderedFinding {
  id: FindingId;
  mode?: ModeId | null;
  severity: Severity;
  title: string;
  impact?: string;
  explanation: string;
  deviceId?: string;
  file?: string;
  evidence: string[];
  logEvidence?: string[];
  fix?: Fix;
}

/** `openclaw-fix <subcommand> <its arguments> <the location flags this run used>`, ready to copy. */
export function commandLine(command: FixCommand, locationArgs: readonly string[]): string {
  const words = command.map((w) => (typeof w === 'string' ? shellQuote(w) : `<${w.placeholder}>`));
  return ['openclaw-fix', ...words, ...locationArgs.map(shellQuote)].join(' ');
}

function renderFix(fix: WordedFix, locationArgs: readonly string[]): Fix {
  const { command } = fix;
  // Spreading keeps the wording's key order: --json prints the fix object as it comes.
  return { ...fix, command: command === undefined ? undefined : 'shell' in command ? command.shell : commandLine(command, locationArgs) };
}

/** One line per log group, as `openclaw-fix logs` describes them. */
function logLines(logs: FindingLogs): string[] {
  const lines = logs.groups.map((g) => describeGroup(g, logs.nowMs));
  if (logs.more) lines.push(`... and ${logs.more} more (openclaw-fix logs)`);
  return lines;
}

/** The finding in words; `locationArgs` are the flags that located the state (Diagnosis.commandArgs). */
export function renderFinding(finding: Finding, locationArgs: readonly string[]): RenderedFinding {
  // The table is indexed by the finding's own id, so its args are the ones this wording takes.
  const word = WORDING[finding.id] as WordingOf<FindingId>;
  const w = word(finding.args as never, { command: (c) => commandLine(c, locationArgs) });
  const { args: _args, logs, ...facts } = finding;
  return {
    ...facts,
    ...(logs ? { logEvidence: logLines(logs) } : {}),
    title: w.title,
    ...(w.impact !== undefined ? { impact: w.impact } : {}),
    explanation: w.explanation,
    evidence: w.evidence,
    ...(w.fix ? { fix: renderFix(w.fix, locationArgs) } : {}),
  };
}
