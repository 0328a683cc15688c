/** The sentence for a rule that threw (src/core/diagnose.ts reports it): our bug, never the user's install. */
import type { WordingTable } from './types.js';

export const internalErrorWording: WordingTable<'internal-rule-error'> = {
  'internal-rule-error': (a) => ({
    title: `The check "${a.rule}" failed to run`,
    explanation: `This is a bug in openclaw-fix, not a problem with your install; the other checks ran. (${a.message})`,
    evidence: [],
  }),
};
