/** L3 look-alike: closes before the handshake finished (1000/1006), from the gateway log's `cause`. */
import { describeMode, LOOK_ALIKE_NOTE, MODES } from '../explain/modes.js';
import { logGroups, logLine } from './family.js';
import type { Rule } from './types.js';

export const handshakeTimeout: Rule = {
  id: 'handshake-timeout',
  description: describeMode('L3'),
  detect({ snapshot }) {
    const logs = logGroups(snapshot, 'handshake-timeout');
    if (logs.length === 0) return [];
    return [
      {
        id: 'handshake-timeout',
        severity: 'warning',
        title: 'Connections are closed by the pre-auth handshake timeout, not by pairing',
        explanation:
          `${MODES.L3.why}` +
          (snapshot.release.shortHandshakeTimeout ? ' This release line includes the 3-second timeout (3.13 - 3.21).' : '') +
          ` ${LOOK_ALIKE_NOTE}`,
        evidence: logs.map(logLine),
        fix: { automatic: false, steps: [MODES.L3.next] },
      },
    ];
  },
};
