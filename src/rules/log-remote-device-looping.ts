/** From logs alone: a device other than this host keeps asking for an upgrade the gateway will not approve by itself. */
import { unsatisfiedScopes } from '../core/knowledge.js';
import type { Finding, LogGroup } from '../core/model.js';
import type { Rule } from './types.js';

const UPGRADE_KINDS = new Set(['access-upgrade', 'metadata-upgrade']);

export const logRemoteDeviceLooping: Rule = {
  id: 'log-remote-device-looping',
  description: 'The gateway logs show another device (not this host) refused again and again for an upgrade nobody approved',
  detect({ snapshot, host }) {
    const groups = (snapshot.logEvidence?.groups ?? []).filter(
      (g) => UPGRADE_KINDS.has(g.kind) && g.deviceId && g.deviceId !== host?.deviceId && g.deviceId !== snapshot.identity.deviceId && g.count >= 2,
    );
    const byDevice = new Map<string, LogGroup[]>();
    for (const g of groups) byDevice.set(g.deviceId!, [...(byDevice.get(g.deviceId!) ?? []), g]);
    const findings: Finding[] = [];
    for (const [deviceId, list] of byDevice) {
      const device = snapshot.store.devices.find((d) => d.deviceId === deviceId);
      // An upgrade is only ever asked by a PAIRED device. One this store does not hold belongs to another
      // gateway on this machine (every gateway writes /tmp/openclaw/openclaw-<date>.log): not ours to judge.
      if (!device) continue;
      const held = device.scopes ?? device.approvedScopes ?? [];
      const asked = [...new Set(list.flatMap((g) => g.scopesTo ?? []))];
      // The store already grants it: that is log-loop-after-fix's case, not an unapproved request.
      if (list.every((g) => g.kind === 'access-upgrade' && g.reason === 'scope-upgrade') && unsatisfiedScopes(snapshot.release.scopeRule, held, asked).length === 0) continue;
      const top = list.reduce((a, b) => (b.count > a.count ? b : a));
      findings.push({
        id: 'log-remote-device-looping',
        severity: 'warning',
        deviceId,
        args: { deviceId, top, refusals: list.reduce((n, g) => n + g.count, 0), asked, held, remoteIp: device.remoteIp },
        logs: { groups: list, nowMs: snapshot.nowMs },
      });
    }
    return findings;
  },
};
