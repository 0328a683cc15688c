/** Human rendering of a diagnosis: verdict first, then each problem as what breaks / why / device / fix. */
import { printable } from '../report/escape.js';
import type { Diagnosis } from '../core/diagnose.js';
import { isLoop, modeOf } from '../core/findings.js';
import type { Finding, Snapshot } from '../core/model.js';
import { renderFinding as inWords } from './render.js';
import { verdictExplanation } from './wording/clients.js';
import { shortId } from './wording/words.js';
import { wrap, type Output } from './output.js';
import type { Report, StreamReporter } from './report.js';


const MARK = { error: '✗', warning: '!', info: 'i' } as const;

function renderHeader(o: Output, snapshot: Snapshot, command: 'doctor' | 'check' = 'doctor'): void {
  const c = o.out;
  const v = snapshot.version;
  const versionText = v.version
    ? `OpenClaw ${v.version} ${c.dim(`(${v.source === 'flag' ? '--openclaw-version' : v.source === 'demo' ? 'demo state' : v.where ?? v.source})`)}`
    : `OpenClaw version ${c.yellow('unknown')} ${c.dim('(judged by the strictest rules)')}`;
  const { store } = snapshot;
  const storeText =
    store.paired.status === 'ok'
      ? `${printable(store.path)} ${c.dim(`(${store.devices.length} device${store.devices.length === 1 ? '' : 's'}, ${store.pendingRequests.length} pending request${store.pendingRequests.length === 1 ? '' : 's'})`)}`
      : `${printable(store.path)} ${c.dim(`(${store.paired.status})`)}`;
  o.print(c.bold(`openclaw-fix ${command}`) + (snapshot.location.demo ? c.cyan('  [demo state]') : ''));
  o.print(`  ${c.dim('version')}  ${versionText}`);
  o.print(`  ${c.dim('state  ')}  ${printable(snapshot.location.stateDir)} ${c.dim(`(${snapshot.location.source})`)}`);
  o.print(`  ${c.dim('store  ')}  ${storeText}`);
  const hostId = snapshot.identity.deviceId;
  if (snapshot.gatewayRunning !== undefined) {
    const where = `127.0.0.1:${snapshot.config.port}`;
    o.print(`  ${c.dim('gateway')}  ${snapshot.gatewayRunning ? `running ${c.dim(`(answers on ${where})`)}` : `not answering on ${where}`}`);
  }
  o.print(`  ${c.dim('host   ')}  ${hostId ? `${shortId(hostId)} ${c.dim(snapshot.store.kind === 'sqlite' ? '(SQLite device_identities)' : '(identity/device.json)')}` : c.dim(`no identity (${snapshot.identity.file.status})`)}`);
  o.print();
}

export function verdictLine(o: Output, diagnosis: Diagnosis): string {
  const c = o.out;
  const { error, warning } = diagnosis.summary;
  if (error === 0 && warning === 0) return c.green('✓ Healthy: no device will be refused.');
  const parts = [
    error ? c.red(`${error} problem${error === 1 ? '' : 's'}`) : '',
    warning ? c.yellow(`${warning} warning${warning === 1 ? '' : 's'}`) : '',
  ].filter(Boolean);
  const loop = diagnosis.findings.some((f) => f.severity === 'error' && isLoop(f.id));
  const unverified = diagnosis.findings.some((f) => f.id === 'release-unverified');
  if (unverified && error === 1) {
    return `${c.yellow('?')} Unverified for this release: nothing below was measured on it, so it is not called healthy${warning ? ` (${c.yellow(`${warning} warning${warning === 1 ? '' : 's'}`)})` : ''}.`;
  }
  return `${error ? c.red('✗') : c.yellow('!')} ${parts.join(', ')}${loop ? ': this install is looping on "pairing required"' : ''}`;
}

function renderFinding(o: Output, data: Finding, snapshot: Snapshot, options: Report): void {
  const c = o.out;
  const finding = inWords(data, options.diagnosis.commandArgs);
  const color = finding.severity === 'error' ? c.red : finding.severity === 'warning' ? c.yellow : c.cyan;
  const mode = modeOf(finding.id);
  const tag = c.dim(`[${finding.id}${mode ? ` · ${mode}` : ''}]`);
  const width = o.width;
  const indent = '    ';
  const label = (name: string) => c.bold(name.padEnd(10));
  o.print(`${color(`${MARK[finding.severity]} ${finding.severity.toUpperCase()}`)}  ${c.bold(wrap(finding.title, width - 12, indent))} ${tag}`);
  if (finding.severity === 'info' && !options.verbose) {
    o.print(`${indent}${wrap(finding.explanation, width, indent)}`);
    o.print();
    return;
  }
  if (finding.impact) o.print(`${indent}${label('Breaks')}${wrap(finding.impact, width - 10, indent + ' '.repeat(10))}`);
  o.print(`${indent}${label('Why')}${wrap(finding.explanation, width - 10, indent + ' '.repeat(10))}`);
  if (finding.deviceId) {
    const isHost = finding.deviceId === snapshot.identity.deviceId;
    o.print(`${indent}${label('Device')}${printable(shortId(finding.deviceId))}${isHost ? c.dim(' (this host)') : ''}`);
    o.print(`${indent}${' '.repeat(10)}${c.dim(printable(finding.deviceId))}`);
  }
  if (finding.logEvidence?.length) {
    const pad = indent + ' '.repeat(10);
    o.print(`${indent}${label('Logs')}${finding.logEvidence.map((e, i) => (i ? pad : '') + c.dim(wrap(e, width - 10, pad))).join('\n')}`);
  }
  if (options.verbose && finding.evidence.length) {
    o.print(`${indent}${label('Evidence')}${finding.evidence.map((e, i) => (i ? `${indent}${' '.repeat(10)}` : '') + c.dim(printable(e))).join('\n')}`);
  }
  const fix = finding.fix;
  if (fix) {
    if (fix.command) o.print(`${indent}${label('Fix')}${c.green(printable(fix.command))}`);
    (fix.steps ?? []).forEach((step, i) => {
      o.print(`${indent}${label(fix.command || i > 0 ? '' : 'Fix')}${wrap(step, width - 10, indent + ' '.repeat(10))}`);
    });
    if (fix.alternative) o.print(`${indent}${label('Or')}${wrap(fix.alternative, width - 10, indent + ' '.repeat(10))}`);
  }
  o.print();
}

function renderClients(o: Output, diagnosis: Diagnosis): void {
  const c = o.out;
  o.print(c.bold('What the gateway does when this host connects:'));
  for (const client of diagnosis.clients) {
    const ok = client.verdict === 'allowed';
    const who = printable(`${client.clientId} ${client.method}`).padEnd(30);
    const asks = `asks ${client.requests.join(', ')}`;
    const verdict = ok ? c.green('allowed') : client.healsOnRetry ? c.yellow('refused once, then let in') : c.red('refused');
    o.print(`  ${ok ? c.green('✓') : client.healsOnRetry ? c.yellow('!') : c.red('✗')} ${who} ${verdict} ${c.dim(printable(`(${client.reason})`))}`);
    o.print(`      ${c.dim(wrap(`${asks}: ${verdictExplanation(client.why)}`, o.width - 6, '      '))}`);
  }
  o.print();
}

/** doctor's report as text: the header and verdict, each finding, then what each local client gets. */
export const renderDoctor = ((o: Output, report: Report): void => {
  const { snapshot, diagnosis } = report;
  const options = report;
  const shown = diagnosis.findings.filter((f) => (options.quiet ? f.severity !== 'info' : true));
  if (options.quiet) {
    for (const f of shown) renderFinding(o, f, snapshot, options);
    return;
  }
  renderHeader(o, snapshot, options.command);
  o.print(verdictLine(o, diagnosis));
  o.print();
  for (const f of shown) renderFinding(o, f, snapshot, options);
  renderClients(o, diagnosis);
  const tail = diagnosis.summary.error || diagnosis.summary.warning ? 'Nothing was changed.' : '';
  o.print(o.out.dim([tail, options.verbose ? '' : 'Run with --verbose for the evidence, --json for machines.'].filter(Boolean).join(' ')));
}) satisfies StreamReporter;
