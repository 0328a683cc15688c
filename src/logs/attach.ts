/**
 * Doctor's link between findings (from files) and log groups (what is happening): each finding about
 * a device gets the lines that show that device being refused, e.g.
 * "2x scope-upgrade asks write (holds admin,approvals,pairing) client=gateway-client, every 15 s since 23:31, last 23:31:53, openclaw-2026-11-23.log".
 */
import type { Finding, LogGroup, Snapshot } from '../core/model.js';

/** Kinds that show a device refused at connect. */
const DEVICE_LOOP_KINDS = new Set(['access-upgrade', 'metadata-upgrade', 'pairing-close', 'token-mismatch']);
/** Findings about one client of the host device: only that client's lines are evidence. */
const CLIENT_OF_FINDING: Record<string, string> = {
  'service-device-missing-write': 'gateway-client',
  'service-device-missing-read': 'cli',
  'cli-admin-refused': 'cli',
};
const MAX_LINES = 4;

function sameDevice(a: string, b: string): boolean {
  // Pasted logs abbreviate ids (`bd129ab6...`); a prefix of 8+ hex is the same device.
  return a === b || (a.length >= 8 && b.startsWith(a)) || (b.length >= 8 && a.startsWith(b));
}

export function groupsForFinding(finding: Finding, groups: readonly LogGroup[]): LogGroup[] {
  if (!finding.deviceId || finding.severity === 'info') return [];
  const client = CLIENT_OF_FINDING[finding.id];
  return groups.filter(
    (g) =>
      DEVICE_LOOP_KINDS.has(g.kind) &&
      g.deviceId !== undefined &&
      sameDevice(g.deviceId, finding.deviceId!) &&
      // Pairing closes carry no client, so a client-specific finding takes the audit lines only.
      (!client || g.client === client),
  );
}

/** Adds the log groups that confirm them to the findings (at most a few each). Findings are changed in place. */
export function attachLogEvidence(findings: Finding[], snapshot: Snapshot): void {
  const evidence = snapshot.logEvidence;
  if (!evidence) return;
  // Findings come errors first: each log group backs the most severe finding it fits, once.
  const used = new Set<LogGroup>();
  for (const finding of findings) {
    if (finding.logs) continue;
    const groups = groupsForFinding(finding, evidence.groups).filter((g) => !used.has(g));
    for (const g of groups) used.add(g);
    if (groups.length === 0) continue;
    finding.logs = { groups: groups.slice(0, MAX_LINES), nowMs: snapshot.nowMs, ...(groups.length > MAX_LINES ? { more: groups.length - MAX_LINES } : {}) };
  }
}
