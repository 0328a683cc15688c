/** Renderings of a diagnosis for CI systems and monitoring: GitHub annotations, JUnit XML, Prometheus text. */
import type { Diagnosis } from '../core/diagnose.js';
import type { Finding, Severity, Snapshot } from '../core/model.js';

/** GitHub workflow commands: data is escaped so a message can never inject another command. */
function ghData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
function ghProperty(text: string): string {
  return ghData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

const GH_LEVEL: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice' };

export function githubAnnotations(findings: readonly Finding[]): string[] {
  return findings.map((f) => {
    const fix = f.fix?.command ? ` Fix: ${f.fix.command}` : '';
    const props = [`title=${ghProperty(`openclaw-fix ${f.id}${f.mode ? ` (${f.mode})` : ''}`)}`];
    if (f.file) props.push(`file=${ghProperty(f.file)}`);
    return `::${GH_LEVEL[f.severity]} ${props.join(',')}::${ghData(`${f.title}. ${f.explanation}${fix}`)}`;
  });
}

function xml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    // XML 1.0 forbids most control characters even when escaped.
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
}

/** One test case per rule that ran; a rule with error (or, with failOn=warning, warning) findings fails. */
export function junitXml(ruleIds: readonly string[], diagnosis: Diagnosis, failOn: Severity, elapsedSeconds: number): string {
  const failing = (f: Finding) => f.severity === 'error' || (failOn === 'warning' && f.severity === 'warning');
  const ids = [...new Set([...ruleIds, ...diagnosis.findings.map((f) => f.id)])];
  const cases = ids.map((id) => {
    const mine = diagnosis.findings.filter((f) => f.id === id && f.severity !== 'info');
    const failures = mine.filter(failing);
    const body = failures
      .map((f) => `      <failure type="${f.severity}" message="${xml(f.title)}">${xml([f.explanation, ...f.evidence, f.fix?.command ? `Fix: ${f.fix.command}` : ''].filter(Boolean).join('\n'))}</failure>`)
      .join('\n');
    const notes = mine.filter((f) => !failing(f)).map((f) => `${f.severity}: ${f.title}`);
    const out = notes.length ? `\n      <system-out>${xml(notes.join('\n'))}</system-out>` : '';
    return `    <testcase classname="openclaw-fix" name="${xml(id)}">${body ? `\n${body}` : ''}${out}${body || out ? '\n    ' : ''}</testcase>`;
  });
  const failures = ids.filter((id) => diagnosis.findings.some((f) => f.id === id && failing(f))).length;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="openclaw-fix check" tests="${ids.length}" failures="${failures}" errors="0" time="${elapsedSeconds.toFixed(3)}">`,
    `  <testsuite name="openclaw-fix" tests="${ids.length}" failures="${failures}" errors="0" time="${elapsedSeconds.toFixed(3)}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

function label(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

export interface PrometheusInput {
  ruleIds: readonly string[];
  diagnosis: Diagnosis;
  snapshot: Snapshot;
  nowMs: number;
  lastRepairMs?: number;
  exitCode: number;
  /** check --probe: what the gateway itself answered per client (absent without --probe). */
  probe?: { ran: boolean; clients: Array<{ client: string; outcome: string; refusal: string | null; ms: number }>; agreeing: Record<string, boolean | null> };
}

/** node_exporter textfile-collector metrics. Every rule reports a status so an alert can fire on any of them. */
export function prometheusText(input: PrometheusInput): string {
  const { diagnosis, snapshot } = input;
  const state = label(snapshot.location.stateDir);
  const version = label(snapshot.version.version ?? 'unknown');
  const lines: string[] = [];
  const metric = (name: string, help: string, type: 'gauge', samples: [string, number][]) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) lines.push(`${name}{${labels}} ${value}`);
  };
  const base = `state_dir="${state}"`;
  metric('openclaw_fix_healthy', '1 when no device will be refused (exit code 0).', 'gauge', [[`${base},openclaw_version="${version}"`, input.exitCode === 0 ? 1 : 0]]);
  metric(
    'openclaw_fix_findings',
    'Number of findings by severity.',
    'gauge',
    (['error', 'warning', 'info'] as const).map((s) => [`${base},severity="${s}"`, diagnosis.summary[s]]),
  );
  const ids = [...new Set([...input.ruleIds, ...diagnosis.findings.map((f) => f.id)])];
  metric(
    'openclaw_fix_rule_status',
    '1 when the rule found an error or warning, 0 when it passed.',
    'gauge',
    ids.map((id) => [`${base},rule="${label(id)}"`, diagnosis.findings.some((f) => f.id === id && f.severity !== 'info') ? 1 : 0]),
  );
  metric(
    'openclaw_fix_finding',
    'One sample per finding, by rule, severity and device.',
    'gauge',
    diagnosis.findings
      .filter((f) => f.severity !== 'info')
      .map((f) => [`${base},rule="${label(f.id)}",severity="${f.severity}",device="${label(f.deviceId ?? '')}"`, 1]),
  );
  metric(
    'openclaw_fix_client_allowed',
    '1 when the gateway would accept this local client, 0 when it would refuse it.',
    'gauge',
    diagnosis.clients.map((c) => [`${base},client="${c.client}",reason="${label(c.reason)}"`, c.verdict === 'allowed' ? 1 : 0]),
  );
  if (input.probe) {
    const p = input.probe;
    metric('openclaw_fix_probe_ran', '1 when --probe asked the gateway and every connect got an answer.', 'gauge', [[base, p.ran ? 1 : 0]]);
    metric(
      'openclaw_fix_probe_client_accepted',
      "1 when the gateway accepted this local client's real connect (--probe), 0 when it refused it.",
      'gauge',
      p.clients.filter((c) => c.outcome !== 'cannot').map((c) => [`${base},client="${label(c.client)}",refusal="${label(c.refusal ?? '')}"`, c.outcome === 'accepted' ? 1 : 0]),
    );
    metric(
      'openclaw_fix_probe_agrees',
      "1 when the prediction (openclaw_fix_client_allowed) matches the gateway's answer, 0 when the knowledge is wrong here.",
      'gauge',
      Object.entries(p.agreeing)
        .filter(([, v]) => v !== null)
        .map(([client, v]) => [`${base},client="${label(client)}"`, v ? 1 : 0]),
    );
    metric('openclaw_fix_probe_connect_seconds', 'How long each real connect took.', 'gauge', p.clients.map((c) => [`${base},client="${label(c.client)}"`, c.ms / 1000]));
  }
  metric('openclaw_fix_last_check_timestamp_seconds', 'When this check ran.', 'gauge', [[base, Math.floor(input.nowMs / 1000)]]);
  if (input.lastRepairMs !== undefined) {
    metric('openclaw_fix_last_repair_timestamp_seconds', 'When openclaw-fix last changed the device store.', 'gauge', [[base, Math.floor(input.lastRepairMs / 1000)]]);
  }
  return `${lines.join('\n')}\n`;
}
