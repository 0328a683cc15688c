/** Sentences for an install whose OpenClaw version was not found (src/rules/openclaw-version-unknown.ts decides). */
import type { WordingTable } from './types.js';

export const versionUnknownWording: WordingTable<'openclaw-version-unknown'> = {
  'openclaw-version-unknown': (a) => ({
    title: 'The installed OpenClaw version was not found; judged by the strictest rules of any release',
    explanation:
      'No `openclaw` package was found on PATH, in the gateway service unit or in the global npm folders, and `openclaw --version` did not answer. Findings may be stricter than your release needs.',
    evidence: [],
    fix: { automatic: false, command: a.command },
  }),
};
