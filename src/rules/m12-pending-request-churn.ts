/** M12: several pending requests for one device, or requests past their 5-minute life: the id you copy goes stale. */
import type { Finding } from '../core/model.js';
import { describeMode, MODES } from '../explain/modes.js';
import { ageText, shortId } from './text.js';
import type { Rule } from './types.js';

const PENDING_TTL_MS = 5 * 60 * 1000;

export const pendingRequestChurn: Rule = {
  id: 'pending-request-churn',
  description: describeMode('M12'),
  detect({ snapshot }) {
    const byDevice = new Map<string, typeof snapshot.store.pendingRequests>();
    for (const r of snapshot.store.pendingRequests) byDevice.set(r.deviceId, [...(byDevice.get(r.deviceId) ?? []), r]);
    const findings: Finding[] = [];
    for (const [deviceId, requests] of byDevice) {
      const expired = requests.filter((r) => {
        const ts = r.refreshedAtMs ?? r.ts;
        return ts !== undefined && snapshot.nowMs - ts > PENDING_TTL_MS;
      });
      if (requests.length < 2 && expired.length === 0) continue;
      findings.push({
        id: 'pending-request-churn',
        severity: requests.length > 1 ? 'warning' : 'info',
        title:
          requests.length > 1
            ? `Device ${shortId(deviceId)} has ${requests.length} pending requests: approving a copied id may hit "unknown requestId"`
            : `The pending request for device ${shortId(deviceId)} is older than 5 minutes and will be pruned`,
        explanation:
          MODES.M12.why + (snapshot.release.requestIdChurn ? ' On this release every re-request supersedes the previous one with a new requestId.' : ''),
        deviceId,
        evidence: requests.map((r) => {
          const ts = r.refreshedAtMs ?? r.ts;
          return `${r.requestId}: ${r.clientId ?? '?'}/${r.clientMode ?? '?'}${ts !== undefined ? `, ${ageText(snapshot.nowMs - ts)}` : ''}`;
        }),
        fix: { automatic: false, steps: [MODES.M12.next] },
      });
    }
    return findings;
  },
};
