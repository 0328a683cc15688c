/** M06's sentences: a device's pinned platform changed (src/rules/m06-metadata-pin-mismatch.ts decides). */
import { MODES } from '../../explain/modes.js';
import type { WordingTable } from './types.js';
import { approveStep, DeviceLabel, logLine, requestVsDevice } from './words.js';

export const m06Wording: WordingTable<'metadata-pin-mismatch'> = {
  'metadata-pin-mismatch': (a) => {
    if (a.kind === 'logs-only') {
      return {
        title: 'The gateway log shows metadata-upgrade refusals',
        explanation: MODES.M06.why,
        evidence: a.logs.map(logLine),
        fix: { automatic: false, steps: [MODES.M06.next] },
      };
    }
    const { device, isHost } = a.target;
    const { request } = a.request;
    return {
      title: `${DeviceLabel(device, isHost)} now reports ${a.platformChanged ? `platform "${request.platform}" (pinned "${device.platform}")` : `deviceFamily "${request.deviceFamily}" (pinned "${device.deviceFamily}")`}`,
      impact: 'That client is refused with "pairing required: device identity changed and must be re-approved" and reconnects in a storm.',
      explanation:
        MODES.M06.why +
        (a.request.sameKeyPair
          ? ' The request carries the same deviceId and publicKey as the paired record, so it is the same key pair.'
          : ' Its publicKey does NOT match the paired record: this is not a metadata change, do not approve it.'),
      evidence: [...requestVsDevice(a.request), ...a.logs.map(logLine)],
      fix: { automatic: false, steps: [approveStep(a.request), 'If a client keeps sending a different platform string (two clients sharing one identity), fix that client, or the approval flips back.'] },
    };
  },
};
