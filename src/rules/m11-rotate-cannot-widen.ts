/** M11: a rotated token carries scopes the connect baseline lacks: on 2.21+ rotate no longer widens the device. */
import { unsatisfiedScopes } from '../core/knowledge.js';
import { connectBaseline } from '../core/clients.js';
import type { Finding } from '../core/model.js';
import { describeMode } from '../explain/modes.js';
import { logGroups } from './family.js';
import type { Rule } from './types.js';

export const rotateCannotWiden: Rule = {
  id: 'rotate-cannot-widen',
  description: describeMode('M11'),
  detect({ snapshot, host }) {
    const { release } = snapshot;
    if (release.rotateWidensScopes) return [];
    const findings: Finding[] = [];
    for (const device of snapshot.store.devices) {
      const held = connectBaseline(release, device);
      for (const token of device.tokens) {
        if (!token.rotatedAtMs || token.revokedAtMs || !token.scopes) continue;
        const beyond = unsatisfiedScopes(release.scopeRule, held, token.scopes);
        if (beyond.length === 0) continue;
        const isHost = device.deviceId === host?.deviceId;
        findings.push({
          id: 'rotate-cannot-widen',
          severity: 'warning',
          deviceId: device.deviceId,
          args: {
            target: { device, isHost },
            role: token.role,
            tokenScopes: token.scopes,
            beyond,
            held,
            logs: logGroups(snapshot, 'token-rotated'),
            // openclaw-fix widens the host's device itself; another device is approved by its owner.
            command: isHost ? ['rotate'] : undefined,
          },
        });
      }
    }
    return findings;
  },
};
