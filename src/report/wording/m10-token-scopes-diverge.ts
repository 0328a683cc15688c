/** M10's sentences: a device's scope lists disagree (src/rules/m10-token-scopes-diverge.ts decides). */
import type { WordingTable } from './types.js';
import { scopeList, shortId } from './words.js';

export const m10Wording: WordingTable<'token-scopes-diverge'> = {
  'token-scopes-diverge': (a) => {
    const reads = a.baseline === 'approved-then-scopes' ? '`approvedScopes` (then `scopes`)' : a.baseline === 'scopes' ? '`scopes`' : '`scopes` (then `approvedScopes`)';
    return {
      title: `The scope lists of ${a.isHost ? "this host's device" : `device ${shortId(a.deviceId)}`} disagree`,
      impact: `A client can pass one check and fail the other: on this release the connect check reads ${reads}, device-token logins read \`tokens.operator.scopes\` (and 2026.3.12+ rejects tokens above \`approvedScopes\`).`,
      explanation:
        'OpenClaw keeps three overlapping lists of what a device may do. They disagree here, usually after a manual edit or a rotation that changed only one of them. Fixing only one list is a half fix.',
      evidence: a.lists.map((l) => `${l.name}: ${scopeList(l.scopes)}`),
      fix: {
        command: a.command,
        automatic: a.tokenOnly.length === 0,
        steps: a.tokenOnly.length
          ? [`The device token carries ${scopeList(a.tokenOnly)}, which the device is not approved for. openclaw-fix never removes a scope: the lists agree once you approve those (the command names them), or re-issue the token within the approved scopes with \`openclaw devices rotate\`.`]
          : ['openclaw-fix rotate adds what is missing so all lists agree; it never removes a scope.'],
      },
    };
  },
};
