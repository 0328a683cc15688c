/** Without a version, every rule judges by the strictest release: say so, and how to be precise. */
import { placeholder } from '../core/findings.js';
import type { Rule } from './types.js';

export const versionUnknown: Rule = {
  id: 'openclaw-version-unknown',
  description: 'The installed OpenClaw version could not be found',
  detect({ snapshot }) {
    if (snapshot.version.version) return [];
    return [{ id: 'openclaw-version-unknown', severity: 'info', args: { command: ['doctor', '--openclaw-version', placeholder('version from `openclaw --version`')] } }];
  },
};
