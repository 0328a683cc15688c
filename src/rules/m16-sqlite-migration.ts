/** M16: 2026.8.1+ keeps pairing in state/openclaw.sqlite; JSON leftovers, unfinished or reversed migrations. */
import type { Finding } from '../core/model.js';
import { describeMode, MODES } from '../explain/modes.js';
import { logGroups, logLine } from './family.js';
import type { Rule } from './types.js';

export const sqliteMigration: Rule = {
  id: 'sqlite-migration',
  mode: 'M16',
  description: describeMode('M16'),
  detect({ snapshot }) {
    const { release, store } = snapshot;
    const files = snapshot.stateFiles ?? [];
    const migrated = files.filter((f) => f.endsWith('.migrated'));
    const claims = files.filter((f) => /\.(doctor|native)-importing$/.test(f));
    const failed = logGroups(snapshot, 'store-migration-failed');
    const findings: Finding[] = [];
    const finding = (severity: Finding['severity'], title: string, explanation: string, evidence: string[]): Finding => ({
      id: 'sqlite-migration',
      mode: 'M16',
      severity,
      title,
      explanation,
      evidence,
      fix: { automatic: false, steps: [MODES.M16.next] },
    });
    if (store.kind === 'sqlite' && snapshot.legacyStore) {
      findings.push(finding('warning', 'Leftover devices/*.json beside the SQLite store: edits to them change nothing', `${MODES.M16.why} Something (an older CLI, a restored backup, a third-party tool) recreated them.`, [snapshot.legacyStore.path, ...migrated]));
    }
    if (release.store === 'sqlite' && store.kind === 'json' && store.paired.status !== 'missing') {
      findings.push(finding('warning', 'This release keeps pairing in SQLite, but only the JSON store exists: the import has not run yet', `The gateway imports devices/paired.json at its next start (existing SQLite rows win) and renames it *.migrated. ${MODES.M16.why}`, [store.path]));
    }
    if (release.store === 'json' && store.kind === 'json' && store.paired.status === 'missing' && migrated.some((f) => f.startsWith('devices/'))) {
      findings.push(finding('error', 'devices/paired.json was migrated to SQLite by 2026.8.1+, but the installed release reads JSON: every device looks unpaired', 'A downgrade after the migration: this release does not read state/openclaw.sqlite. Upgrade back to the release that migrated, or restore devices/*.json.migrated to their JSON names with the gateway stopped.', migrated));
    }
    if (claims.length) findings.push(finding('warning', 'A migration claim file is left over: a doctor or native import was interrupted', MODES.M16.why, claims));
    if (failed.length) findings.push(finding('error', 'The gateway log shows failed device-store migrations', MODES.M16.why, failed.map(logLine)));
    return findings;
  },
};
