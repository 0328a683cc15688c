/** Sentences for another device refused again and again (src/rules/log-remote-device-looping.ts decides). */
import type { WordingTable } from './types.js';
import { scopeList, shellQuote, shortId } from './words.js';

export const logRemoteWording: WordingTable<'log-remote-device-looping'> = {
  'log-remote-device-looping': (a) => {
    const { top } = a;
    const who = [top.client && `client ${top.client}`, top.ip && top.ip !== 'unknown-ip' && `from ${top.ip}`].filter(Boolean).join(' ');
    return {
      title: `Another device (${shortId(a.deviceId)}${who ? `, ${who}` : ''}) is refused again and again: its ${top.reason ?? 'upgrade'} waits for an approval`,
      impact: `${top.feature ?? 'That client'} keeps failing with "pairing required" (${a.refusals} refusals in the logs).`,
      explanation:
        `The gateway logs show device ${shortId(a.deviceId)} asking for ${scopeList(a.asked)}${top.scopesFrom ? ` while it holds ${scopeList(top.scopesFrom)}` : ''}. ` +
        'Upgrades of other devices (remote clients, apps, the Control UI, device-token auth) are never approved by the gateway on its own: each retry files or refreshes a pending request and is closed with 1008. ' +
        'Approve the request if you recognise the device, or re-pair it; openclaw-fix changes another device only when you name it (`openclaw-fix rotate --device <id>`).',
      evidence: [`paired ${shortId(a.deviceId)}: scopes ${scopeList(a.held)}${a.remoteIp ? `, remoteIp ${a.remoteIp}` : ''}`],
      fix: {
        automatic: false,
        steps: [
          'On this host: `openclaw devices list` and check the pending request of this device (client, IP, scopes asked).',
          `If you recognise it: \`openclaw devices approve ${top.requestId === undefined ? '<requestId>' : shellQuote(top.requestId)}\` (a request is refreshed on each retry; take the newest id).`,
          'If not: `openclaw devices reject <requestId>` and find what is connecting with that identity.',
        ],
      },
    };
  },
};
