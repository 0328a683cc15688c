/**
 * The two JSON files beside the device store that openclaw-fix reads but never needs to write: the config
 * (openclaw.json) and this host's cached device token (identity/device-auth.json). A broken one must be named,
 * not silently read as empty: the findings that depend on it are judged on defaults.
 */
import { type Finding, isUnusable } from '../core/model.js';
import type { Rule } from './types.js';

export const stateFileUnreadable: Rule = {
  id: 'config-unreadable',
  description: 'openclaw.json or identity/device-auth.json cannot be read or parsed',
  detect({ snapshot }) {
    const findings: Finding[] = [];
    const { config, deviceAuth } = snapshot;
    if (isUnusable(config.file)) findings.push({ id: 'config-unreadable', severity: 'warning', file: config.file.path, args: { file: config.file } });
    if (config.portInvalid) {
      findings.push({ id: 'config-port-invalid', severity: 'warning', args: { value: config.portInvalid, fromEnv: config.portSource === 'env', configPath: config.file.path } });
    }
    // SQLite era: the device token lives in the database; a leftover file is not used.
    if (isUnusable(deviceAuth.file) && snapshot.store.kind === 'json') {
      findings.push({ id: 'device-auth-unreadable', severity: 'warning', file: deviceAuth.file.path, args: { file: deviceAuth.file } });
    }
    return findings;
  },
};
