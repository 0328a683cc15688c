/** M07's sentences: a device asks for a role it was not approved for (src/rules/m07-role-upgrade-pending.ts decides). */
import { MODES } from '../../explain/modes.js';
import type { WordingTable } from './types.js';
import { approveStep, DeviceLabel, logLine, requestVsDevice } from './words.js';

export const m07Wording: WordingTable<'role-upgrade-pending'> = {
  'role-upgrade-pending': (a) => {
    if (a.kind === 'logs-only') {
      return {
        title: 'The gateway log shows role-upgrade refusals',
        explanation: MODES.M07.why,
        evidence: a.logs.map(logLine),
        fix: { automatic: false, steps: [MODES.M07.next] },
      };
    }
    const { device, isHost } = a.target;
    if (a.kind === 'no-role') {
      return {
        title: `${DeviceLabel(device, isHost)} has no role or roles (a hand-made record)`,
        explanation: 'Every connect from it is a role upgrade that needs approval. Re-pair the device rather than adding roles by hand: a role is a grant.',
        evidence: ['paired record without role/roles'],
        fix: { automatic: false, steps: ['Re-pair that device (openclaw devices remove <id> after listing, then connect it again and approve it).'] },
      };
    }
    return {
      title: `${DeviceLabel(device, isHost)} asks for the role ${a.newRoles.join(', ')} it was not approved for`,
      impact: 'That client is refused with "pairing required" (role-upgrade) until someone approves it.',
      explanation: `${MODES.M07.why} A node role lets the gateway run commands on that node; approve only a device you recognise.`,
      evidence: requestVsDevice(a.request),
      fix: { automatic: false, steps: [approveStep(a.request)] },
    };
  },
};
