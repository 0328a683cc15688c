/** L3 look-alike: closes before the handshake finished (1000/1006), from the gateway log's `cause`. */
import { describeMode } from '../explain/modes.js';
import { logGroups } from './family.js';
import type { Rule } from './types.js';

export const handshakeTimeout: Rule = {
  id: 'handshake-timeout',
  description: describeMode('L3'),
  detect({ snapshot }) {
    const logs = logGroups(snapshot, 'handshake-timeout');
    if (logs.length === 0) return [];
    return [{ id: 'handshake-timeout', severity: 'warning', args: { logs, shortTimeout: snapshot.release.shortHandshakeTimeout } }];
  },
};
