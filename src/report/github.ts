/** check --format github: one workflow command per finding, then a summary line. */
import { modeOf } from '../core/findings.js';
import type { Severity } from '../core/model.js';
import { printable } from './escape.js';
import { renderFinding, type RenderedFinding } from './render.js';
import type { CheckReport, StreamReporter } from './report.js';

/** GitHub workflow commands: data is escaped so a message can never inject another command. */
function ghData(text: string): string {
  // A device id or display name in a title carries whatever a remote client chose: ESC, C1 and bidi codes are
  // shown, never written to the CI log raw (CR and LF are shown too, before GitHub's own escaping sees them).
  return printable(text).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
function ghProperty(text: string): string {
  return ghData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

const GH_LEVEL: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice' };

function annotation(f: RenderedFinding): string {
  const fix = f.fix?.command ? ` Fix: ${f.fix.command}` : '';
  const mode = modeOf(f.id);
  const props = [`title=${ghProperty(`openclaw-fix ${f.id}${mode ? ` (${mode})` : ''}`)}`];
  // The file the finding is about (Finding.file), never one guessed from its wording.
  if (f.file) props.push(`file=${ghProperty(f.file)}`);
  return `::${GH_LEVEL[f.severity]} ${props.join(',')}::${ghData(`${f.title}. ${f.explanation}${fix}`)}`;
}

export const renderGithub: StreamReporter = (o, report: CheckReport) => {
  const { diagnosis, exitCode, quiet, probe } = report;
  for (const f of diagnosis.findings) if (f.severity !== 'info' || !quiet) o.printWorkflowCommand(annotation(renderFinding(f, diagnosis.commandArgs)));
  if (quiet) return;
  o.print(exitCode === 0 ? 'openclaw-fix check: healthy' : `openclaw-fix check: ${diagnosis.summary.error} error(s), ${diagnosis.summary.warning} warning(s)`);
  if (probe) o.print(`openclaw-fix check: predicted ${probe.verdict.predicted}, gateway ${probe.verdict.real}${probe.cannot ? ` (cannot probe: ${probe.cannot})` : ''}`);
};
