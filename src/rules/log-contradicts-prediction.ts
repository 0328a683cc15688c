/**
 * The logs beat the table: the gateway logged a scope-upgrade refusal of this host's own client that the
 * prediction says cannot happen (it predicts the client skips pairing or is approved silently). Reported as an
 * error and the evidence wins: the table is wrong for this install, so doctor never calls it healthy.
 * (A refusal for scopes the store already grants is log-loop-after-fix: another store, not another rule.)
 */
import { SCOPE } from '../core/knowledge.js';
import type { ClientKind, ClientVerdict, Finding, LogGroup } from '../core/model.js';
import type { Rule } from './types.js';

/** Which predicted client a logged refusal belongs to: the gateway's own client by what it asked, or a CLI command class. */
function clientForGroup(g: LogGroup): ClientKind | undefined {
  const asked = g.scopesTo ?? [];
  if (g.client === 'gateway-client') return asked.includes(SCOPE.write) || asked.includes(SCOPE.admin) ? 'internal-write' : 'internal-read';
  if (g.client === 'cli') {
    if (asked.length > 1) return 'cli';
    if (asked.includes(SCOPE.admin)) return 'cli-admin';
    if (asked.includes(SCOPE.write)) return 'cli-write';
    if (asked.includes(SCOPE.read)) return 'cli-read';
    return 'cli';
  }
  return undefined;
}

export const logContradictsPrediction: Rule = {
  id: 'log-contradicts-prediction',
  description: "The gateway's log shows a refusal of this host's client that the prediction says cannot happen",
  detect({ snapshot, clients }) {
    const host = snapshot.identity.deviceId;
    if (!host) return [];
    const groups = snapshot.logEvidence?.groups ?? [];
    const changedMs = snapshot.store.paired.stat?.mtimeMs;
    const approvedAt = Math.max(0, ...groups.filter((g) => g.kind === 'auto-approved' && g.deviceId === host && g.lastAt).map((g) => Date.parse(g.lastAt!)));
    const seen = new Set<string>();
    const findings: Finding[] = [];
    for (const g of groups) {
      if (g.kind !== 'access-upgrade' || g.reason !== 'scope-upgrade' || g.deviceId !== host) continue;
      const lastMs = g.lastAt ? Date.parse(g.lastAt) : undefined;
      // Older than the store's last change: it judged another state. Followed by a silent approval: not a refusal.
      if (lastMs !== undefined && changedMs !== undefined && lastMs < changedMs) continue;
      if (lastMs !== undefined && approvedAt >= lastMs) continue;
      const kind = clientForGroup(g);
      const predicted: ClientVerdict | undefined = clients.find((c) => c.client === kind);
      if (!kind || !predicted || predicted.verdict !== 'allowed' || predicted.reason === 'paired' || seen.has(kind)) continue;
      seen.add(kind);
      findings.push({
        id: 'log-contradicts-prediction',
        severity: 'error',
        deviceId: host,
        args: { version: snapshot.version.version, release: snapshot.release, group: g, lastMs, nowMs: snapshot.nowMs, predicted },
        logs: { groups: [g], nowMs: snapshot.nowMs },
      });
    }
    return findings;
  },
};
