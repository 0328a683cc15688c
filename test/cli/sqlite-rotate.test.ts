/**
 * rotate and restore on the SQLite store (2026.8.1+), on real databases with the real schema: the same
 * pipeline as the JSON store (plan, confirm, service stop/start, verify, rollback), with an online-backup copy,
 * one transaction, and the device tables put back by restore. Secrets are never printed.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { CRASH_STEPS } from '../../src/repair/crash.js';
import { copyFixture, HOOKED_BIN, leakedSecrets, parseJson, runCli } from '../helpers.js';
import { fakeServices } from '../fakes/index.js';
import { isMeasuredRelease } from '../../src/core/knowledge.js';

const NARROW = 'sqlite-8.2-cli-narrow-no-autoapprove';
const REMOTE = 'sqlite-9.6-remote-device-narrow';
const V82 = ['--openclaw-version', '2026.8.2'];
const ADMIN = ['--scope', 'operator.admin'];
const UNIT = 'openclaw-gateway.service';

function dbOf(dir: string): string {
  return path.join(dir, 'state', 'openclaw.sqlite');
}

type Row = Record<string, unknown>;
const DEVICE_TABLES = ['device_pairing_paired', 'device_pairing_pending', 'device_auth_tokens'] as const;
type Tables = Record<(typeof DEVICE_TABLES)[number], Row[]>;

/** The device tables as rows (compared in the test, never printed). */
function tables(db: string): Tables {
  const conn = new DatabaseSync(db, { readOnly: true });
  try {
    const out = {} as Tables;
    for (const t of DEVICE_TABLES) {
      out[t] = (conn.prepare(`SELECT * FROM ${t}`).all() as Row[]).map((r) => ({ ...r })).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    }
    return out;
  } finally {
    conn.close();
  }
}

function integrity(db: string): string {
  const conn = new DatabaseSync(db);
  try {
    return String((conn.prepare('PRAGMA integrity_check').get() as { integrity_check: string }).integrity_check);
  } finally {
    conn.close();
  }
}

function host(db: string): { scopes: string[]; approved: string[]; tokens: { operator: { token: string; scopes: string[] } }; auth: { token: string; scopes: string[] } | undefined } {
  const conn = new DatabaseSync(db, { readOnly: true });
  try {
    const row = conn.prepare('SELECT p.device_id, p.scopes_json, p.approved_scopes_json, p.tokens_json FROM device_pairing_paired p JOIN device_identities i ON i.device_id = p.device_id').get() as Row;
    const auth = conn.prepare('SELECT token, scopes_json FROM device_auth_tokens WHERE device_id = ?').get(row.device_id as string) as Row | undefined;
    return {
      scopes: JSON.parse(String(row.scopes_json)),
      approved: JSON.parse(String(row.approved_scopes_json)),
      tokens: JSON.parse(String(row.tokens_json)),
      auth: auth ? { token: String(auth.token), scopes: JSON.parse(String(auth.scopes_json)) } : undefined,
    };
  } finally {
    conn.close();
  }
}

function stateFiles(dir: string): { name: string; size: number; mtimeMs: number; bytes: string }[] {
  const d = path.join(dir, 'state');
  return readdirSync(d)
    .sort()
    .map((name) => {
      const p = path.join(d, name);
      const s = statSync(p);
      return { name, size: s.size, mtimeMs: s.mtimeMs, bytes: readFileSync(p).toString('base64') };
    });
}

describe('rotate on the SQLite store', () => {
  it('--dry-run changes nothing: database bytes, no -wal/-shm created, mtimes kept', async () => {
    const { dir, meta } = copyFixture(NARROW);
    const before = stateFiles(dir);
    const { env } = await fakeServices();
    const r = runCli(['rotate', '--state-dir', dir, ...V82, ...ADMIN, '--dry-run'], { env });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain('one transaction in state/openclaw.sqlite');
    // 8.2's CLI asks each command's scope (measured with auth none): `system event` needs write, `cron add` admin.
    expect(r.stdout).toMatch(/device_pairing_paired\n\s+scopes_json\s+\+ operator\.write, operator\.admin/);
    expect(r.stdout).toContain('Dry run: nothing was changed.');
    expect(stateFiles(dir)).toEqual(before);
    expect(existsSync(path.join(dir, 'backups'))).toBe(false);
    expect(leakedSecrets(meta.secrets, r.stdout, r.stderr)).toEqual([]);
  });

  it('--yes --no-restart adds the scopes in every list, keeps the token values, clears the request; doctor exits 0; restore brings the device tables back exactly', async () => {
    const { dir, meta } = copyFixture(NARROW);
    const db = dbOf(dir);
    const original = tables(db);
    const old = host(db);
    const { env } = await fakeServices();

    const r = runCli(['rotate', '--state-dir', dir, ...V82, ...ADMIN, '--yes', '--no-restart'], { env });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('Done: granted operator.write, operator.admin');
    const now = host(db);
    for (const list of [now.scopes, now.approved, now.tokens.operator.scopes, now.auth!.scopes]) {
      expect(list).toEqual(expect.arrayContaining(['operator.pairing', 'operator.read', 'operator.admin', 'operator.write']));
    }
    expect(now.scopes.slice(0, 2)).toEqual(old.scopes); // nothing removed, order kept
    expect(now.tokens.operator.token).toBe(old.tokens.operator.token);
    expect(now.auth!.token).toBe(old.auth!.token);
    expect(tables(db).device_pairing_pending).toEqual([]);
    expect(integrity(db)).toBe('ok');

    const backups = readdirSync(path.join(dir, 'backups/openclaw-fix'));
    expect(backups).toHaveLength(1);
    const bdir = path.join(dir, 'backups/openclaw-fix', backups[0]!);
    const manifest = JSON.parse(readFileSync(path.join(bdir, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ command: 'rotate', status: 'applied', files: [{ path: 'state/openclaw.sqlite', kind: 'sqlite', mode: '0600' }] });
    expect(manifest.files[0].tablesSha256After).toMatch(/^[0-9a-f]{64}$/);
    expect(manifest.files[0].tablesSha256After).not.toBe(manifest.files[0].tablesSha256Before);
    // The copy is one self-contained file (no -wal beside it) holding the rows as they were.
    const copy = path.join(bdir, 'state/openclaw.sqlite');
    expect(statSync(copy).mode & 0o777).toBe(0o600);
    expect(readdirSync(path.dirname(copy))).toEqual(['openclaw.sqlite']);
    expect(tables(copy)).toEqual(original);

    // No error is left but issue 20's "unverified" while 8.2 has no sweep data (that one never lets doctor exit 0).
    const doctor = runCli(['doctor', '--state-dir', dir, ...V82, '--no-logs', '--json'], { env });
    const left = (JSON.parse(doctor.stdout) as { findings: Array<{ id: string; severity: string }> }).findings.filter((f) => f.severity === 'error');
    expect(left.map((f) => f.id)).toEqual(isMeasuredRelease('2026.8.2') ? [] : ['release-unverified']);
    expect(doctor.code, doctor.stdout).toBe(isMeasuredRelease('2026.8.2') ? 0 : 1);

    const list = runCli(['restore', '--list', '--state-dir', dir], { env });
    expect(list.code).toBe(0);
    expect(list.stdout).toContain('state/openclaw.sqlite (device tables)');

    const restored = runCli(['restore', '--state-dir', dir, ...V82, '--yes', '--no-restart'], { env });
    expect(restored.code, restored.stdout + restored.stderr).toBe(0);
    expect(tables(db)).toEqual(original);
    expect(integrity(db)).toBe('ok');
    // The restore backed up the state it replaced: it can be undone, and a second restore of the same backup does nothing.
    expect(readdirSync(path.join(dir, 'backups/openclaw-fix'))).toHaveLength(2);
    const again = runCli(['restore', backups[0]!, '--state-dir', dir, ...V82, '--yes', '--no-restart'], { env });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('already hold the rows');
    expect(runCli(['doctor', '--state-dir', dir, ...V82, '--no-logs'], { env }).code).toBe(1);

    expect(leakedSecrets(meta.secrets, r.stdout, r.stderr, doctor.stdout, list.stdout, restored.stdout, restored.stderr, again.stdout)).toEqual([]);
  });

  it('a device that is not the host (named with --device): only its row changes, device_auth_tokens untouched; --json describes the store', async () => {
    const { dir, meta } = copyFixture(REMOTE);
    const db = dbOf(dir);
    const before = tables(db);
    const id = String(before.device_pairing_paired[0]!.device_id);
    const { env } = await fakeServices();
    const r = runCli(['rotate', '--state-dir', dir, '--openclaw-version', '2026.9.6', '--device', id.slice(0, 10), '--yes', '--no-restart', '--json'], { env });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const doc = parseJson<{ plan: { store: string; files: string[]; arrays: { file: string; field: string; added: string[] }[] }; result: { status: string; written: string[] } }>(r.stdout);
    expect(doc.plan.store).toBe('sqlite');
    expect(doc.plan.files).toEqual(['device_pairing_paired', 'device_pairing_pending']);
    expect(doc.plan.arrays.map((a) => a.field)).toEqual(['scopes_json', 'approved_scopes_json', 'tokens_json.operator.scopes']);
    expect(doc.result).toMatchObject({ status: 'applied', written: ['state/openclaw.sqlite'] });
    const after = tables(db);
    const row = after.device_pairing_paired[0]!;
    expect(JSON.parse(String(row.scopes_json))).toEqual(['operator.read', 'operator.write']);
    expect(JSON.parse(String(row.tokens_json)).operator.token).toBe(JSON.parse(String(before.device_pairing_paired[0]!.tokens_json)).operator.token);
    expect(after.device_auth_tokens).toEqual(before.device_auth_tokens);
    expect(after.device_pairing_pending).toEqual([]);
    expect(leakedSecrets(meta.secrets, r.stdout, r.stderr)).toEqual([]);
  });

  it('--new-token: one new value in tokens_json and in the host copy in device_auth_tokens, never printed', async () => {
    const { dir, meta } = copyFixture(NARROW);
    const db = dbOf(dir);
    const old = host(db);
    const { env } = await fakeServices();
    const r = runCli(['rotate', '--state-dir', dir, ...V82, ...ADMIN, '--new-token', '--yes', '--no-restart', '--json'], { env });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const now = host(db);
    expect(now.tokens.operator.token).not.toBe(old.tokens.operator.token);
    expect(now.tokens.operator.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(now.auth!.token).toBe(now.tokens.operator.token);
    expect(now.tokens.operator).toHaveProperty('rotatedAtMs');
    expect(leakedSecrets([...meta.secrets, now.tokens.operator.token], r.stdout, r.stderr)).toEqual([]);
    // restore puts the old value back in both places.
    const restored = runCli(['restore', '--state-dir', dir, ...V82, '--yes', '--no-restart'], { env });
    expect(restored.code).toBe(0);
    expect(host(db).tokens.operator.token).toBe(old.tokens.operator.token);
    expect(host(db).auth!.token).toBe(old.auth!.token);
    expect(leakedSecrets([...meta.secrets, now.tokens.operator.token], restored.stdout, restored.stderr)).toEqual([]);
  });

  it('stops and starts the gateway service around the transaction', async () => {
    const { dir } = copyFixture(NARROW);
    const fakes = await fakeServices({ units: [`user:${UNIT}`] });
    fakes.startUnit();
    const r = runCli(['rotate', '--state-dir', dir, ...V82, ...ADMIN, '--yes', '--timeout', '10'], { env: fakes.env });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const calls = fakes.calls();
    expect(calls.findIndex((c) => c.includes(`stop ${UNIT}`))).toBeLessThan(calls.findIndex((c) => c.includes(`start ${UNIT}`)));
    expect(r.stdout).toMatch(/restarted .* back on its port/);
    expect(host(dbOf(dir)).scopes).toContain('operator.admin');
  });

  it('another connection (the gateway) holds the WAL database open with a read transaction: the commit goes through and that connection then sees it', async () => {
    const { dir } = copyFixture(NARROW);
    const db = dbOf(dir);
    const gateway = new DatabaseSync(db);
    try {
      gateway.exec('PRAGMA journal_mode = WAL');
      gateway.exec('BEGIN');
      gateway.prepare('SELECT count(*) FROM device_pairing_paired').get();
      const { env } = await fakeServices();
      const r = runCli(['rotate', '--state-dir', dir, ...V82, ...ADMIN, '--yes', '--no-restart'], { env });
      expect(r.code, r.stdout + r.stderr).toBe(0);
      gateway.exec('COMMIT');
      const row = gateway.prepare('SELECT scopes_json FROM device_pairing_paired').get() as { scopes_json: string };
      expect(JSON.parse(row.scopes_json)).toContain('operator.admin');
      expect(existsSync(`${db}-wal`)).toBe(true); // the live -wal was left to SQLite, never copied or removed
    } finally {
      gateway.close();
    }
    expect(integrity(db)).toBe('ok');
  });

  it('another connection holds the write lock the whole time: exit 2 after the busy timeout, nothing changed, no backup left, lock released', async () => {
    const { dir } = copyFixture(NARROW);
    const db = dbOf(dir);
    const before = tables(db);
    const holder = new DatabaseSync(db);
    try {
      holder.exec('PRAGMA journal_mode = WAL');
      holder.exec('BEGIN IMMEDIATE');
      const { env } = await fakeServices();
      const r = runCli(['rotate', '--state-dir', dir, ...V82, ...ADMIN, '--yes', '--no-restart'], { env: { ...env, OPENCLAW_FIX_TEST_SQLITE_BUSY_MS: '200' } });
      expect(r.code, r.stdout + r.stderr).toBe(2);
      expect(r.stderr + r.stdout).toMatch(/locked by another process/);
      holder.exec('ROLLBACK');
    } finally {
      holder.close();
    }
    expect(tables(db)).toEqual(before);
    expect(readdirSync(path.join(dir, 'backups/openclaw-fix'))).toEqual([]);
    expect(existsSync(path.join(dir, 'openclaw-fix.lock'))).toBe(false);
    // Not left locked by us: a writer gets the lock at once.
    const w = new DatabaseSync(db);
    w.exec('PRAGMA busy_timeout = 0');
    w.exec('BEGIN IMMEDIATE');
    w.exec('ROLLBACK');
    w.close();
  });
});

describe('a crash at every step of rotate on the SQLite store', () => {
  it.each(CRASH_STEPS)('killed at "%s": integrity ok, old or new scopes (never a mix), a complete backup, a re-run finishes', async (step) => {
    const ref = copyFixture(NARROW).dir;
    const fakes = await fakeServices({ units: [`user:${UNIT}`] });
    expect(runCli(['rotate', '--state-dir', ref, ...V82, ...ADMIN, '--yes', '--no-restart'], { env: fakes.env }).code).toBe(0);
    const expected = tables(dbOf(ref));

    const { dir } = copyFixture(NARROW);
    const db = dbOf(dir);
    const old = tables(db);
    fakes.startUnit();
    const crashed = runCli(['rotate', '--state-dir', dir, ...V82, ...ADMIN, '--yes', '--timeout', '10'], { env: { ...fakes.env, OPENCLAW_FIX_TEST_CRASH_AT: step }, bin: HOOKED_BIN });
    expect(crashed.code).toBe(-1);
    expect(integrity(db)).toBe('ok');
    const now = tables(db);
    const scopeCols = (t: Tables) => JSON.stringify([t.device_pairing_paired.map((r) => [r.scopes_json, r.approved_scopes_json, JSON.parse(String(r.tokens_json)).operator.scopes]), t.device_auth_tokens.map((r) => r.scopes_json), t.device_pairing_pending.map((r) => r.request_id)]);
    expect([scopeCols(old), scopeCols(expected)]).toContain(scopeCols(now));

    const root = path.join(dir, 'backups/openclaw-fix');
    for (const name of existsSync(root) ? readdirSync(root) : []) {
      if (!existsSync(path.join(root, name, 'manifest.json'))) continue;
      expect(tables(path.join(root, name, 'state/openclaw.sqlite'))).toEqual(old);
    }

    const rerun = runCli(['rotate', '--state-dir', dir, ...V82, ...ADMIN, '--yes', '--timeout', '10'], { env: fakes.env });
    expect(rerun.code, rerun.stdout + rerun.stderr).toBe(0);
    expect(scopeCols(tables(db))).toBe(scopeCols(expected));
    expect(integrity(db)).toBe('ok');
  });
});
