/** M14: on releases where `devices approve` without an id only previews, waiting requests need their exact id. */
import type { Finding } from '../core/model.js';
import { describeMode, MODES } from '../explain/modes.js';
import { approveStep, requestVsDevice } from './family.js';
import type { Rule } from './types.js';

export const approveLatestPreviewOnly: Rule = {
  id: 'approve-latest-preview-only',
  description: describeMode('M14'),
  detect({ snapshot }) {
    if (snapshot.release.approveWithoutIdApprovesLatest) return [];
    // First pairings (not repairs) are what installers and scripts approve blindly.
    const fresh = snapshot.store.pendingRequests.filter((r) => !r.isRepair);
    if (fresh.length === 0) return [];
    const finding: Finding = {
      id: 'approve-latest-preview-only',
      severity: 'info',
      title: `${fresh.length} new device(s) wait for approval; \`openclaw devices approve --latest\` only previews on this release`,
      explanation: MODES.M14.why,
      evidence: fresh.flatMap((r) => requestVsDevice(r, snapshot.store.devices.find((d) => d.deviceId === r.deviceId))),
      fix: { automatic: false, steps: [...fresh.map((r) => approveStep(r, snapshot.store.devices.find((d) => d.deviceId === r.deviceId))), MODES.M14.next] },
    };
    return [finding];
  },
};
