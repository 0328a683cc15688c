/** M03 on this host: the host device cannot satisfy what the CLI asks for, so every CLI command loops. */
import { cliClient, connectBaseline } from '../core/clients.js';
import { SCOPE } from '../core/knowledge.js';
import { officialScopeFix } from './official-fix.js';
import { refusalReason, scopeList, versionLabel } from './text.js';
import type { ClientVerdict, DeviceRecord, Finding, Snapshot } from '../core/model.js';
import type { Rule, RuleContext } from './types.js';

export const serviceDeviceMissingRead: Rule = {
  id: 'service-device-missing-read',
  description: 'The CLI on this host is locked out: its device is approved for less than the CLI asks',
  detect({ snapshot, clients, host, command }) {
    // From 5.28 each command asks its own scope: read/write commands are the lock-out a bare rotate fixes; admin
    // commands (cron add/rm, config set) need a grant the device may never have had: a finding of their own.
    const perCommand = snapshot.release.cliPerCommandScopes;
    const cli = perCommand ? ['cli-read', 'cli-write'].map((k) => clients.find((c) => c.client === k)).find((c) => c?.verdict === 'refused') : cliClient(clients);
    const admin = perCommand ? clients.find((c) => c.client === 'cli-admin' && c.verdict === 'refused') : undefined;
    const adminFinding = admin && host ? [cliAdminRefused(snapshot, host, admin, command)] : [];
    // A refusal the CLI recovers from on its next connect is not the lock-out; M08 reports it.
    if (!cli || cli.verdict !== 'refused' || cli.healsOnRetry) return adminFinding;
    // Not in the store and not paired silently either (autoApproveLocal false, or a remote path):
    // without this, doctor would call a host "healthy" while predicting that its CLI is refused.
    if (!host) {
      if (cli.reason !== 'not-paired') return [];
      return [
        {
          id: 'service-device-missing-read',
          severity: 'error',
          title: 'The CLI on this host is not paired and will not be paired by itself: `openclaw` commands fail with "pairing required"',
          impact: 'Every CLI command that connects to the gateway is refused until someone approves this host.',
          explanation: `${cli.explanation}. The gateway files a pairing request on each attempt and waits for a human approval.`,
          deviceId: snapshot.identity.deviceId,
          evidence: [`cli/cli asks ${scopeList(cli.requests)} -> refused (${cli.reason})`],
          fix: {
            automatic: false,
            steps: [
              'On the gateway host: `openclaw devices list`, check the request is this host (its deviceId is above), then `openclaw devices approve <requestId>` (the CLI falls back to the local store when the gateway refuses it).',
            ],
          },
        },
      ];
    }
    const held = connectBaseline(snapshot.release, host);
    const escalation = cli.missing.includes(SCOPE.admin) && !held.includes(SCOPE.admin);
    const probeHint = host.clientMode === 'probe' ? ' Its clientMode is "probe": a status or health probe made the first contact and fixed the baseline.' : '';
    return [
      {
        id: 'service-device-missing-read',
        severity: 'error',
        title: 'The CLI on this host is locked out: `openclaw` commands loop on "pairing required"',
        impact:
          'Every CLI command that needs more than the device holds fails (cron, devices list/approve, gateway status, agent, TUI); read-only ones still work, so the gateway "looks fine".',
        explanation:
          `The CLI signs with this host's device and asks for ${scopeList(cli.requests)}. The device is approved for ${scopeList(held)}: ${refusalReason(snapshot.release, versionLabel(snapshot.version.version), held, cli.missing)}. ` +
          `The approval would have to come from this same CLI, whose own connection is refused for the same reason: a deadlock by design, not corrupt data.${probeHint}`,
        deviceId: host.deviceId,
        evidence: [`cli/cli ${cli.method} asks ${scopeList(cli.requests)} -> refused (${cli.reason}); missing ${scopeList(cli.missing)}`],
        fix: {
          command: escalation ? command('rotate', '--scope', SCOPE.admin) : command('rotate'),
          automatic: !escalation,
          steps: escalation
            ? ['The CLI asks for operator.admin, which this device never had: adding it is a new grant, so openclaw-fix does it only when you name it with --scope operator.admin and confirm.']
            : undefined,
          alternative: officialScopeFix(snapshot, host.deviceId, held, cli.missing),
        },
      },
      ...adminFinding,
    ];
  },
};

/** 5.28+: the host's admin CLI commands are refused (the device is not approved for operator.admin). */
function cliAdminRefused(snapshot: Snapshot, host: DeviceRecord, admin: ClientVerdict, command: RuleContext['command']): Finding {
  const held = connectBaseline(snapshot.release, host);
  return {
    id: 'cli-admin-refused',
    severity: 'error',
    title: 'Admin CLI commands on this host loop on "pairing required" (`openclaw cron add/rm`, `config set`)',
    impact: 'Every CLI command that needs operator.admin is refused and files a repair request only a human can approve; read and write commands are not affected by this.',
    explanation:
      `On ${versionLabel(snapshot.version.version)} each CLI command asks only the scope its method needs; admin commands ask operator.admin. ` +
      `This host's device is approved for ${scopeList(held)}: ${refusalReason(snapshot.release, versionLabel(snapshot.version.version), held, admin.missing)}. ` +
      'Adding operator.admin is a new grant: openclaw-fix makes it only when you name it.',
    deviceId: host.deviceId,
    evidence: [`cli/cli ${admin.method} asks ${scopeList(admin.requests)} -> refused (${admin.reason})`],
    fix: {
      command: command('rotate', '--scope', SCOPE.admin),
      automatic: false,
      steps: ['Grant operator.admin to this host\'s device only if admin commands should run on it; otherwise leave it, the other commands work.'],
      alternative: officialScopeFix(snapshot, host.deviceId, held, admin.missing),
    },
  };
}
