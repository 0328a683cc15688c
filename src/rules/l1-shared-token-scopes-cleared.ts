/** L1 look-alike: "missing scope: operator.read" from status/probe clients while the store is fine (3.12 - ~4.21). */
import { SCOPE, unsatisfiedScopes } from '../core/knowledge.js';
import { connectBaseline } from '../core/clients.js';
import { describeMode } from '../explain/modes.js';
import { logGroups } from './family.js';
import type { Rule } from './types.js';

export const sharedTokenScopesCleared: Rule = {
  id: 'shared-token-scopes-cleared',
  description: describeMode('L1'),
  detect({ snapshot, host }) {
    if (!snapshot.release.sharedTokenScopesCleared) return [];
    const logs = logGroups(snapshot, 'missing-scope').filter((g) => !/chat\.history/.test(g.sample));
    if (logs.length === 0) return [];
    // Files decide: a host device that does hold read means the refusal is not the store's doing.
    if (host && unsatisfiedScopes(snapshot.release.scopeRule, connectBaseline(snapshot.release, host), [SCOPE.read]).length > 0) return [];
    return [{ id: 'shared-token-scopes-cleared', severity: 'warning', args: { logs } }];
  },
};
