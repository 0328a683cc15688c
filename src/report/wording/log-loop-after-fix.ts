/** Sentences for refusals logged after the fix, for scopes the store grants (src/rules/log-loop-after-fix.ts decides). */
import { describeGroup } from '../../logs/describe.js';
import { when } from '../../logs/evidence.js';
import type { WordingTable } from './types.js';
import { scopeList, shortId } from './words.js';

export const logLoopAfterFixWording: WordingTable<'log-loop-after-fix'> = {
  'log-loop-after-fix': (a) => {
    const g = a.group;
    return {
      title: `The gateway still refuses ${a.isHost ? "this host's device" : `device ${shortId(g.deviceId!)}`} for scopes this store already grants`,
      impact: `${g.feature ?? 'Its calls'} still fail with "pairing required" (last ${when(a.lastMs, a.nowMs)}), although the fix looks applied here.`,
      explanation:
        `At ${when(a.lastMs, a.nowMs)} the gateway refused ${g.client ? `client ${g.client} ` : ''}asking ${scopeList(g.scopesTo)} and logged that the device holds ${scopeList(g.scopesFrom)}; ` +
        `${a.storePath} (changed ${when(a.changedMs, a.nowMs)}) grants ${scopeList(a.held)}. The gateway re-reads its store on every connect, so the gateway writing this log reads another store: ` +
        'another state dir or profile (the service\'s OPENCLAW_STATE_DIR / --profile), another user\'s home, a container volume, or on 2026.8.1+ the SQLite store (a JSON edit is ignored there).',
      evidence: [describeGroup(g, a.nowMs), `store ${a.storePath}: scopes ${scopeList(a.held)}, changed ${new Date(a.changedMs).toISOString()}`],
      fix: {
        automatic: false,
        steps: [
          'Find the store the service uses: `systemctl --user cat openclaw-gateway` (Environment=OPENCLAW_STATE_DIR, --profile, User=), or the LaunchAgent plist; then run openclaw-fix doctor --state-dir <that dir>.',
          'On 2026.8.1+ check `state/openclaw.sqlite` rather than devices/paired.json.',
        ],
      },
    };
  },
};
