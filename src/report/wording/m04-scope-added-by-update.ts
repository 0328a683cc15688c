/** M04's sentences: a scope this release's clients ask that older approvals lack (src/rules/m04-scope-added-by-update.ts decides). */
import { MODES } from '../../explain/modes.js';
import type { WordingTable } from './types.js';
import { approveStep, DeviceLabel, requestVsDevice, scopeList, versionLabel } from './words.js';

export const m04Wording: WordingTable<'scope-added-by-update'> = {
  'scope-added-by-update': (a) => {
    const { device, isHost } = a.target;
    const was = a.wasCompleteFor;
    return {
      title: `${DeviceLabel(device, isHost)} will need approval for ${scopeList(a.missing)} on ${versionLabel(a.version)}`,
      impact: 'Clients of that device loop on "scope upgrade pending approval" / "pairing required" after the update (channels, native approvals, cron, CLI).',
      explanation:
        (was
          ? `Its scopes ${scopeList(a.held)} covered what OpenClaw ${was.from}${was.to ? `-${was.to}` : ''} clients asked for; this release's clients ask ${scopeList(a.release.cliDefaultScopes)}. `
          : `It holds ${scopeList(a.held)}; its client now asks for ${scopeList(a.missing)} as well, a scope a later release added. `) + MODES.M04.why,
      evidence: [`needs ${scopeList(a.missing)} (delta only)`, ...a.requests.flatMap(requestVsDevice)],
      fix: {
        command: a.command,
        automatic: isHost,
        steps: a.requests.length
          ? a.requests.map(approveStep)
          : [isHost ? 'openclaw-fix rotate adds exactly the missing scopes to the host device.' : `When it asks: openclaw devices list, then openclaw devices approve <requestId> for device ${device.deviceId} (grant only ${scopeList(a.missing)}).`],
      },
    };
  },
};
