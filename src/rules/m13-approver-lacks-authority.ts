/** M13: requests are waiting but no paired device holds what approving needs on this release. */
import { SCOPE, scopeSatisfied } from '../core/knowledge.js';
import { connectBaseline } from '../core/clients.js';
import { describeMode } from '../explain/modes.js';
import { rolesOf } from './family.js';
import type { Rule } from './types.js';

export const approverLacksAuthority: Rule = {
  id: 'approver-lacks-authority',
  description: describeMode('M13'),
  detect({ snapshot }) {
    const { release, store } = snapshot;
    if (store.pendingRequests.length === 0 || store.devices.length === 0) return [];
    const needed = release.approveNeedsAdmin ? SCOPE.admin : SCOPE.pairing;
    const operators = store.devices.filter((d) => rolesOf(d).length === 0 || rolesOf(d).includes('operator'));
    const approvers = operators.filter((d) => scopeSatisfied(release.scopeRule, connectBaseline(release, d), needed));
    if (approvers.length > 0) return [];
    return [
      {
        id: 'approver-lacks-authority',
        severity: 'warning',
        args: { needed, operators: operators.map((d) => ({ deviceId: d.deviceId, held: connectBaseline(release, d) })), localFallback: release.localFallback },
      },
    ];
  },
};
