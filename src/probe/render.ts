/** Text rendering of a probe: predicted and real verdict side by side, then what it did to the store. */
import type { Output } from '../report/output.js';
import type { ProbeReport } from './probe.js';
import { predictedText, realText, type ClientComparison, type RealVerdict } from './verdict.js';

export function renderProbe(o: Output, report: ProbeReport, rows: ClientComparison[], verdict: RealVerdict): void {
  const c = o.out;
  if (!report.ran && report.clients.length === 0) {
    o.print(c.yellow(`! cannot probe: ${report.cannot}`));
    o.print();
    return;
  }
  o.print(c.bold(`What the gateway answered (probe, OpenClaw ${report.release?.version ?? '?'}'s own client, ${(report.ms / 1000).toFixed(1)} s):`));
  const width = Math.max(10, ...rows.map((r) => (r.predicted ? predictedText(r.predicted) : '?').length));
  o.print(`  ${c.dim('client'.padEnd(30))} ${c.dim('predicted'.padEnd(width))} ${c.dim('gateway')}`);
  // The client's token cache is one file: once a connect got its cached token refused and dropped, the connects
  // after it go with the shared token from the start.
  const dropper = report.clients.find((r) => r.firstRefusal);
  const afterDrop = (r: ClientComparison['real']) =>
    dropper && r && r !== dropper && !r.firstRefusal && report.clients.indexOf(r) > report.clients.indexOf(dropper) ? ` (the cached device token was already dropped after the ${dropper.client} connect's refusal)` : '';
  for (const row of rows) {
    const real = row.real;
    const who = `${real?.clientId ?? ''} ${row.client}`.padEnd(30);
    const predicted = (row.predicted ? predictedText(row.predicted) : '?').padEnd(width);
    const answer = real ? `${realText(real)}${afterDrop(real)}${row.sameAs ? ` (the ${row.sameAs} connect: this release's CLI asks the same scopes for every command)` : ''}` : `not probed: ${row.notProbed}`;
    const once = real?.outcome === 'accepted' && real.firstRefusal;
    const mark = row.agree === false ? c.red('≠') : once ? c.yellow('!') : real?.outcome === 'accepted' ? c.green('✓') : real?.outcome === 'refused' ? c.red('✗') : c.yellow('?');
    const ms = real ? c.dim(` ${real.ms} ms`) : '';
    const paint = once ? c.yellow : real?.outcome === 'accepted' ? c.green : real ? c.red : c.yellow;
    o.print(`  ${mark} ${who} ${predicted} ${paint(answer)}${row.sameAs ? '' : ms}`);
  }
  const verdictText = verdict === 'accepted' ? c.green('accepted') : verdict === 'refused' ? c.red('refused') : c.yellow('unknown');
  o.print(`  real verdict: ${verdictText}${report.cannot ? c.yellow(` (cannot probe: ${report.cannot})`) : ''}`);
  const { created, removed, kept, problem } = report.requests;
  if (created.length) {
    o.print(`  pending requests the probe's refused connects created: ${created.join(', ')}`);
    if (removed.length) o.print(`  ${c.dim(`removed again: ${removed.join(', ')}`)}`);
    if (kept.length) o.print(`  ${c.yellow(`left in the store${problem ? ` (${problem})` : ' (--keep-requests)'}: ${kept.join(', ')}`)}`);
  } else o.print(`  ${c.dim('no pending request was created')}`);
  for (const change of report.storeChanges) o.print(`  ${c.yellow(`! the gateway changed the store: ${change}`)}`);
  o.print();
}
