/** M03 on this host: the host device cannot satisfy what the CLI asks for, so every CLI command loops. */
import { cliClient, connectBaseline, staleToken } from '../core/clients.js';
import { SCOPE } from '../core/knowledge.js';
import { officialScopeFix } from './official-fix.js';
import type { ClientVerdict, DeviceRecord, Finding, Snapshot } from '../core/model.js';
import type { Rule } from './types.js';

export const serviceDeviceMissingRead: Rule = {
  id: 'service-device-missing-read',
  description: 'The CLI on this host is locked out: its device is approved for less than the CLI asks',
  detect({ snapshot, clients, host }) {
    // From 5.28 each command asks its own scope: read/write commands are the lock-out a bare rotate fixes; admin
    // commands (cron add/rm, config set) need a grant the device may never have had: a finding of their own.
    const perCommand = snapshot.release.cliPerCommandScopes;
    const cli = perCommand ? ['cli-read', 'cli-write'].map((k) => clients.find((c) => c.client === k)).find((c) => c?.verdict === 'refused') : cliClient(clients);
    const admin = perCommand ? clients.find((c) => c.client === 'cli-admin' && c.verdict === 'refused') : undefined;
    const adminFinding = admin && host ? [cliAdminRefused(snapshot, host, admin)] : [];
    // A refusal the CLI recovers from on its next connect is not the lock-out; M08 reports it.
    if (!cli || cli.verdict !== 'refused' || cli.healsOnRetry || staleToken(cli)) return adminFinding;
    // Not in the store and not paired silently either (autoApproveLocal false, or a remote path):
    // without this, doctor would call a host "healthy" while predicting that its CLI is refused.
    if (!host) {
      if (cli.reason !== 'not-paired') return [];
      return [{ id: 'service-device-missing-read', severity: 'error', deviceId: snapshot.identity.deviceId, args: { kind: 'not-paired', cli } }];
    }
    const held = connectBaseline(snapshot.release, host);
    const escalation = cli.missing.includes(SCOPE.admin) && !held.includes(SCOPE.admin);
    return [
      {
        id: 'service-device-missing-read',
        severity: 'error',
        deviceId: host.deviceId,
        args: {
          kind: 'locked-out',
          version: snapshot.version.version,
          release: snapshot.release,
          cli,
          held,
          escalation,
          // A status or health probe made the first contact and fixed the baseline.
          probeMode: host.clientMode === 'probe',
          command: escalation ? ['rotate', '--scope', SCOPE.admin] : ['rotate'],
          official: officialScopeFix(snapshot, host.deviceId, held, cli.missing),
        },
      },
      ...adminFinding,
    ];
  },
};

/** 5.28+: the host's admin CLI commands are refused (the device is not approved for operator.admin). */
function cliAdminRefused(snapshot: Snapshot, host: DeviceRecord, admin: ClientVerdict): Finding {
  const held = connectBaseline(snapshot.release, host);
  return {
    id: 'cli-admin-refused',
    severity: 'error',
    deviceId: host.deviceId,
    args: {
      version: snapshot.version.version,
      release: snapshot.release,
      admin,
      held,
      // Adding operator.admin is a new grant: made only when named.
      command: ['rotate', '--scope', SCOPE.admin],
      official: officialScopeFix(snapshot, host.deviceId, held, admin.missing),
    },
  };
}
