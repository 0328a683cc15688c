/** SQLite write primitives on real-schema databases: one transaction, compare-and-swap, backup, restore. */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it, onTestFinished } from 'vitest';
// @ts-expect-error plain .mjs generator shared with scripts/
import { createStateDb, newIdentity } from '../../scripts/gen-sqlite-fixtures.mjs';
import { setHooks } from '../../src/core/hooks.js';
import { diagnose } from '../../src/core/diagnose.js';
import { takeSnapshot } from '../../src/core/snapshot.js';
import { planRotate } from '../../src/repair/plan.js';
import { sqliteChangeFromPlan } from '../../src/store/sqlite-plan.js';
import { SqliteConflictError, applySqliteScopeChange, backupSqlite, readSqliteScopes, restoreDeviceTables, verifySqliteScopes } from '../../src/store/sqlite-write.js';
import { tempDir } from '../helpers.js';

const TOKEN = 'TOKEN-sqlite-write-test-'.padEnd(43, 'w');
const NARROW = ['operator.pairing', 'operator.read'];

async function narrowHost() {
  const dir = path.join(tempDir(), 'state');
  const host = newIdentity() as { deviceId: string; publicKey: string };
  const db = await createStateDb(dir, {
    identity: host,
    devices: [{ deviceId: host.deviceId, publicKey: host.publicKey, scopes: NARROW, approvedScopes: NARROW, tokens: { operator: { token: TOKEN, role: 'operator', scopes: NARROW, createdAtMs: 1 } } }],
    pending: [{ requestId: 'req-admin', deviceId: host.deviceId, publicKey: host.publicKey, scopes: ['operator.admin'] }],
    authTokens: [{ deviceId: host.deviceId, token: TOKEN, scopes: ['operator.read'] }],
  });
  return { dir, db, host };
}

const expectNarrow = { scopes: NARROW, approvedScopes: NARROW, tokenScopes: NARROW };

describe('applySqliteScopeChange', () => {
  it('adds scopes to scopes_json, approved_scopes_json, tokens_json and device_auth_tokens in one transaction, keeping the token value', async () => {
    const { db, host } = await narrowHost();
    const r = await applySqliteScopeChange(db, { deviceId: host.deviceId, expect: expectNarrow, add: ['operator.admin'], hostAuthToken: true, removePending: ['req-admin'] });
    expect(r.changed).toEqual([
      'device_pairing_paired.scopes_json',
      'device_pairing_paired.approved_scopes_json',
      'device_pairing_paired.tokens_json.operator.scopes',
      'device_auth_tokens.scopes_json',
      'device_pairing_pending req-admin',
    ]);
    expect(await verifySqliteScopes(db, host.deviceId, ['operator.admin'], { hostAuthToken: true })).toEqual([]);
    const raw = new DatabaseSync(db, { readOnly: true });
    const row = raw.prepare('SELECT tokens_json FROM device_pairing_paired').get() as { tokens_json: string };
    expect(JSON.parse(row.tokens_json).operator).toMatchObject({ token: TOKEN, scopes: [...NARROW, 'operator.admin'], createdAtMs: 1 });
    expect((raw.prepare('PRAGMA integrity_check').get() as { integrity_check: string }).integrity_check).toBe('ok');
    raw.close();
  });

  it('writes nothing when the lists changed since the plan (compare-and-swap)', async () => {
    const { db, host } = await narrowHost();
    await expect(applySqliteScopeChange(db, { deviceId: host.deviceId, expect: { ...expectNarrow, scopes: ['operator.read'] }, add: ['operator.admin'] })).rejects.toBeInstanceOf(SqliteConflictError);
    expect((await readSqliteScopes(db, host.deviceId))?.scopes).toEqual(NARROW);
  });

  it('commits while another connection (the gateway) has the WAL database open, and that connection sees it', async () => {
    const { db, host } = await narrowHost();
    const gateway = new DatabaseSync(db);
    try {
      gateway.exec('PRAGMA journal_mode = WAL');
      expect(gateway.prepare('SELECT scopes_json FROM device_pairing_paired').get()).toEqual({ scopes_json: JSON.stringify(NARROW) });
      await applySqliteScopeChange(db, { deviceId: host.deviceId, expect: expectNarrow, add: ['operator.admin'] });
      const seen = gateway.prepare('SELECT scopes_json FROM device_pairing_paired').get() as { scopes_json: string };
      expect(JSON.parse(seen.scopes_json)).toContain('operator.admin');
    } finally {
      gateway.close();
    }
  });

  it('gives up with one clear line when the write lock stays taken, and changes nothing', async () => {
    // The gateway holds its write transaction longer than we wait: 200 ms here instead of 5 s (each of 3 tries).
    setHooks({ sqliteBusyMs: 200 });
    onTestFinished(() => setHooks({}));
    const { db, host } = await narrowHost();
    const holder = new DatabaseSync(db);
    holder.exec('BEGIN IMMEDIATE');
    try {
      const err = await applySqliteScopeChange(db, { deviceId: host.deviceId, expect: expectNarrow, add: ['operator.admin'] }).catch((e: Error) => e);
      expect(err).toBeInstanceOf(Error);
      expect((err as Error).message).toMatch(/is locked by another process .*nothing was changed/);
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
    expect((await readSqliteScopes(db, host.deviceId))?.scopes).toEqual(NARROW);
  });
});

describe('backup and restore', () => {
  it('backs up with the online backup API and restores only the device tables, in place', async () => {
    const { db, host, dir } = await narrowHost();
    const copy = path.join(dir, 'backup.sqlite');
    const live = new DatabaseSync(db);
    live.exec('CREATE TABLE IF NOT EXISTS other_state (v TEXT)');
    live.exec("INSERT INTO other_state VALUES ('before')");
    try {
      await backupSqlite(db, copy); // while another connection has it open
    } finally {
      live.close();
    }
    expect(statSync(copy).mode & 0o777).toBe(0o600);
    await applySqliteScopeChange(db, { deviceId: host.deviceId, expect: expectNarrow, add: ['operator.admin'], removePending: ['req-admin'] });
    const other = new DatabaseSync(db);
    other.exec("INSERT INTO other_state VALUES ('after')");
    other.close();

    const { rows } = await restoreDeviceTables(db, copy);
    expect(rows).toEqual({ device_pairing_paired: 1, device_pairing_pending: 1, device_auth_tokens: 1 });
    expect((await readSqliteScopes(db, host.deviceId))?.scopes).toEqual(NARROW);
    const check = new DatabaseSync(db, { readOnly: true });
    // Other tables keep their current rows: a restore undoes the pairing change, not the gateway's other work.
    expect((check.prepare('SELECT count(*) AS n FROM other_state').get() as { n: number }).n).toBe(2);
    expect((check.prepare('PRAGMA integrity_check').get() as { integrity_check: string }).integrity_check).toBe('ok');
    check.close();
    expect(existsSync(copy)).toBe(true);
  });
});

describe('rotate plan -> SQLite change', () => {
  it('renders the same plan rotate shows for the JSON store (grant operator.admin when named)', async () => {
    const { dir, db, host } = await narrowHost();
    const { writeFileSync } = await import('node:fs');
    writeFileSync(path.join(dir, 'openclaw.json'), JSON.stringify({ gateway: { mode: 'local', bind: 'loopback', auth: { mode: 'none' }, nodes: { pairing: { autoApproveLocal: false } } } }), { mode: 0o600 });
    const snapshot = await takeSnapshot({ stateDir: dir, openclawVersion: '2026.8.2', env: {} });
    const plan = planRotate(snapshot, diagnose(snapshot), { scopes: ['operator.admin'] });
    expect(plan.nothing).toBeUndefined();
    const device = snapshot.store.devices.find((d) => d.key === plan.target.key)!;
    const change = sqliteChangeFromPlan(plan, device);
    expect(change.add).toContain('operator.admin');
    expect(change.removePending).toEqual(['req-admin']);
    await applySqliteScopeChange(db, change);
    const after = await takeSnapshot({ stateDir: dir, openclawVersion: '2026.8.2', env: {} });
    const d = diagnose(after);
    // 8.2's CLI asks each command's scope (measured with auth none): every command class is let in afterwards.
    const cli = d.clients.filter((c) => c.client.startsWith('cli'));
    expect(cli.map((c) => c.client)).toEqual(['cli-read', 'cli-write', 'cli-admin']);
    expect(cli.every((c) => c.verdict === 'allowed')).toBe(true);
    // The repair leaves no error; `release-unverified` (issue 20) is about the release, not the store.
    expect(d.findings.filter((f) => f.severity === 'error' && f.id !== 'release-unverified')).toEqual([]);
    expect(host.deviceId).toBe(device.deviceId);
  });
});
