/** M07: a device approved for one role asks for another, or a hand-made record has no role at all. */
import type { Finding } from '../core/model.js';
import { describeMode } from '../explain/modes.js';
import { logGroups, onFile, rolesOf } from './family.js';
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
        deviceId: device.deviceId,
        args: { kind: 'request', target: { device, isHost: device.deviceId === host?.deviceId }, newRoles, request: onFile(request, device) },
      });
    }
    for (const device of snapshot.store.devices) {
      if (device.role || device.roles) continue;
      findings.push({ id: 'role-upgrade-pending', severity: 'warning', deviceId: device.deviceId, args: { kind: 'no-role', target: { device, isHost: device.deviceId === host?.deviceId } } });
    }
    const logs = logGroups(snapshot, 'access-upgrade').filter((g) => g.reason === 'role-upgrade');
    if (findings.length === 0 && logs.length) findings.push({ id: 'role-upgrade-pending', severity: 'warning', args: { kind: 'logs-only', logs } });
    return findings;
  },
};
