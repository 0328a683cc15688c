/** M14: on releases where `devices approve` without an id only previews, waiting requests need their exact id. */
import { describeMode } from '../explain/modes.js';
import { onFile } from './family.js';
import type { Rule } from './types.js';

export const approveLatestPreviewOnly: Rule = {
  id: 'approve-latest-preview-only',
  description: describeMode('M14'),
  detect({ snapshot }) {
    if (snapshot.release.approveWithoutIdApprovesLatest) return [];
    // First pairings (not repairs) are what installers and scripts approve blindly.
    const fresh = snapshot.store.pendingRequests.filter((r) => !r.isRepair);
    if (fresh.length === 0) return [];
    const requests = fresh.map((r) => onFile(r, snapshot.store.devices.find((d) => d.deviceId === r.deviceId)));
    return [{ id: 'approve-latest-preview-only', severity: 'info', args: { requests } }];
  },
};
