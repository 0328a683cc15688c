/** Sentences for an unusable openclaw.json or identity/device-auth.json (src/rules/config-unreadable.ts decides). */
import type { WordingTable } from './types.js';

export const configWording: WordingTable<'config-unreadable' | 'config-port-invalid' | 'device-auth-unreadable'> = {
  'config-unreadable': ({ file }) => ({
    title: `The OpenClaw config ${file.path} cannot be used: it ${file.problem ?? file.status}`,
    explanation:
      'OpenClaw will not start with a config it cannot parse (or runs on defaults). openclaw-fix read no gateway settings from it, so the port, bind and auth mode above are the defaults, not yours.',
    evidence: [`${file.path}: ${file.status}`],
    fix: { automatic: false, steps: [`Fix or restore ${file.path} (it is JSON5), then run openclaw-fix doctor again.`] },
  }),
  'config-port-invalid': (a) => ({
    title: `The gateway port is not a valid TCP port: ${a.value}`,
    explanation:
      'A port must be a whole number from 1 to 65535. The gateway cannot listen there, so openclaw-fix did not probe it, and rotate will not restart and verify the gateway until it is fixed. Everything else was diagnosed as usual.',
    evidence: [a.value],
    fix: {
      automatic: false,
      steps: [
        a.fromEnv
          ? 'Set OPENCLAW_GATEWAY_PORT to the port the gateway listens on (default 18789), or unset it.'
          : `Set gateway.port in ${a.configPath} to the port the gateway listens on (default 18789), or remove it.`,
      ],
    },
  }),
  'device-auth-unreadable': ({ file }) => ({
    title: `This host's cached device token ${file.path} cannot be used: it ${file.problem ?? file.status}`,
    explanation:
      'Clients on this host that log in with their device token cannot read it and fall back to pairing again. openclaw-fix leaves this file alone (rotate does not write it while it is broken).',
    evidence: [`${file.path}: ${file.status}`],
    fix: { automatic: false, steps: [`Restore ${file.path} from a backup, or move it aside and let the client pair again.`] },
  }),
};
