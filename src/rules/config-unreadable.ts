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
    if (isUnusable(config.file)) {
      findings.push({
        id: 'config-unreadable',
        severity: 'warning',
        title: `The OpenClaw config ${config.file.path} cannot be used: it ${config.file.problem ?? config.file.status}`,
        file: config.file.path,
        explanation:
          'OpenClaw will not start with a config it cannot parse (or runs on defaults). openclaw-fix read no gateway settings from it, so the port, bind and auth mode above are the defaults, not yours.',
        evidence: [`${config.file.path}: ${config.file.status}`],
        fix: { automatic: false, steps: [`Fix or restore ${config.file.path} (it is JSON5), then run openclaw-fix doctor again.`] },
      });
    }
    if (config.portInvalid) {
      findings.push({
        id: 'config-port-invalid',
        severity: 'warning',
        title: `The gateway port is not a valid TCP port: ${config.portInvalid}`,
        explanation:
          'A port must be a whole number from 1 to 65535. The gateway cannot listen there, so openclaw-fix did not probe it, and rotate will not restart and verify the gateway until it is fixed. Everything else was diagnosed as usual.',
        evidence: [config.portInvalid],
        fix: {
          automatic: false,
          steps: [
            config.portSource === 'env'
              ? 'Set OPENCLAW_GATEWAY_PORT to the port the gateway listens on (default 18789), or unset it.'
              : `Set gateway.port in ${config.file.path} to the port the gateway listens on (default 18789), or remove it.`,
          ],
        },
      });
    }
    // SQLite era: the device token lives in the database; a leftover file is not used.
    if (isUnusable(deviceAuth.file) && snapshot.store.kind === 'json') {
      findings.push({
        id: 'device-auth-unreadable',
        severity: 'warning',
        title: `This host's cached device token ${deviceAuth.file.path} cannot be used: it ${deviceAuth.file.problem ?? deviceAuth.file.status}`,
        file: deviceAuth.file.path,
        explanation:
          'Clients on this host that log in with their device token cannot read it and fall back to pairing again. openclaw-fix leaves this file alone (rotate does not write it while it is broken).',
        evidence: [`${deviceAuth.file.path}: ${deviceAuth.file.status}`],
        fix: { automatic: false, steps: [`Restore ${deviceAuth.file.path} from a backup, or move it aside and let the client pair again.`] },
      });
    }
    return findings;
  },
};
