/** M03's sentences: the CLI on this host locked out (src/rules/m03-service-device-missing-read.ts decides). */
import type { WordingTable } from './types.js';
import { verdictExplanation } from './clients.js';
import { officialFix, refusalReason, scopeList, versionLabel } from './words.js';

export const m03Wording: WordingTable<'service-device-missing-read' | 'cli-admin-refused'> = {
  'service-device-missing-read': (a) => {
    const { cli } = a;
    if (a.kind === 'not-paired') {
      return {
        title: 'The CLI on this host is not paired and will not be paired by itself: `openclaw` commands fail with "pairing required"',
        impact: 'Every CLI command that connects to the gateway is refused until someone approves this host.',
        explanation: `${verdictExplanation(cli.why)}. The gateway files a pairing request on each attempt and waits for a human approval.`,
        evidence: [`cli/cli asks ${scopeList(cli.requests)} -> refused (${cli.reason})`],
        fix: {
          automatic: false,
          steps: [
            'On the gateway host: `openclaw devices list`, check the request is this host (its deviceId is above), then `openclaw devices approve <requestId>` (the CLI falls back to the local store when the gateway refuses it).',
          ],
        },
      };
    }
    const probeHint = a.probeMode ? ' Its clientMode is "probe": a status or health probe made the first contact and fixed the baseline.' : '';
    return {
      title: 'The CLI on this host is locked out: `openclaw` commands loop on "pairing required"',
      impact:
        'Every CLI command that needs more than the device holds fails (cron, devices list/approve, gateway status, agent, TUI); read-only ones still work, so the gateway "looks fine".',
      explanation:
        `The CLI signs with this host's device and asks for ${scopeList(cli.requests)}. The device is approved for ${scopeList(a.held)}: ${refusalReason(a.release, versionLabel(a.version), a.held, cli.missing)}. ` +
        `The approval would have to come from this same CLI, whose own connection is refused for the same reason: a deadlock by design, not corrupt data.${probeHint}`,
      evidence: [`cli/cli ${cli.method} asks ${scopeList(cli.requests)} -> refused (${cli.reason}); missing ${scopeList(cli.missing)}`],
      fix: {
        command: a.command,
        automatic: !a.escalation,
        steps: a.escalation
          ? ['The CLI asks for operator.admin, which this device never had: adding it is a new grant, so openclaw-fix does it only when you name it with --scope operator.admin and confirm.']
          : undefined,
        alternative: officialFix(a.official),
      },
    };
  },
  'cli-admin-refused': (a) => ({
    title: 'Admin CLI commands on this host loop on "pairing required" (`openclaw cron add/rm`, `config set`)',
    impact: 'Every CLI command that needs operator.admin is refused and files a repair request only a human can approve; read and write commands are not affected by this.',
    explanation:
      `On ${versionLabel(a.version)} each CLI command asks only the scope its method needs; admin commands ask operator.admin. ` +
      `This host's device is approved for ${scopeList(a.held)}: ${refusalReason(a.release, versionLabel(a.version), a.held, a.admin.missing)}. ` +
      'Adding operator.admin is a new grant: openclaw-fix makes it only when you name it.',
    evidence: [`cli/cli ${a.admin.method} asks ${scopeList(a.admin.requests)} -> refused (${a.admin.reason})`],
    fix: {
      command: a.command,
      automatic: false,
      steps: ['Grant operator.admin to this host\'s device only if admin commands should run on it; otherwise leave it, the other commands work.'],
      alternative: officialFix(a.official),
    },
  }),
};
