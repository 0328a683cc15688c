/** M11's sentences: a rotated token wider than its device (src/rules/m11-rotate-cannot-widen.ts decides). */
import { MODES } from '../../explain/modes.js';
import type { WordingTable } from './types.js';
import { deviceLabel, logLine, scopeList } from './words.js';

export const m11Wording: WordingTable<'rotate-cannot-widen'> = {
  'rotate-cannot-widen': (a) => ({
    title: `A rotation gave ${deviceLabel(a.target.device, a.target.isHost)} a token with ${scopeList(a.beyond)}, but the device itself still lacks them`,
    impact: 'The loop stays: the connect check reads the device scopes, not the token.',
    explanation: MODES.M11.why,
    evidence: [`tokens.${a.role}.scopes (rotated): ${scopeList(a.tokenScopes)}`, `connect baseline: ${scopeList(a.held)}`, ...a.logs.map(logLine)],
    fix: {
      command: a.command,
      automatic: a.target.isHost,
      steps: [MODES.M11.next],
    },
  }),
};
