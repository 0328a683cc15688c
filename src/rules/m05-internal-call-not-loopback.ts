/** M05: local clients reach the gateway over a LAN/container/tailnet address, so the gateway treats them as remote. */
import { describeMode } from '../explain/modes.js';
import { isLoopbackIp, logGroups } from './family.js';
import type { Rule } from './types.js';

const WIDE_BINDS = new Set(['lan', 'tailnet', 'custom']);

export const notLoopback: Rule = {
  id: 'internal-call-not-loopback',
  description: describeMode('M05'),
  detect({ snapshot, host }) {
    const { config, store } = snapshot;
    const bind = config.bind && WIDE_BINDS.has(config.bind) ? config.bind : undefined;
    const pairedFrom = host?.remoteIp && !isLoopbackIp(host.remoteIp) ? host : undefined;
    const requests = store.pendingRequests.filter(
      (r) => r.remoteIp && !isLoopbackIp(r.remoteIp) && (r.deviceId === host?.deviceId || r.clientId === 'gateway-client' || r.clientId === 'cli'),
    );
    const closes = logGroups(snapshot, 'pairing-close').filter((g) => /remote=(?!127\.|::1|\[::1\])[\d.:a-f[\]]+/i.test(g.sample));
    if (!bind && !pairedFrom && requests.length === 0 && closes.length === 0) return [];
    return [
      {
        id: 'internal-call-not-loopback',
        severity: host?.remoteIp || closes.length ? 'error' : 'warning',
        deviceId: host?.deviceId,
        args: { port: config.port, bind, host: pairedFrom, requests, logs: closes },
      },
    ];
  },
};
