/** M02's sentences: another device lacks read/write on this release (src/rules/m02-device-lacks-read-write.ts decides). */
import { MODES } from '../../explain/modes.js';
import type { WordingTable } from './types.js';
import { approveStep, DeviceLabel, logLine, requestVsDevice, ruleWording, scopeList } from './words.js';

/** A grouped finding lists this many devices; --json devices[] has them all. */
const GROUP_SHOWN = 10;

export const m02Wording: WordingTable<'device-lacks-read-write'> = {
  'device-lacks-read-write': (a) => {
    const { release } = a;
    if (a.kind === 'group') {
      const { devices } = a;
      return {
        title: `${devices.length} paired devices lack ${scopeList(a.missing)}`,
        impact: 'Every read/write call from those clients loops on "pairing required" (or "missing scope: operator.read" in the Control UI).',
        explanation: `They hold older or narrower scope sets, and this release ${ruleWording(release)}. ${MODES.M02.why}`,
        evidence: [
          ...devices.slice(0, GROUP_SHOWN).map((d) => `${d.deviceId} lacks ${scopeList(d.missing)}`),
          ...(devices.length > GROUP_SHOWN ? [`... and ${devices.length - GROUP_SHOWN} more (all of them: doctor --json, devices[])`] : []),
        ],
        fix: { automatic: false, steps: [MODES.M02.next] },
      };
    }
    const { device, isHost } = a.target;
    return {
      title: `${DeviceLabel(device, isHost)} lacks ${scopeList(a.missing)}`,
      impact: a.ui
        ? 'That client gets "missing scope: operator.read" on every page, or loops on "pairing required" for write then read.'
        : 'Every read/write call from that client loops on "pairing required".',
      explanation:
        `It holds ${scopeList(a.held)}, and this release ${ruleWording(release)}. ${MODES.M02.why}` +
        (release.controlUiAsksNarrow && a.ui ? ' On this release the Control UI bundle itself asks for too little, so a re-pair alone brings the narrow set back.' : '') +
        (device.remoteIp ? ` It connected from ${device.remoteIp}: widen it only if you confirm it is yours.` : ''),
      evidence: [...a.requests.flatMap(requestVsDevice), ...a.logs.map(logLine)],
      fix: {
        automatic: false,
        steps: [...a.requests.map(approveStep), MODES.M02.next],
      },
    };
  },
};
