/** M13's sentences: nobody can approve the waiting requests (src/rules/m13-approver-lacks-authority.ts decides). */
import { MODES } from '../../explain/modes.js';
import type { WordingTable } from './types.js';
import { scopeList } from './words.js';

export const m13Wording: WordingTable<'approver-lacks-authority'> = {
  'approver-lacks-authority': (a) => ({
    title: `No paired device holds ${a.needed}, which approving a request needs on this release`,
    impact: '`openclaw devices approve` from any paired device fails with "missing scope: ' + a.needed + '"; requests pile up.',
    explanation: MODES.M13.why,
    evidence: a.operators.map((d) => `${d.deviceId.slice(0, 8)}…: ${scopeList(d.held)}`),
    fix: {
      automatic: false,
      steps: [
        a.localFallback
          ? 'On the gateway host, over loopback: openclaw devices approve <requestId> (the CLI falls back to the local store when the gateway refuses it), or add --token with the gateway token from openclaw.json (5.3+ retries with admin).'
          : MODES.M13.next,
        'Do not mint operator.admin for a device just so it can approve others unless you mean to.',
      ],
    },
  }),
};
