/** M14's sentences: `approve --latest` only previews here (src/rules/m14-approve-latest-preview-only.ts decides). */
import { MODES } from '../../explain/modes.js';
import type { WordingTable } from './types.js';
import { approveStep, requestVsDevice } from './words.js';

export const m14Wording: WordingTable<'approve-latest-preview-only'> = {
  'approve-latest-preview-only': (a) => ({
    title: `${a.requests.length} new device(s) wait for approval; \`openclaw devices approve --latest\` only previews on this release`,
    explanation: MODES.M14.why,
    evidence: a.requests.flatMap(requestVsDevice),
    fix: { automatic: false, steps: [...a.requests.map(approveStep), MODES.M14.next] },
  }),
};
