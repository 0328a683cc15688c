/**
 * The logs beat the table: the gateway logged a scope-upgrade refusal of this host's own client that the
 * prediction says cannot happen (it predicts the client skips pairing or is approved silently). Reported as an
 * error and the evidence wins: the table is wrong for this install, so doctor never calls it healthy.
 * (A refusal for scopes the store already grants is log-loop-after-fix: another store, not another rule.)
 */
import { SCOPE } from '../core/knowledge.js';
import type { ClientKind, ClientVerdict, Finding, LogGroup } from '../core/model.js';
import { describeGroup } from '../logs/describe.js';
import { when } from '../logs/evidence.js';
import { scopeList, versionLabel } from './text.js';
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
        severity: 'error' as const,
        title: `The gateway refused this host's ${g.client} ${g.count} time${g.count === 1 ? '' : 's'}, which the prediction for ${versionLabel(snapshot.version.version)} says cannot happen: trusting the log`,
        impact: `${g.feature ?? 'These calls'} fail with "pairing required"${lastMs !== undefined ? ` (last ${when(lastMs, snapshot.nowMs)})` : ''}, whatever the prediction says.`,
        explanation:
          `Predicted for ${predicted.clientId}/${predicted.clientMode} (${predicted.method}): allowed, because ${predicted.explanation}. ` +
          `The gateway logged the opposite: a scope-upgrade request for ${scopeList(g.scopesTo)} from a device holding ${scopeList(g.scopesFrom)}, i.e. a refusal. ` +
          `The knowledge table (row ${snapshot.release.id}) is wrong for this install; the finding stands on the log. Grant the asked scopes (openclaw-fix rotate --scope ...) or approve the request, and please report the release.`,
        deviceId: host,
        evidence: [describeGroup(g, snapshot.nowMs), `prediction: ${predicted.client} allowed (${predicted.reason})`],
        logEvidence: [describeGroup(g, snapshot.nowMs)],
        fix: {
          automatic: false,
          steps: [`\`openclaw devices approve <requestId>\` for the request above, or grant ${scopeList(g.scopesTo)} to this host's device.`],
        },
      });
    }
    return findings;
  },
};
