/**
 * M08: this host's cached device token (identity/device-auth.json; on the SQLite store its device_auth_tokens
 * row) no longer matches the paired record (compared by digest).
 */
import type { Finding } from '../core/model.js';
import { localAuth } from '../core/clients.js';
import { describeMode, MODES } from '../explain/modes.js';
import { logGroups, logLine } from './family.js';
import { shortId } from './text.js';
import type { Rule } from './types.js';

export const deviceTokenMismatch: Rule = {
  id: 'device-token-mismatch',
  description: describeMode('M08'),
  detect({ snapshot, host }) {
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
