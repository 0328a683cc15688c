/** M03 on this host: the host device cannot satisfy what the CLI asks for, so every CLI command loops. */
import { cliClient, connectBaseline } from '../core/clients.js';
import { SCOPE } from '../core/knowledge.js';
import { officialScopeFix } from './official-fix.js';
import { refusalReason, scopeList, versionLabel } from './text.js';
import type { Rule } from './types.js';

export const serviceDeviceMissingRead: Rule = {
  id: 'service-device-missing-read',
  mode: 'M03',
  description: 'The CLI on this host is locked out: its device is approved for less than the CLI asks',
  detect({ snapshot, clients, host, command }) {
    const cli = cliClient(clients);
    if (!cli || cli.verdict !== 'refused') return [];
    // Not in the store and not paired silently either (autoApproveLocal false, or a remote path):
    // without this, doctor would call a host "healthy" while predicting that its CLI is refused.
    if (!host) {
      if (cli.reason !== 'not-paired') return [];
      return [
        {
          id: 'service-device-missing-read',
          mode: 'M03',
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
        mode: 'M03',
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
    ];
  },
};
