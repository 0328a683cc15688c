/** L1's sentences, a look-alike: "missing scope: operator.read" while the store grants it (src/rules/l1-shared-token-scopes-cleared.ts decides). */
import { LOOK_ALIKE_NOTE, MODES } from '../../explain/modes.js';
import type { WordingTable } from './types.js';
import { logLine } from './words.js';

export const l1Wording: WordingTable<'shared-token-scopes-cleared'> = {
  'shared-token-scopes-cleared': (a) => ({
    title: 'Status/probe calls report "missing scope: operator.read" although the device store grants it',
    explanation: `${MODES.L1.why} ${LOOK_ALIKE_NOTE}`,
    evidence: a.logs.map(logLine),
    fix: { automatic: false, steps: [MODES.L1.next] },
  }),
};
