/** M01, the seed: this host's device lacks a scope the gateway's own internal calls ask for. */
import { connectBaseline, isInternalClient, staleToken } from '../core/clients.js';
import type { FixCommand } from '../core/findings.js';
import { FEATURES_BY_SCOPE, SCOPE } from '../core/knowledge.js';
import { officialScopeFix } from './official-fix.js';
import type { Rule } from './types.js';

export const serviceDeviceMissingWrite: Rule = {
  id: 'service-device-missing-write',
  description: "The gateway's own internal calls (cron delivery, announce, sessions_spawn, health) are refused for this host's device",
  detect({ snapshot, clients, host }) {
    const internal = clients.filter((c) => isInternalClient(c.client));
    // A refusal the client recovers from on its next connect is not the loop; M08 reports it.
    const refused = internal.filter((c) => c.verdict === 'refused' && !c.healsOnRetry && !staleToken(c));
    const { release } = snapshot;
    const version = snapshot.version.version;
    const id = 'service-device-missing-write';
    if (refused.length === 0) {
      // Refused, but not for a scope (healing on the retry, or a stale cached token): M08's, and never "allowed".
      if (internal.some((c) => c.healsOnRetry || staleToken(c))) return [];
      // Say why a device that looks like the seed state is fine here, so users who read old advice are not misled.
      const held = host ? connectBaseline(release, host) : [];
      const lacksLiterally = host && (!held.includes(SCOPE.write) || !held.includes(SCOPE.read));
      if (internal.some((c) => c.reason === 'skips-pairing')) {
        return [{ id, severity: 'info', deviceId: host?.deviceId, args: { kind: 'skips-pairing', version } }];
      }
      if (lacksLiterally) {
        const autoApproved = internal.some((c) => c.reason === 'auto-approved');
        const lacks = !held.includes(SCOPE.write) ? SCOPE.write : SCOPE.read;
        return [{ id, severity: 'info', deviceId: host?.deviceId, args: { kind: 'allowed-without', version, release, held, lacks, autoApproved } }];
      }
      return [];
    }
    // Write first: its features (cron delivery, announce) are the ones users notice.
    const missing = [...new Set(refused.flatMap((c) => c.missing))].sort((a, b) => (a === SCOPE.write ? -1 : b === SCOPE.write ? 1 : a.localeCompare(b)));
    const device = host?.deviceId ?? snapshot.identity.deviceId;
    const held = host ? connectBaseline(release, host) : [];
    // Before 2.19 internal calls ask the CLI bundle, admin included: a bare rotate holds a never-held admin back and
    // would leave this finding standing, so the fix names it (a new grant is only made when named).
    const everHeld = new Set([...(host?.scopes ?? []), ...(host?.approvedScopes ?? []), ...(host?.tokens.flatMap((t) => t.scopes ?? []) ?? [])]);
    const escalation = missing.includes(SCOPE.admin) && !everHeld.has(SCOPE.admin);
    const command: FixCommand = escalation ? ['rotate', '--scope', SCOPE.admin] : ['rotate'];
    return [
      {
        id,
        severity: 'error',
        deviceId: device,
        args: {
          kind: 'refused',
          version,
          release,
          reason: refused[0]!.reason,
          refused,
          missing,
          // What breaks follows from which call is refused, not from the scope it asks: before 2.19 both ask the CLI
          // bundle (admin, approvals, pairing), which names no feature of its own.
          features: [...new Set(refused.flatMap((c) => FEATURES_BY_SCOPE[c.client === 'internal-write' ? SCOPE.write : SCOPE.read] ?? []))],
          held,
          host,
          deviceId: device,
          escalation,
          command,
          official: officialScopeFix(snapshot, device, held, missing),
          gatewayRunning: snapshot.gatewayRunning,
          port: snapshot.config.port,
          healthRefused: refused.some((c) => c.client === 'internal-read'),
        },
      },
    ];
  },
};

