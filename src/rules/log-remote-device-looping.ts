/** From logs alone: a device other than this host keeps asking for an upgrade the gateway will not approve by itself. */
import { unsatisfiedScopes } from '../core/knowledge.js';
import type { Finding, LogGroup } from '../core/model.js';
import { describeGroup } from '../logs/describe.js';
import { scopeList, shortId } from './text.js';
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
      const who = [top.client && `client ${top.client}`, top.ip && top.ip !== 'unknown-ip' && `from ${top.ip}`].filter(Boolean).join(' ');
      findings.push({
        id: 'log-remote-device-looping',
        severity: 'warning',
        title: `Another device (${shortId(deviceId)}${who ? `, ${who}` : ''}) is refused again and again: its ${top.reason ?? 'upgrade'} waits for an approval`,
        impact: `${top.feature ?? 'That client'} keeps failing with "pairing required" (${list.reduce((n, g) => n + g.count, 0)} refusals in the logs).`,
        explanation:
          `The gateway logs show device ${shortId(deviceId)} asking for ${scopeList(asked)}${top.scopesFrom ? ` while it holds ${scopeList(top.scopesFrom)}` : ''}. ` +
          'Upgrades of other devices (remote clients, apps, the Control UI, device-token auth) are never approved by the gateway on its own: each retry files or refreshes a pending request and is closed with 1008. ' +
          'Approve the request if you recognise the device, or re-pair it; openclaw-fix changes another device only when you name it (`openclaw-fix rotate --device <id>`).',
        deviceId,
        evidence: [`paired ${shortId(deviceId)}: scopes ${scopeList(held)}${device.remoteIp ? `, remoteIp ${device.remoteIp}` : ''}`],
        logEvidence: list.map((g) => describeGroup(g, snapshot.nowMs)),
        fix: {
          automatic: false,
          steps: [
            'On this host: `openclaw devices list` and check the pending request of this device (client, IP, scopes asked).',
            `If you recognise it: \`openclaw devices approve ${top.requestId ?? '<requestId>'}\` (a request is refreshed on each retry; take the newest id).`,
            'If not: `openclaw devices reject <requestId>` and find what is connecting with that identity.',
          ],
        },
      });
    }
    return findings;
  },
};
