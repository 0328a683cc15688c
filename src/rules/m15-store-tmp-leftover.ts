/** M15 (extends store-unreadable): interrupted writes leave `paired.json.<uuid>.tmp`; they hold tokens and may be the last good copy. */
import { describeMode } from '../explain/modes.js';
import type { Rule } from './types.js';

export const storeTmpLeftovers: Rule = {
  id: 'store-tmp-leftover',
  description: describeMode('M15'),
  detect({ snapshot }) {
    const tmp = (snapshot.stateFiles ?? []).filter((f) => f.startsWith('devices/') && f.endsWith('.tmp'));
    if (tmp.length === 0) return [];
    return [
      {
        id: 'store-tmp-leftover',
        severity: 'info',
        title: `${tmp.length} leftover temporary store file(s) from an interrupted write`,
        file: snapshot.store.path,
        explanation:
          'OpenClaw writes the store to a .tmp file and renames it; a crash or full disk leaves the .tmp behind. They contain device tokens (keep them 0600) and can be the last good copy if paired.json is damaged; otherwise they can be removed with the gateway stopped.',
        evidence: tmp,
      },
    ];
  },
};
