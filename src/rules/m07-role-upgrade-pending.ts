/** M07: a device approved for one role asks for another, or a hand-made record has no role at all. */
import type { Finding } from '../core/model.js';
import { describeMode, MODES } from '../explain/modes.js';
import { approveStep, DeviceLabel, logGroups, logLine, requestVsDevice, rolesOf } from './family.js';
import type { Rule } from './types.js';

export const roleUpgradePending: Rule = {
  id: 'role-upgrade-pending',
  description: describeMode('M07'),
  detect({ snapshot, host }) {
    const findings: Finding[] = [];
    for (const request of snapshot.store.pendingRequests) {
      const device = snapshot.store.devices.find((d) => d.deviceId === request.deviceId);
      if (!device) continue;
      const held = rolesOf(device);
      const asked = [...new Set([...(request.roles ?? []), ...(request.role ? [request.role] : [])])];
      const newRoles = asked.filter((r) => !held.includes(r));
      if (held.length === 0 || newRoles.length === 0) continue;
      findings.push({
        id: 'role-upgrade-pending',
        severity: 'warning',
        title: `${DeviceLabel(device, host?.deviceId)} asks for the role ${newRoles.join(', ')} it was not approved for`,
        impact: 'That client is refused with "pairing required" (role-upgrade) until someone approves it.',
        explanation: `${MODES.M07.why} A node role lets the gateway run commands on that node; approve only a device you recognise.`,
        deviceId: device.deviceId,
        evidence: requestVsDevice(request, device),
        fix: { automatic: false, steps: [approveStep(request, device)] },
      });
    }
    for (const device of snapshot.store.devices) {
      if (device.role || device.roles) continue;
      findings.push({
        id: 'role-upgrade-pending',
        severity: 'warning',
        title: `${DeviceLabel(device, host?.deviceId)} has no role or roles (a hand-made record)`,
        explanation: 'Every connect from it is a role upgrade that needs approval. Re-pair the device rather than adding roles by hand: a role is a grant.',
        deviceId: device.deviceId,
        evidence: ['paired record without role/roles'],
        fix: { automatic: false, steps: ['Re-pair that device (openclaw devices remove <id> after listing, then connect it again and approve it).'] },
      });
    }
    const logs = logGroups(snapshot, 'access-upgrade').filter((g) => g.reason === 'role-upgrade');
    if (findings.length === 0 && logs.length) {
      findings.push({
        id: 'role-upgrade-pending',
        severity: 'warning',
        title: 'The gateway log shows role-upgrade refusals',
        explanation: MODES.M07.why,
        evidence: logs.map(logLine),
        fix: { automatic: false, steps: [MODES.M07.next] },
      });
    }
    return findings;
  },
};
