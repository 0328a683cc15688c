/** Sentences for a logged refusal the prediction says cannot happen (src/rules/log-contradicts-prediction.ts decides). */
import { describeGroup } from '../../logs/describe.js';
import { when } from '../../logs/evidence.js';
import type { WordingTable } from './types.js';
import { verdictExplanation } from './clients.js';
import { scopeList, versionLabel } from './words.js';

export const logContradictsWording: WordingTable<'log-contradicts-prediction'> = {
  'log-contradicts-prediction': (a) => {
    const { group: g, predicted } = a;
    return {
      title: `The gateway refused this host's ${g.client} ${g.count} time${g.count === 1 ? '' : 's'}, which the prediction for ${versionLabel(a.version)} says cannot happen: trusting the log`,
      impact: `${g.feature ?? 'These calls'} fail with "pairing required"${a.lastMs !== undefined ? ` (last ${when(a.lastMs, a.nowMs)})` : ''}, whatever the prediction says.`,
      explanation:
        `Predicted for ${predicted.clientId}/${predicted.clientMode} (${predicted.method}): allowed, because ${verdictExplanation(predicted.why)}. ` +
        `The gateway logged the opposite: a scope-upgrade request for ${scopeList(g.scopesTo)} from a device holding ${scopeList(g.scopesFrom)}, i.e. a refusal. ` +
        `The knowledge table (row ${a.release.id}) is wrong for this install; the finding stands on the log. Grant the asked scopes (openclaw-fix rotate --scope ...) or approve the request, and please report the release.`,
      evidence: [describeGroup(g, a.nowMs), `prediction: ${predicted.client} allowed (${predicted.reason})`],
      fix: {
        automatic: false,
        steps: [`\`openclaw devices approve <requestId>\` for the request above, or grant ${scopeList(g.scopesTo)} to this host's device.`],
      },
    };
  },
};
