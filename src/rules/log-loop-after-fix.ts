/**
 * From logs: the gateway still refuses a device for scopes that this store already grants, after the
 * store last changed. The gateway re-reads the store on every connect, so it is reading another one.
 */
import { unsatisfiedScopes } from '../core/knowledge.js';
import type { Finding } from '../core/model.js';
import type { Rule } from './types.js';

export const logLoopAfterFix: Rule = {
  id: 'log-loop-after-fix',
  description: 'Scope-upgrade refusals logged after the store changed, for scopes the store already grants',
  detect({ snapshot }) {
    const changedMs = snapshot.store.paired.stat?.mtimeMs;
    if (changedMs === undefined) return [];
    const findings: Finding[] = [];
    for (const g of snapshot.logEvidence?.groups ?? []) {
      if (g.kind !== 'access-upgrade' || g.reason !== 'scope-upgrade' || !g.deviceId || !g.lastAt || !g.scopesTo?.length) continue;
      const lastMs = Date.parse(g.lastAt);
      if (!(lastMs > changedMs)) continue;
      const device = snapshot.store.devices.find((d) => d.deviceId === g.deviceId);
      if (!device) continue;
      const held = device.scopes ?? device.approvedScopes ?? [];
      if (unsatisfiedScopes(snapshot.release.scopeRule, held, g.scopesTo).length > 0) continue;
      const isHost = g.deviceId === snapshot.identity.deviceId;
      findings.push({
        id: 'log-loop-after-fix',
        severity: 'error',
        deviceId: g.deviceId,
        args: { group: g, isHost, lastMs, changedMs, nowMs: snapshot.nowMs, storePath: snapshot.store.path, held },
        logs: { groups: [g], nowMs: snapshot.nowMs },
      });
    }
    return findings;
  },
};
