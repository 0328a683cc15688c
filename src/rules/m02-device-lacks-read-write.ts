/** M02: a device other than the host, paired with an old/narrow bundle, lacks read/write on this release. */
import { SCOPE, unsatisfiedScopes } from '../core/knowledge.js';
import { connectBaseline } from '../core/clients.js';
import type { DeviceRecord, Finding, PendingRequest } from '../core/model.js';
import { describeMode, MODES } from '../explain/modes.js';
import { approveStep, DeviceLabel, logGroups, logLine, NONE, requestsByDevice, requestVsDevice, rolesOf, sameList } from './family.js';
import { scopeList, ruleWording } from './text.js';
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
      const ui = UI_CLIENTS.test(`${device.clientId ?? ''} ${device.clientMode ?? ''} ${device.displayName ?? ''}`);
      findings.push({
        id: 'device-lacks-read-write',
        severity: 'warning',
        title: `${DeviceLabel(device, host?.deviceId)} lacks ${scopeList(missing)}`,
        impact: ui
          ? 'That client gets "missing scope: operator.read" on every page, or loops on "pairing required" for write then read.'
          : 'Every read/write call from that client loops on "pairing required".',
        explanation:
          `It holds ${scopeList(held)}, and this release ${ruleWording(release)}. ${MODES.M02.why}` +
          (release.controlUiAsksNarrow && ui ? ' On this release the Control UI bundle itself asks for too little, so a re-pair alone brings the narrow set back.' : '') +
          (device.remoteIp ? ` It connected from ${device.remoteIp}: widen it only if you confirm it is yours.` : ''),
        deviceId: device.deviceId,
        evidence: [...requests.flatMap((r) => requestVsDevice(r, device)), ...uiLogs.map(logLine)],
        fix: {
          automatic: false,
          steps: [
            ...requests.map((r) => approveStep(r, device)),
            MODES.M02.next,
          ],
        },
      });
    }
    if (!grouped) return findings;
    const missingAny = new Set<string>();
    for (let i = 0; i < quiet.length; i++) if (quiet[i]!.missing !== quiet[i - 1]?.missing) for (const scope of quiet[i]!.missing) missingAny.add(scope);
    const missing = [...missingAny].sort();
    findings.push({
      id: 'device-lacks-read-write',
      severity: 'warning',
      title: `${quiet.length} paired devices lack ${scopeList(missing)}`,
      impact: 'Every read/write call from those clients loops on "pairing required" (or "missing scope: operator.read" in the Control UI).',
      explanation: `They hold older or narrower scope sets, and this release ${ruleWording(release)}. ${MODES.M02.why}`,
      evidence: [
        ...quiet.slice(0, GROUP_SHOWN).map((q) => `${q.device.deviceId} lacks ${scopeList(q.missing)}`),
        ...(quiet.length > GROUP_SHOWN ? [`... and ${quiet.length - GROUP_SHOWN} more (all of them: doctor --json, devices[])`] : []),
      ],
      fix: { automatic: false, steps: [MODES.M02.next] },
    });
    return findings;
  },
};

const GROUP_ABOVE = 5;
const GROUP_SHOWN = 10;
