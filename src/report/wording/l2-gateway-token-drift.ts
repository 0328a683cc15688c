/** L2's sentences, a look-alike: the service and openclaw.json disagree on the shared token (src/rules/l2-gateway-token-drift.ts decides). */
import { LOOK_ALIKE_NOTE, MODES } from '../../explain/modes.js';
import type { WordingTable } from './types.js';

export const l2Wording: WordingTable<'gateway-token-drift'> = {
  'gateway-token-drift': (a) => ({
    title: 'The gateway service and openclaw.json disagree on the shared gateway token',
    impact: 'Clients are refused with "unauthorized: gateway token mismatch" / AUTH_TOKEN_MISMATCH: not a pairing problem.',
    explanation: `${MODES.L2.why} ${LOOK_ALIKE_NOTE}`,
    evidence: [
      ...a.services.map((s) =>
        s.digest === null ? `${s.source} sets OPENCLAW_GATEWAY_TOKEN to a placeholder (${s.placeholder})` : `${s.source} token digest ${s.digest} differs from openclaw.json's ${a.configDigest}`,
      ),
      ...(a.modeWithoutToken ? ['openclaw.json has gateway.auth.mode "token" but no gateway.auth.token'] : []),
    ],
    fix: { automatic: false, steps: [MODES.L2.next] },
  }),
};
