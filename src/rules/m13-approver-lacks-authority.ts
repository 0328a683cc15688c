/** M13: requests are waiting but no paired device holds what approving needs on this release. */
import { SCOPE, scopeSatisfied } from '../core/knowledge.js';
import { connectBaseline } from '../core/clients.js';
import type { Finding } from '../core/model.js';
import { describeMode, MODES } from '../explain/modes.js';
import { rolesOf } from './family.js';
import { scopeList } from './text.js';
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
    const finding: Finding = {
      id: 'approver-lacks-authority',
      severity: 'warning',
      title: `No paired device holds ${needed}, which approving a request needs on this release`,
      impact: '`openclaw devices approve` from any paired device fails with "missing scope: ' + needed + '"; requests pile up.',
      explanation: MODES.M13.why,
      evidence: operators.map((d) => `${d.deviceId.slice(0, 8)}…: ${scopeList(connectBaseline(release, d))}`),
      fix: {
        automatic: false,
        steps: [
          release.localFallback
            ? 'On the gateway host, over loopback: openclaw devices approve <requestId> (the CLI falls back to the local store when the gateway refuses it), or add --token with the gateway token from openclaw.json (5.3+ retries with admin).'
            : MODES.M13.next,
          'Do not mint operator.admin for a device just so it can approve others unless you mean to.',
        ],
      },
    };
    return [finding];
  },
};
