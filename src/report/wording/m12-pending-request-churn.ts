/** M12's sentences: several or stale pending requests for one device (src/rules/m12-pending-request-churn.ts decides). */
import { MODES } from '../../explain/modes.js';
import type { WordingTable } from './types.js';
import { ageText, shortId } from './words.js';

export const m12Wording: WordingTable<'pending-request-churn'> = {
  'pending-request-churn': (a) => ({
    title:
      a.requests.length > 1
        ? `Device ${shortId(a.deviceId)} has ${a.requests.length} pending requests: approving a copied id may hit "unknown requestId"`
        : `The pending request for device ${shortId(a.deviceId)} is older than 5 minutes and will be pruned`,
    explanation: MODES.M12.why + (a.requestIdChurn ? ' On this release every re-request supersedes the previous one with a new requestId.' : ''),
    evidence: a.requests.map((r) => {
      const ts = r.refreshedAtMs ?? r.ts;
      return `${r.requestId}: ${r.clientId ?? '?'}/${r.clientMode ?? '?'}${ts !== undefined ? `, ${ageText(a.nowMs - ts)}` : ''}`;
    }),
    fix: { automatic: false, steps: [MODES.M12.next] },
  }),
};
