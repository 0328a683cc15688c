/** L3's sentences, a look-alike: closes by the pre-auth handshake timeout (src/rules/l3-handshake-timeout.ts decides). */
import { LOOK_ALIKE_NOTE, MODES } from '../../explain/modes.js';
import type { WordingTable } from './types.js';
import { logLine } from './words.js';

export const l3Wording: WordingTable<'handshake-timeout'> = {
  'handshake-timeout': (a) => ({
    title: 'Connections are closed by the pre-auth handshake timeout, not by pairing',
    explanation: `${MODES.L3.why}` + (a.shortTimeout ? ' This release line includes the 3-second timeout (3.13 - 3.21).' : '') + ` ${LOOK_ALIKE_NOTE}`,
    evidence: a.logs.map(logLine),
    fix: { automatic: false, steps: [MODES.L3.next] },
  }),
};
