/** check --format prometheus / --textfile-dir: node_exporter textfile-collector metrics. */
import type { DocumentReporter } from './report.js';

function label(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

/** node_exporter textfile-collector metrics. Every rule reports a status so an alert can fire on any of them. */
export const prometheusText: DocumentReporter = (input) => {
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
};
