/** `doctor` on SQLite-era states through the built binary: clear one-line errors, no warning noise, no secrets. */
import { chmodSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain .mjs generator shared with scripts/
import { createStateDb, newIdentity } from '../../scripts/gen-sqlite-fixtures.mjs';
import { copyFixture, leakedSecrets, parseJson, runCli, tempDir } from '../helpers.js';

async function state(spec: Record<string, unknown> = {}): Promise<{ dir: string; db: string; secret: string }> {
  const dir = path.join(tempDir(), 'state');
  const host = newIdentity() as { deviceId: string; publicKey: string; privateKeyPem: string };
  const token = 'TOKEN-sqlite-cli-test-'.padEnd(43, 'q');
  const db = await createStateDb(dir, {
    identity: host,
    devices: [{ deviceId: host.deviceId, publicKey: host.publicKey, scopes: ['operator.read'], approvedScopes: ['operator.read'], tokens: { operator: { token, role: 'operator', scopes: ['operator.read'] } } }],
    ...spec,
  });
  writeFileSync(path.join(dir, 'openclaw.json'), JSON.stringify({ gateway: { mode: 'local', bind: 'loopback', auth: { mode: 'token', token: 'GATEWAYTOKEN-sqlite-cli-ggggggggggggggg' } } }), { mode: 0o600 });
  return { dir, db, secret: host.privateKeyPem.split('\n')[1]! };
}

const listing = (dir: string) => readdirSync(path.join(dir, 'state')).sort();

describe('doctor on the SQLite store', () => {
  it('reads a real-schema database without printing the node:sqlite ExperimentalWarning or a secret', async () => {
    const { dir, secret } = await state();
    const before = listing(dir);
    const r = runCli(['doctor', '--state-dir', dir, '--openclaw-version', '2026.9.6', '--json']);
    expect(r.stderr).not.toMatch(/ExperimentalWarning|experimental/i);
    const report = parseJson<{ store: { kind: string; path: string } }>(r.stdout);
    expect(report.store.kind).toBe('sqlite');
    expect(leakedSecrets([secret, 'TOKEN-sqlite-cli-test-', 'GATEWAYTOKEN-sqlite-cli'], r.stdout, r.stderr)).toEqual([]);
    // A read leaves no -wal/-shm behind in a stopped install.
    expect(listing(dir)).toEqual(before);
  });

  it('newer schema (a column it needs is gone): one line naming the file, exit 2, nothing changed', async () => {
    const { dir, db } = await state({ dropColumn: ['device_pairing_paired', 'approved_scopes_json'] });
    const bytes = readFileSync(db);
    const r = runCli(['doctor', '--state-dir', dir, '--openclaw-version', '2026.9.6']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(db);
    expect(r.stderr).toMatch(/lacks column\(s\) approved_scopes_json .*update openclaw-fix.*Nothing was changed/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(readFileSync(db).equals(bytes)).toBe(true);
  });

  it('a missing table: exit 2 and the table named', async () => {
    const { dir } = await state({ dropTable: 'device_pairing_pending' });
    const r = runCli(['doctor', '--state-dir', dir, '--openclaw-version', '2026.8.2']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/has no table device_pairing_pending/);
  });

  it('a corrupt database: exit 2, says restore from a backup', async () => {
    const { dir, db } = await state();
    writeFileSync(db, Buffer.alloc(8192, 0x5a));
    const r = runCli(['doctor', '--state-dir', dir, '--openclaw-version', '2026.8.2']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is not a readable SQLite database .*nothing was changed/);
  });

  it('a locked database (another process holds the write lock): exit 2 after the busy timeout, lock released', async () => {
    const { dir, db } = await state();
    const { DatabaseSync } = await import('node:sqlite');
    const holder = new DatabaseSync(db);
    holder.exec('PRAGMA journal_mode = DELETE');
    holder.exec('BEGIN EXCLUSIVE');
    try {
      const r = runCli(['doctor', '--state-dir', dir, '--openclaw-version', '2026.8.2'], { env: { OPENCLAW_FIX_TEST_SQLITE_BUSY_MS: '300' } });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/is locked by another process .*nothing was changed.*openclaw gateway stop/);
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
    const ok = runCli(['doctor', '--state-dir', dir, '--openclaw-version', '2026.8.2', '--json']);
    expect([0, 1]).toContain(ok.code);
  });

  it('an unreadable database (mode 000): exit 2, names the file', async () => {
    if (process.getuid?.() === 0) return; // root reads anything
    const { dir, db } = await state();
    chmodSync(db, 0o000);
    const r = runCli(['doctor', '--state-dir', dir, '--openclaw-version', '2026.8.2']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(db);
  });

  it('legacy paired.json edited after the migration: legacy-store-ignored names the field and the store in use', () => {
    const { dir } = copyFixture('sqlite-8.2-legacy-json-edited');
    const r = runCli(['doctor', '--state-dir', dir, '--openclaw-version', '2026.8.2', '--json']);
    const f = parseJson<{ findings: { id: string; title: string; evidence: string[] }[] }>(r.stdout).findings.find((x) => x.id === 'legacy-store-ignored');
    expect(f?.title).toContain('edits to paired.json have no effect on this release');
    expect(f?.evidence.join('\n')).toMatch(/scopes: paired\.json \[operator\.read, operator\.write, operator\.admin\], SQLite \(used\) \[operator\.read\]/);
  });
});
