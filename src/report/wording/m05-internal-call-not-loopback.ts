/** M05's sentences: this host's clients reach the gateway as remote (src/rules/m05-internal-call-not-loopback.ts decides). */
import { MODES } from '../../explain/modes.js';
import type { WordingTable } from './types.js';
import { logLine, shortId } from './words.js';

export const m05Wording: WordingTable<'internal-call-not-loopback'> = {
  'internal-call-not-loopback': (a) => ({
    title: 'Clients on this host reach the gateway over a non-loopback address and are treated as remote',
    impact: 'Pairings and scope upgrades from them are never approved silently: internal calls and the CLI loop on "pairing required" (`Source: local lan <ip>`).',
    explanation: MODES.M05.why,
    evidence: [
      ...(a.bind ? [`openclaw.json gateway.bind: "${a.bind}"`] : []),
      ...(a.host ? [`this host's device ${shortId(a.host.deviceId)} was paired from ${a.host.remoteIp}`] : []),
      ...a.requests.map((r) => `pending ${r.requestId} from ${r.clientId ?? '?'} at ${r.remoteIp} (not silent)`),
      ...a.logs.map(logLine),
    ],
    fix: {
      automatic: false,
      steps: [
        'Make the gateway\'s own clients and the CLI use loopback: on the same host or container set OPENCLAW_GATEWAY_URL=ws://127.0.0.1:' + a.port + ' (or gateway.remote.url) for them; keeping the gateway reachable on the LAN is fine.',
        'Then approve once from inside the gateway host/container: openclaw devices list, then openclaw devices approve <requestId> (Docker: docker exec <gateway container> openclaw devices approve <requestId>).',
        'openclaw-fix does not change gateway.bind, and disabling device auth (allowInsecureAuth, dangerouslyDisableDeviceAuth) is not a fix.',
      ],
    },
  }),
};
