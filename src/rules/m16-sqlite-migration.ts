/** M16: 2026.8.1+ keeps pairing in state/openclaw.sqlite; JSON leftovers, unfinished or reversed migrations. */
import type { LegacyDifference } from '../core/findings.js';
import type { DeviceRecord, Finding } from '../core/model.js';
import { describeMode } from '../explain/modes.js';
import { logGroups } from './family.js';
import type { Rule } from './types.js';

export const sqliteMigration: Rule = {
  id: 'sqlite-migration',
  description: describeMode('M16'),
  detect({ snapshot }) {
    const { release, store } = snapshot;
    const files = snapshot.stateFiles ?? [];
    const migrated = files.filter((f) => f.endsWith('.migrated'));
    const claims = files.filter((f) => /\.(doctor|native)-importing$/.test(f));
    const failed = logGroups(snapshot, 'store-migration-failed');
    const findings: Finding[] = [];
    const differences = store.kind === 'sqlite' && snapshot.legacyStore ? legacyDifferences(store.devices, snapshot.legacyStore.devices) : [];
    if (differences.length) {
      const legacyPath = snapshot.legacyStore!.path;
      findings.push({ id: 'legacy-store-ignored', severity: 'warning', file: snapshot.legacyStore!.paired.path, args: { differences, legacyPath, storePath: store.path } });
    } else if (store.kind === 'sqlite' && snapshot.legacyStore) {
      findings.push({ id: 'sqlite-migration', severity: 'warning', args: { kind: 'leftover-json', legacyPath: snapshot.legacyStore.path, migrated } });
    }
    if (store.kind === 'sqlite' && snapshot.legacyDeviceAuth && !snapshot.legacyIdentity) {
      // Measured on 8.1: the start-up import removes identity/device.json but leaves device-auth.json, and every
      // CLI still works. Only a legacy device.json makes clients fail closed (measured on 8.2, below).
      findings.push({ id: 'legacy-identity-file', severity: 'info', args: { kind: 'device-auth-only', path: snapshot.legacyDeviceAuth.file.path } });
    }
    if (store.kind === 'sqlite' && snapshot.legacyIdentity) {
      const paths = [snapshot.legacyIdentity?.file.path, snapshot.legacyDeviceAuth?.file.path].filter((f): f is string => Boolean(f));
      findings.push({ id: 'legacy-identity-file', severity: 'warning', args: { kind: 'identity', files: paths } });
    }
    const jsonLeft = release.store === 'sqlite' && store.kind === 'json' && store.paired.status !== 'missing';
    if (jsonLeft && release.importsJsonAtStart) {
      findings.push({ id: 'sqlite-migration', severity: 'info', args: { kind: 'imports-at-start', storePath: store.path } });
    } else if (jsonLeft) {
      findings.push({ id: 'sqlite-migration', severity: 'warning', args: { kind: 'not-imported', storePath: store.path } });
    }
    if (release.store === 'json' && store.kind === 'json' && store.paired.status === 'missing' && migrated.some((f) => f.startsWith('devices/'))) {
      findings.push({ id: 'sqlite-migration', severity: 'error', file: store.paired.path, args: { kind: 'downgraded', migrated } });
    }
    if (claims.length) findings.push({ id: 'sqlite-migration', severity: 'warning', args: { kind: 'claim-left', claims } });
    if (failed.length) findings.push({ id: 'sqlite-migration', severity: 'error', args: { kind: 'migration-failed', logs: failed } });
    return findings;
  },
};

function sorted(list: readonly string[] | null | undefined): string {
  return [...(list ?? [])].sort().join(',');
}

/** Where the leftover paired.json disagrees with the SQLite rows, per device and field (no secrets). */
function legacyDifferences(used: readonly DeviceRecord[], legacy: readonly DeviceRecord[]): LegacyDifference[] {
  const out: LegacyDifference[] = [];
  for (const old of legacy) {
    const row = used.find((d) => d.deviceId === old.deviceId);
    if (!row) {
      out.push({ deviceId: old.deviceId, notInSqlite: true });
      continue;
    }
    const fields: [Extract<LegacyDifference, { field: unknown }>['field'], string[] | null, string[] | null][] = [
      ['scopes', old.scopes, row.scopes],
      ['approvedScopes', old.approvedScopes, row.approvedScopes],
      ['roles', old.roles, row.roles],
      ['tokens.operator.scopes', old.tokens.find((t) => t.role === 'operator')?.scopes ?? null, row.tokens.find((t) => t.role === 'operator')?.scopes ?? null],
    ];
    for (const [field, a, b] of fields) if (sorted(a) !== sorted(b)) out.push({ deviceId: old.deviceId, field, legacy: a, used: b });
  }
  return out;
}
