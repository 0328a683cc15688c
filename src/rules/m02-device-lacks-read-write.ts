/** M02: a device other than the host, paired with an old/narrow bundle, lacks read/write on this release. */
import { SCOPE, unsatisfiedScopes } from '../core/knowledge.js';
import { connectBaseline } from '../core/clients.js';
import type { DeviceRecord, Finding, PendingRequest } from '../core/model.js';
import { describeMode } from '../explain/modes.js';
import { logGroups, NONE, onFile, requestsByDevice, rolesOf, sameList } from './family.js';
import type { Rule } from './types.js';

const UI_CLIENTS = /control-ui|webchat|tui|^ui$/i;
const READ_WRITE: readonly string[] = [SCOPE.read, SCOPE.write];

export const deviceLacksReadWrite: Rule = {
  id: 'device-lacks-read-write',
  description: describeMode('M02'),
  detect({ snapshot, host }) {
    const { release } = snapshot;
    // Devices with nothing pending are grouped when there are many: a fleet of 10,000 narrow devices is one
    // finding to read, not 10,000 (the full list is in --json devices[]). So the per-device findings are
    // written only once the count is known: most of a large fleet never needs its own.
    type Narrow = { device: DeviceRecord; held: string[]; missing: string[]; requests: readonly PendingRequest[] };
    const narrow: Narrow[] = [];
    const quiet: Narrow[] = [];
    const uiLogs = logGroups(snapshot, 'access-upgrade', 'missing-scope').filter((g) => UI_CLIENTS.test(g.client ?? '') || /chat\.history/.test(g.sample));
    const pendingOf = requestsByDevice(snapshot.store.pendingRequests);
    // A fleet's devices mostly hold the same list: the previous device's answer is reused when its list is equal.
    let lastHeld: string[] = [];
    let lastMissing: string[] = [];
    for (const device of snapshot.store.devices) {
      if (device.deviceId === host?.deviceId) continue; // the host is M01/M03's
      const roles = rolesOf(device);
      if (roles.length > 0 && !roles.includes('operator')) continue;
      const held = connectBaseline(release, device);
      if (held.length === 0) continue;
      const missing = sameList(held, lastHeld) ? lastMissing : unsatisfiedScopes(release.scopeRule, held, READ_WRITE);
      lastHeld = held;
      lastMissing = missing;
      if (missing.length === 0) continue;
      const entry: Narrow = { device, held, missing, requests: (pendingOf.size > 0 && pendingOf.get(device.deviceId)) || NONE };
      if (entry.requests.length === 0) quiet.push(entry);
      narrow.push(entry);
    }
    const grouped = quiet.length > GROUP_ABOVE;
    const findings: Finding[] = [];
    for (const { device, held, missing, requests } of narrow) {
      if (grouped && requests.length === 0) continue;
      findings.push({
        id: 'device-lacks-read-write',
        severity: 'warning',
        deviceId: device.deviceId,
        args: {
          kind: 'device',
          target: { device, isHost: false },
          held,
          missing,
          release,
          ui: UI_CLIENTS.test(`${device.clientId ?? ''} ${device.clientMode ?? ''} ${device.displayName ?? ''}`),
          requests: requests.map((r) => onFile(r, device)),
          logs: uiLogs,
        },
      });
    }
    if (!grouped) return findings;
    const missingAny = new Set<string>();
    for (let i = 0; i < quiet.length; i++) if (quiet[i]!.missing !== quiet[i - 1]?.missing) for (const scope of quiet[i]!.missing) missingAny.add(scope);
    findings.push({
      id: 'device-lacks-read-write',
      severity: 'warning',
      args: { kind: 'group', release, missing: [...missingAny].sort(), devices: quiet.map((q) => ({ deviceId: q.device.deviceId, missing: q.missing })) },
    });
    return findings;
  },
};

const GROUP_ABOVE = 5;
