/** M05: local clients reach the gateway over a LAN/container/tailnet address, so the gateway treats them as remote. */
import type { Finding } from '../core/model.js';
import { describeMode, MODES } from '../explain/modes.js';
import { isLoopbackIp, logGroups, logLine } from './family.js';
import { shortId } from './text.js';
import type { Rule } from './types.js';

const WIDE_BINDS = new Set(['lan', 'tailnet', 'custom']);

export const notLoopback: Rule = {
  id: 'internal-call-not-loopback',
  description: describeMode('M05'),
  detect({ snapshot, host }) {
    const { config, store } = snapshot;
    const evidence: string[] = [];
    if (config.bind && WIDE_BINDS.has(config.bind)) evidence.push(`openclaw.json gateway.bind: "${config.bind}"`);
    if (host?.remoteIp && !isLoopbackIp(host.remoteIp)) evidence.push(`this host's device ${shortId(host.deviceId)} was paired from ${host.remoteIp}`);
    for (const r of store.pendingRequests) {
      if (r.remoteIp && !isLoopbackIp(r.remoteIp) && (r.deviceId === host?.deviceId || r.clientId === 'gateway-client' || r.clientId === 'cli')) {
        evidence.push(`pending ${r.requestId} from ${r.clientId ?? '?'} at ${r.remoteIp} (not silent)`);
      }
    }
    const closes = logGroups(snapshot, 'pairing-close').filter((g) => /remote=(?!127\.|::1|\[::1\])[\d.:a-f[\]]+/i.test(g.sample));
    evidence.push(...closes.map(logLine));
    if (evidence.length === 0) return [];
    const finding: Finding = {
      id: 'internal-call-not-loopback',
      severity: host?.remoteIp || closes.length ? 'error' : 'warning',
      title: 'Clients on this host reach the gateway over a non-loopback address and are treated as remote',
      impact: 'Pairings and scope upgrades from them are never approved silently: internal calls and the CLI loop on "pairing required" (`Source: local lan <ip>`).',
      explanation: MODES.M05.why,
      deviceId: host?.deviceId,
      evidence,
      fix: {
        automatic: false,
        steps: [
          'Make the gateway\'s own clients and the CLI use loopback: on the same host or container set OPENCLAW_GATEWAY_URL=ws://127.0.0.1:' + config.port + ' (or gateway.remote.url) for them; keeping the gateway reachable on the LAN is fine.',
          'Then approve once from inside the gateway host/container: openclaw devices list, then openclaw devices approve <requestId> (Docker: docker exec <gateway container> openclaw devices approve <requestId>).',
          'openclaw-fix does not change gateway.bind, and disabling device auth (allowInsecureAuth, dangerouslyDisableDeviceAuth) is not a fix.',
        ],
      },
    };
    return [finding];
  },
};
