/** L2 look-alike: the service starts the gateway with a different shared token than openclaw.json (or none). */
import type { Finding } from '../core/model.js';
import { describeMode, LOOK_ALIKE_NOTE, MODES } from '../explain/modes.js';
import type { Rule } from './types.js';

export const gatewayTokenDrift: Rule = {
  id: 'gateway-token-drift',
  description: describeMode('L2'),
  detect({ snapshot }) {
    const { config } = snapshot;
    const evidence: string[] = [];
    for (const s of snapshot.serviceTokens ?? []) {
      if (s.digest === null) evidence.push(`${s.source} sets OPENCLAW_GATEWAY_TOKEN to a placeholder (${s.placeholder})`);
      else if (config.sharedTokenDigest && s.digest !== config.sharedTokenDigest) evidence.push(`${s.source} token digest ${s.digest} differs from openclaw.json's ${config.sharedTokenDigest}`);
    }
    if (config.file.status === 'ok' && config.authMode === 'token' && !config.hasSharedToken) evidence.push('openclaw.json has gateway.auth.mode "token" but no gateway.auth.token');
    if (evidence.length === 0) return [];
    const finding: Finding = {
      id: 'gateway-token-drift',
      severity: 'warning',
      title: 'The gateway service and openclaw.json disagree on the shared gateway token',
      file: snapshot.config.file.path,
      impact: 'Clients are refused with "unauthorized: gateway token mismatch" / AUTH_TOKEN_MISMATCH: not a pairing problem.',
      explanation: `${MODES.L2.why} ${LOOK_ALIKE_NOTE}`,
      evidence,
      fix: { automatic: false, steps: [MODES.L2.next] },
    };
    return [finding];
  },
};
