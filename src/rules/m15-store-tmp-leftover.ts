/** M15 (extends store-unreadable): interrupted writes leave `paired.json.<uuid>.tmp`; they hold tokens and may be the last good copy. */
import { describeMode } from '../explain/modes.js';
import type { Rule } from './types.js';

export const storeTmpLeftovers: Rule = {
  id: 'store-tmp-leftover',
  description: describeMode('M15'),
  detect({ snapshot }) {
    const files = (snapshot.stateFiles ?? []).filter((f) => f.startsWith('devices/') && f.endsWith('.tmp'));
    if (files.length === 0) return [];
    return [{ id: 'store-tmp-leftover', severity: 'info', file: snapshot.store.path, args: { files } }];
  },
};
