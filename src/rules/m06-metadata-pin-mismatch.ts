/** M06: a paired device's platform/deviceFamily changed; the gateway asks for re-approval (metadata pinning). */
import type { Finding } from '../core/model.js';
import { describeMode } from '../explain/modes.js';
import { logGroups, onFile } from './family.js';
import type { Rule } from './types.js';

export const metadataPinMismatch: Rule = {
  id: 'metadata-pin-mismatch',
  description: describeMode('M06'),
  detect({ snapshot, host }) {
    if (!snapshot.release.metadataPinning) return [];
    const findings: Finding[] = [];
    const logs = logGroups(snapshot, 'metadata-upgrade');
    for (const request of snapshot.store.pendingRequests) {
      const device = snapshot.store.devices.find((d) => d.deviceId === request.deviceId);
      if (!device) continue;
      const platformChanged = request.platform !== undefined && device.platform !== undefined && request.platform !== device.platform;
      const familyChanged = request.deviceFamily !== undefined && device.deviceFamily !== undefined && request.deviceFamily !== device.deviceFamily;
      if (!platformChanged && !familyChanged) continue;
      findings.push({
        id: 'metadata-pin-mismatch',
        severity: 'warning',
        deviceId: device.deviceId,
        args: { kind: 'request', target: { device, isHost: device.deviceId === host?.deviceId }, platformChanged, request: onFile(request, device), logs },
      });
    }
    if (findings.length === 0 && logs.length) findings.push({ id: 'metadata-pin-mismatch', severity: 'warning', args: { kind: 'logs-only', logs } });
    return findings;
  },
};
