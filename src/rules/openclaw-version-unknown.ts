/** Without a version, every rule judges by the strictest release: say so, and how to be precise. */
import type { Rule } from './types.js';

export const versionUnknown: Rule = {
  id: 'openclaw-version-unknown',
  description: 'The installed OpenClaw version could not be found',
  detect({ snapshot, command }) {
    if (snapshot.version.version) return [];
    return [
      {
        id: 'openclaw-version-unknown',
        severity: 'info',
        title: 'The installed OpenClaw version was not found; judged by the strictest rules of any release',
        explanation:
          'No `openclaw` package was found on PATH, in the gateway service unit or in the global npm folders, and `openclaw --version` did not answer. Findings may be stricter than your release needs.',
        evidence: [],
        fix: { automatic: false, command: command('doctor', '--openclaw-version', '<version from `openclaw --version`>') },
      },
    ];
  },
};
