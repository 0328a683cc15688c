/**
 * From logs: the gateway still refuses a device for scopes that this store already grants, after the
 * store last changed. The gateway re-reads the store on every connect, so it is reading another one.
 */
import { unsatisfiedScopes } from '../core/knowledge.js';
import type { Finding } from '../core/model.js';
import { describeGroup } from '../logs/describe.js';
import { when } from '../logs/evidence.js';
import { scopeList, shortId } from './text.js';
import type { Rule } from './types.js';

export const logLoopAfterFix: Rule = {
  id: 'log-loop-after-fix',
  description: 'Scope-upgrade refusals logged after the store changed, for scopes the store already grants',
  detect({ snapshot }) {
    const changedMs = snapshot.store.paired.stat?.mtimeMs;
    if (changedMs === undefined) return [];
    const findings: Finding[] = [];
    for (const g of snapshot.logEvidence?.groups ?? []) {
      if (g.kind !== 'access-upgrade' || g.reason !== 'scope-upgrade' || !g.deviceId || !g.lastAt || !g.scopesTo?.length) continue;
      const lastMs = Date.parse(g.lastAt);
      if (!(lastMs > changedMs)) continue;
      const device = snapshot.store.devices.find((d) => d.deviceId === g.deviceId);
      if (!device) continue;
      const held = device.scopes ?? device.approvedScopes ?? [];
      if (unsatisfiedScopes(snapshot.release.scopeRule, held, g.scopesTo).length > 0) continue;
      const isHost = g.deviceId === snapshot.identity.deviceId;
      findings.push({
        id: 'log-loop-after-fix',
        severity: 'error',
        title: `The gateway still refuses ${isHost ? "this host's device" : `device ${shortId(g.deviceId)}`} for scopes this store already grants`,
        impact: `${g.feature ?? 'Its calls'} still fail with "pairing required" (last ${when(lastMs, snapshot.nowMs)}), although the fix looks applied here.`,
        explanation:
          `At ${when(lastMs, snapshot.nowMs)} the gateway refused ${g.client ? `client ${g.client} ` : ''}asking ${scopeList(g.scopesTo)} and logged that the device holds ${scopeList(g.scopesFrom)}; ` +
          `${snapshot.store.path} (changed ${when(changedMs, snapshot.nowMs)}) grants ${scopeList(held)}. The gateway re-reads its store on every connect, so the gateway writing this log reads another store: ` +
          'another state dir or profile (the service\'s OPENCLAW_STATE_DIR / --profile), another user\'s home, a container volume, or on 2026.8.1+ the SQLite store (a JSON edit is ignored there).',
        deviceId: g.deviceId,
        evidence: [describeGroup(g, snapshot.nowMs), `store ${snapshot.store.path}: scopes ${scopeList(held)}, changed ${new Date(changedMs).toISOString()}`],
        logEvidence: [describeGroup(g, snapshot.nowMs)],
        fix: {
          automatic: false,
          steps: [
            'Find the store the service uses: `systemctl --user cat openclaw-gateway` (Environment=OPENCLAW_STATE_DIR, --profile, User=), or the LaunchAgent plist; then run openclaw-fix doctor --state-dir <that dir>.',
            'On 2026.8.1+ check `state/openclaw.sqlite` rather than devices/paired.json.',
          ],
        },
      });
    }
    return findings;
  },
};
