/** M06: a paired device's platform/deviceFamily changed; the gateway asks for re-approval (metadata pinning). */
import type { Finding } from '../core/model.js';
import { describeMode, MODES } from '../explain/modes.js';
import { approveStep, DeviceLabel, logGroups, logLine, requestVsDevice, sameKeyPair } from './family.js';
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
      const same = sameKeyPair(request, device);
      findings.push({
        id: 'metadata-pin-mismatch',
        severity: 'warning',
        title: `${DeviceLabel(device, host?.deviceId)} now reports ${platformChanged ? `platform "${request.platform}" (pinned "${device.platform}")` : `deviceFamily "${request.deviceFamily}" (pinned "${device.deviceFamily}")`}`,
        impact: 'That client is refused with "pairing required: device identity changed and must be re-approved" and reconnects in a storm.',
        explanation:
          MODES.M06.why +
          (same ? ' The request carries the same deviceId and publicKey as the paired record, so it is the same key pair.' : ' Its publicKey does NOT match the paired record: this is not a metadata change, do not approve it.'),
        deviceId: device.deviceId,
        evidence: [...requestVsDevice(request, device), ...logs.map(logLine)],
        fix: { automatic: false, steps: [approveStep(request, device), 'If a client keeps sending a different platform string (two clients sharing one identity), fix that client, or the approval flips back.'] },
      });
    }
    if (findings.length === 0 && logs.length) {
      findings.push({
        id: 'metadata-pin-mismatch',
        severity: 'warning',
        title: 'The gateway log shows metadata-upgrade refusals',
        explanation: MODES.M06.why,
        evidence: logs.map(logLine),
        fix: { automatic: false, steps: [MODES.M06.next] },
      });
    }
    return findings;
  },
};
