/** M12: several pending requests for one device, or requests past their 5-minute life: the id you copy goes stale. */
import type { Finding } from '../core/model.js';
import { describeMode } from '../explain/modes.js';
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
        deviceId,
        args: { deviceId, requests, nowMs: snapshot.nowMs, requestIdChurn: snapshot.release.requestIdChurn },
      });
    }
    return findings;
  },
};
