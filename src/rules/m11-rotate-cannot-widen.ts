/** M11: a rotated token carries scopes the connect baseline lacks: on 2.21+ rotate no longer widens the device. */
import { unsatisfiedScopes } from '../core/knowledge.js';
import { connectBaseline } from '../core/clients.js';
import type { Finding } from '../core/model.js';
import { describeMode, MODES } from '../explain/modes.js';
import { deviceLabel, logGroups, logLine } from './family.js';
import { scopeList } from './text.js';
import type { Rule } from './types.js';

export const rotateCannotWiden: Rule = {
  id: 'rotate-cannot-widen',
  description: describeMode('M11'),
  detect({ snapshot, host, command }) {
    const { release } = snapshot;
    if (release.rotateWidensScopes) return [];
    const findings: Finding[] = [];
    for (const device of snapshot.store.devices) {
      const held = connectBaseline(release, device);
      for (const token of device.tokens) {
        if (!token.rotatedAtMs || token.revokedAtMs || !token.scopes) continue;
        const beyond = unsatisfiedScopes(release.scopeRule, held, token.scopes);
        if (beyond.length === 0) continue;
        findings.push({
          id: 'rotate-cannot-widen',
          severity: 'warning',
          title: `A rotation gave ${deviceLabel(device, host?.deviceId)} a token with ${scopeList(beyond)}, but the device itself still lacks them`,
          impact: 'The loop stays: the connect check reads the device scopes, not the token.',
          explanation: MODES.M11.why,
          deviceId: device.deviceId,
          evidence: [`tokens.${token.role}.scopes (rotated): ${scopeList(token.scopes)}`, `connect baseline: ${scopeList(held)}`, ...logGroups(snapshot, 'token-rotated').map(logLine)],
          fix: {
            command: device.deviceId === host?.deviceId ? command('rotate') : undefined,
            automatic: device.deviceId === host?.deviceId,
            steps: [MODES.M11.next],
          },
        });
      }
    }
    return findings;
  },
};
