/**
 * M08: this host's cached device token (identity/device-auth.json; on the SQLite store its device_auth_tokens
 * row) no longer matches the paired record (compared by digest).
 */
import type { ClientVerdict, Finding } from '../core/model.js';
import { localAuth } from '../core/clients.js';
import { describeMode, MODES } from '../explain/modes.js';
import { logGroups, logLine } from './family.js';
import { shortId } from './text.js';
import type { Rule } from './types.js';

export const deviceTokenMismatch: Rule = {
  id: 'device-token-mismatch',
  description: describeMode('M08'),
  detect({ snapshot, host, clients }) {
    const { deviceAuth, identity } = snapshot;
    const evidence: string[] = [];
    if (deviceAuth.file.status === 'ok') {
      if (deviceAuth.deviceId && identity.deviceId && deviceAuth.deviceId !== identity.deviceId) {
        evidence.push(`identity/device-auth.json is for device ${shortId(deviceAuth.deviceId)}, identity/device.json is ${shortId(identity.deviceId)}`);
      } else if (host) {
        for (const cached of deviceAuth.tokens) {
          const paired = host.tokens.find((t) => t.role === cached.role);
          if (!paired || !cached.digest || !paired.digest) continue;
          if (paired.digest !== cached.digest) evidence.push(`tokens.${cached.role}: cached digest ${cached.digest} differs from the paired digest ${paired.digest}`);
          if (paired.revokedAtMs) evidence.push(`tokens.${cached.role} is revoked in the store`);
        }
      }
    }
    const logs = logGroups(snapshot, 'token-mismatch');
    evidence.push(...logs.map(logLine));
    const once = clients.filter((c) => c.healsOnRetry);
    if (evidence.length === 0 && once.length > 0) return [refusedOnce(once, host?.deviceId ?? identity.deviceId)];
    if (evidence.length === 0) return [];
    const shared = localAuth(snapshot) !== 'device-token';
    const sqlite = snapshot.store.kind === 'sqlite';
    const sharedStep = sqlite
      ? `Stop the gateway, delete only this host's stale row from the device_auth_tokens table of ${snapshot.store.path} (device_id ${shortId(host?.deviceId ?? identity.deviceId ?? '')}, the role above; the client re-caches it from the next hello-ok), start it. Or run openclaw-fix rotate --new-token: one new value in the paired record's tokens_json and in device_auth_tokens, in one transaction. Never copy a token value out of tokens_json.`
      : 'Stop the gateway, remove only the stale role entry under "tokens" in identity/device-auth.json (the client re-caches it from the next hello-ok), start it. Never copy a token value from paired.json.';
    const finding: Finding = {
      id: 'device-token-mismatch',
      severity: shared && logs.length === 0 ? 'warning' : 'error',
      title: "This host's cached device token does not match the device store",
      impact: 'Clients that log in with the device token are refused: "unauthorized: device token mismatch (rotate/reissue device token)".',
      explanation:
        MODES.M08.why +
        (shared ? ' A shared gateway token is configured, so the local CLI can authenticate with it; the stale cached copy is what trips device-token logins.' : ''),
      deviceId: host?.deviceId ?? identity.deviceId,
      evidence,
      fix: {
        automatic: false,
        steps: shared
          ? [sharedStep]
          : ['Re-pair this client, or have an admin device run `openclaw devices rotate` and deliver the new token to it.'],
      },
    };
    return [finding];
  },
};

/**
 * 1.x: the host's cached device token is its own but approved for less than its clients ask, and a shared token is
 * configured. Each client's next connect is refused once, then it drops the cached token, signs in with the shared
 * token and is approved silently (measured on 2026.1.30: every such refusal was let in on the retry). Not a loop.
 */
function refusedOnce(clients: readonly ClientVerdict[], deviceId: string | undefined): Finding {
  return {
    id: 'device-token-mismatch',
    severity: 'warning',
    title: "This host's next gateway connect is refused once: its cached device token is approved for less than the clients ask",
    impact: 'The next CLI command, cron delivery or health check fails once with "unauthorized: gateway token mismatch"; the attempt after it works. Nothing loops.',
    explanation:
      'On this release the client presents the device token it cached in identity/device-auth.json before the shared token, and the gateway checks that token\'s scopes first. ' +
      'It is refused, the client drops the cached token, and its next connect uses the shared token: the gateway approves the local upgrade by itself (widening the device to what the client asks, operator.admin included on this release) and caches a token that covers it.',
    deviceId,
    evidence: clients.map((c) => `${c.clientId}/${c.clientMode} ${c.method} asks ${c.requests.join(', ')} -> refused once (${c.reason}), let in on the retry`),
    fix: {
      automatic: false,
      steps: ['Nothing to repair. To take the one failure now rather than on a cron delivery: run `openclaw devices list` twice (the first is refused, the second re-pairs and caches a token that covers the CLI bundle).'],
    },
  };
}
