/** A repair (isRepair) request for a paired device: the trace the loop leaves behind. */
import { unsatisfiedScopes } from '../core/knowledge.js';
import { connectBaseline } from '../core/clients.js';
import type { Finding } from '../core/model.js';
import type { Rule } from './types.js';

const PENDING_TTL_MS = 5 * 60 * 1000;

export const pendingRepairRequest: Rule = {
  id: 'pending-repair-request',
  description: 'A pending repair request shows a device asking for more than it holds',
  detect({ snapshot, host }) {
    const findings: Finding[] = [];
    const { release } = snapshot;
    for (const request of snapshot.store.pendingRequests) {
      if (!request.isRepair) continue;
      const device = snapshot.store.devices.find((d) => d.deviceId === request.deviceId);
      if (!device) continue;
      const isHost = device.deviceId === host?.deviceId;
      const asked = request.scopes ?? [];
      const stillMissing = unsatisfiedScopes(release.scopeRule, connectBaseline(release, device), asked);
      const keyMatches = !request.publicKey || !device.publicKey || request.publicKey === device.publicKey;
      const ts = request.refreshedAtMs ?? request.ts;
      const age = ts !== undefined ? snapshot.nowMs - ts : undefined;
      const expired = age !== undefined && age > PENDING_TTL_MS;
      const stale = stillMissing.length === 0;
      // A fresh, unsatisfied request of another device is that device being refused right now (each retry
      // refreshes it); the host's own refusals are already errors of M01/M03, so it stays a warning there.
      const activeLoop = !stale && !expired && !isHost && keyMatches;
      findings.push({
        id: 'pending-repair-request',
        severity: activeLoop ? 'error' : 'warning',
        deviceId: device.deviceId,
        args: {
          request,
          deviceId: device.deviceId,
          isHost,
          deviceScopes: device.scopes,
          stillMissing,
          keyMatches,
          ageMs: age,
          expired,
          // On 2.19 and 2.21 the next internal call asks for the other scope and files a new request (#23006).
          approvalKeepsLooping: release.id === '2.19' || release.id === '2.21',
        },
      });
    }
    return findings;
  },
};
