/**
 * M08: this host's cached device token (identity/device-auth.json; on the SQLite store its device_auth_tokens
 * row) no longer matches the paired record (compared by digest).
 */
import type { FindingArgs } from '../core/findings.js';
import { cachedTokenStale, localAuth } from '../core/clients.js';
import { describeMode } from '../explain/modes.js';
import { logGroups } from './family.js';
import type { Rule } from './types.js';

/** The facts of a cached token that no longer matches the paired record. */
type Stale = Extract<FindingArgs['device-token-mismatch'], { kind: 'stale' }>;

export const deviceTokenMismatch: Rule = {
  id: 'device-token-mismatch',
  description: describeMode('M08'),
  detect({ snapshot, host, clients }) {
    const { deviceAuth, identity } = snapshot;
    let otherDevice: Stale['otherDevice'];
    const tokens: Stale['tokens'] = [];
    const unloadable = deviceAuth.file.status === 'ok' ? deviceAuth.unloadable : undefined;
    if (deviceAuth.file.status === 'ok' && !unloadable) {
      if (deviceAuth.deviceId !== undefined && identity.deviceId && deviceAuth.deviceId !== identity.deviceId) {
        otherDevice = { cached: deviceAuth.deviceId, identity: identity.deviceId };
      } else if (host) {
        for (const cached of deviceAuth.tokens) {
          const paired = host.tokens.find((t) => t.role === cached.role);
          // A cached token the record no longer holds at all is as stale as one with another value.
          if (!cached.digest || !cachedTokenStale(cached, paired)) continue;
          tokens.push({ role: cached.role, cached: cached.digest, paired: paired?.digest ?? '(none)', revoked: Boolean(paired?.revokedAtMs) });
        }
      }
    }
    const logs = logGroups(snapshot, 'token-mismatch');
    const deviceId = host?.deviceId ?? identity.deviceId;
    if (tokens.length === 0 && logs.length === 0) {
      // A client loads a cached token only when the file names its own device (read in 1.30, 2.19, 4.29, 7.35), so
      // another device's file is never presented and refuses nothing (measured on 1.30, 2.19 and 7.35:
      // test/e2e/device-auth-other-device.e2e.test.ts). Said, as the leftover of a replaced identity; not a problem.
      if (otherDevice) return [{ id: 'device-token-mismatch', severity: 'info', deviceId, args: { kind: 'other-device', ...otherDevice } }];
      // The same for a file not in the shape the client loads at all (no version 1, no device id, no tokens object).
      if (unloadable) return [{ id: 'device-token-mismatch', severity: 'info', deviceId, args: { kind: 'unloadable', problem: unloadable } }];
      // 1.x: the host's own cached token, approved for less than its clients ask, with a shared token configured.
      // Each client's next connect is refused once, then it drops the cached token, signs in with the shared token
      // and is approved silently (measured on 2026.1.30: every such refusal was let in on the retry). Not a loop.
      const once = clients.filter((c) => c.healsOnRetry);
      return once.length > 0 ? [{ id: 'device-token-mismatch', severity: 'warning', deviceId, args: { kind: 'refused-once', clients: once } }] : [];
    }
    const shared = localAuth(snapshot) !== 'device-token';
    const healsOnRetry = clients.some((c) => c.healsOnRetry);
    return [
      {
        id: 'device-token-mismatch',
        severity: shared && logs.length === 0 ? 'warning' : 'error',
        deviceId,
        args: { kind: 'stale', otherDevice, tokens, logs, shared, ...(healsOnRetry ? { healsOnRetry } : {}), sqlite: snapshot.store.kind === 'sqlite', storePath: snapshot.store.path, deviceId },
      },
    ];
  },
};
