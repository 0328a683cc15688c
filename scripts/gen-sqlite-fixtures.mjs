#!/usr/bin/env node
// Generates the SQLite-era fixture states (OpenClaw 2026.8.1+) under fixtures/states/sqlite-*: REAL SQLite
// databases with the REAL schema of the device tables.
//
// The CREATE TABLE / CREATE INDEX statements below were copied from the sqlite_master of databases the real
// gateways created on this machine (`openclaw gateway run`, 2026.8.2 schema_version 15 and 2026.9.6
// schema_version 18: the device tables are byte-identical in both). Re-extract them with
//   node scripts/gen-sqlite-fixtures.mjs --print-ddl <state>/state/openclaw.sqlite
// Only the tables openclaw-fix reads are created; a real database has ~100 more (sessions, cron, ...).
//
// Every key pair and token here is generated for the fixture and listed in its fixture.json `secrets`, so
// the doctor-fixtures test proves none of them is ever printed.
//
//   node scripts/gen-sqlite-fixtures.mjs            # (re)writes fixtures/states/sqlite-*
// Tests import { createStateDb, newIdentity } from this file to build databases in temp dirs.
import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync, chmodSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const DEVICE_DDL = `
CREATE TABLE device_auth_tokens (
  device_id TEXT NOT NULL,
  role TEXT NOT NULL,
  token TEXT NOT NULL,
  scopes_json TEXT NOT NULL,
  updated_at_ms INTEGER NOT NULL,
  PRIMARY KEY (device_id, role)
) STRICT;
CREATE TABLE device_identities (
  identity_key TEXT NOT NULL PRIMARY KEY,
  device_id TEXT NOT NULL,
  public_key_pem TEXT NOT NULL,
  private_key_pem TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  updated_at_ms INTEGER NOT NULL
) STRICT;
CREATE TABLE device_pairing_paired (
  device_id TEXT NOT NULL PRIMARY KEY,
  public_key TEXT NOT NULL,
  display_name TEXT,
  operator_label TEXT,
  platform TEXT,
  device_family TEXT,
  client_id TEXT,
  client_mode TEXT,
  browser_origin TEXT,
  role TEXT,
  roles_json TEXT,
  scopes_json TEXT,
  approved_scopes_json TEXT,
  remote_ip TEXT,
  tokens_json TEXT,
  approved_via TEXT,
  node_surface_json TEXT,
  pending_node_surface_json TEXT,
  created_at_ms INTEGER NOT NULL,
  approved_at_ms INTEGER NOT NULL,
  last_seen_at_ms INTEGER,
  last_seen_reason TEXT
) STRICT;
CREATE TABLE device_pairing_pending (
  request_id TEXT NOT NULL PRIMARY KEY,
  device_id TEXT NOT NULL,
  public_key TEXT NOT NULL,
  display_name TEXT,
  platform TEXT,
  device_family TEXT,
  client_id TEXT,
  client_mode TEXT,
  browser_origin TEXT,
  role TEXT,
  roles_json TEXT,
  scopes_json TEXT,
  remote_ip TEXT,
  silent INTEGER,
  is_repair INTEGER,
  ts INTEGER NOT NULL,
  refreshed_at_ms INTEGER
) STRICT;
CREATE TABLE schema_meta (
  meta_key TEXT NOT NULL PRIMARY KEY,
  role TEXT NOT NULL,
  schema_version INTEGER NOT NULL,
  agent_id TEXT,
  app_version TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX idx_device_pairing_paired_approved
  ON device_pairing_paired(approved_at_ms DESC, device_id);
CREATE INDEX idx_device_pairing_pending_device
  ON device_pairing_pending(device_id, ts DESC);
`;

async function sqlite() {
  const original = process.emitWarning;
  process.emitWarning = (w, ...rest) => (/sqlite/i.test(String(w?.message ?? w)) ? undefined : original.call(process, w, ...rest));
  try {
    return await import('node:sqlite');
  } finally {
    process.emitWarning = original;
  }
}

/** A real Ed25519 identity, as OpenClaw derives it: deviceId = sha256(raw public key), publicKey = base64url(raw). */
export function newIdentity() {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const raw = publicKey.export({ type: 'spki', format: 'der' }).subarray(12);
  return { deviceId: createHash('sha256').update(raw).digest('hex'), publicKey: raw.toString('base64url'), publicKeyPem, privateKeyPem };
}

const J = (v) => (v === undefined || v === null ? null : JSON.stringify(v));

/**
 * Creates <stateDir>/state/openclaw.sqlite (WAL mode, like the gateway) with the given rows.
 * spec: { schemaVersion, appVersion, identity?: newIdentity(), devices: [pairedObject], pending: [pendingObject],
 *         authTokens: [{deviceId, role, token, scopes}], dropColumn?: [table, column], dropTable?: table }
 * Paired/pending objects use paired.json's field names (deviceId, scopes, tokens, ...).
 */
export async function createStateDb(stateDir, spec = {}) {
  const { DatabaseSync } = await sqlite();
  const dir = path.join(stateDir, 'state');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, 'openclaw.sqlite');
  for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
  const db = new DatabaseSync(file);
  try {
    db.exec('PRAGMA journal_mode = WAL');
    let ddl = DEVICE_DDL;
    if (spec.dropTable) ddl = ddl.replace(new RegExp(`CREATE TABLE ${spec.dropTable} \\([\\s\\S]*?\\) STRICT;`), '').replace(/CREATE INDEX idx_device_pairing_pending_device[\s\S]*?;/, spec.dropTable === 'device_pairing_pending' ? '' : '$&');
    db.exec(ddl);
    const now = spec.nowMs ?? Date.now();
    db.prepare(`INSERT INTO schema_meta (meta_key, role, schema_version, app_version, created_at, updated_at) VALUES ('primary', 'global', ?, ?, ?, ?)`).run(spec.schemaVersion ?? 15, spec.appVersion ?? '2026.8.2', now, now);
    if (spec.identity) {
      const i = spec.identity;
      db.prepare(`INSERT INTO device_identities VALUES ('primary', ?, ?, ?, ?, ?)`).run(i.deviceId, i.publicKeyPem, i.privateKeyPem, now, now);
    }
    const ins = db.prepare(`INSERT INTO device_pairing_paired (device_id, public_key, display_name, platform, device_family, client_id, client_mode, role, roles_json, scopes_json, approved_scopes_json, remote_ip, tokens_json, approved_via, created_at_ms, approved_at_ms, last_seen_at_ms, last_seen_reason) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`);
    for (const d of spec.devices ?? []) {
      ins.run(d.deviceId, d.publicKey, d.displayName ?? null, d.platform ?? 'linux', d.deviceFamily ?? null, d.clientId ?? 'cli', d.clientMode ?? 'cli', d.role ?? 'operator', J(d.roles ?? ['operator']), J(d.scopes), J(d.approvedScopes), d.remoteIp ?? null, J(d.tokens), d.approvedVia ?? 'silent', d.createdAtMs ?? now - 3_600_000, d.approvedAtMs ?? now - 3_600_000, d.lastSeenAtMs ?? now - 60_000, d.lastSeenAtMs === null ? null : 'connect');
    }
    const insP = (spec.pending ?? []).length === 0 ? null : db.prepare(`INSERT INTO device_pairing_pending (request_id, device_id, public_key, platform, client_id, client_mode, role, roles_json, scopes_json, remote_ip, silent, is_repair, ts, refreshed_at_ms) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)`);
    for (const p of spec.pending ?? []) {
      insP?.run(p.requestId, p.deviceId, p.publicKey, p.platform ?? 'linux', p.clientId ?? 'cli', p.clientMode ?? 'cli', p.role ?? 'operator', J(p.roles ?? ['operator']), J(p.scopes), p.remoteIp ?? null, p.silent ? 1 : 0, p.isRepair === false ? 0 : 1, p.ts ?? now - 30_000, p.refreshedAtMs ?? null);
    }
    const insT = db.prepare(`INSERT INTO device_auth_tokens VALUES (?,?,?,?,?)`);
    for (const t of spec.authTokens ?? []) insT.run(t.deviceId, t.role ?? 'operator', t.token, J(t.scopes), now);
    if (spec.dropColumn) db.exec(`ALTER TABLE ${spec.dropColumn[0]} DROP COLUMN ${spec.dropColumn[1]}`);
    db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
  for (const f of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(f)) chmodSync(f, 0o600);
  return file;
}

/** A token value like OpenClaw's (fixture-only; registered in fixture.json secrets). */
function fixtureToken(label) {
  return `TOKEN-${label}-`.padEnd(43, 'x');
}

function tokenObj(token, scopes, now) {
  return { token, role: 'operator', scopes, createdAtMs: now - 3_600_000 };
}

function writeConfig(dir, gateway) {
  writeFileSync(path.join(dir, 'openclaw.json'), JSON.stringify({ gateway }, null, 2), { mode: 0o600 });
}

/** The fixture states, each from an observation on the real 8.2 / 9.6 gateways (docs/e2e-notes.md §7). */
async function generateFixtures(root) {
  const now = Date.UTC(2026, 10, 25, 12, 0, 0);
  const states = [];
  const make = async (name, fn) => {
    const dir = path.join(root, name);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const meta = await fn(dir);
    writeFileSync(path.join(dir, 'fixture.json'), `${JSON.stringify({ modes: {}, ...meta }, null, 2)}\n`);
    states.push(name);
  };

  // 8.2, auth none, autoApproveLocal false: `devices list` paired the host with [pairing], `cron list` widened it to
  // [pairing, read] (silent then), and after autoApproveLocal:false `cron add` (admin) loops on a repair request.
  await make('sqlite-8.2-cli-narrow-no-autoapprove', async (dir) => {
    const host = newIdentity();
    const token = fixtureToken('sqlite-8.2-cli-narrow');
    const scopes = ['operator.pairing', 'operator.read'];
    await createStateDb(dir, {
      nowMs: now,
      identity: host,
      devices: [{ deviceId: host.deviceId, publicKey: host.publicKey, scopes, approvedScopes: scopes, tokens: { operator: tokenObj(token, scopes, now) } }],
      pending: [{ requestId: '5e3e4b6d-5f39-4eb6-a9e9-374051cdc5d3', deviceId: host.deviceId, publicKey: host.publicKey, scopes: ['operator.admin'], ts: now - 20_000 }],
      authTokens: [{ deviceId: host.deviceId, token, scopes: ['operator.read'] }],
    });
    writeConfig(dir, { mode: 'local', port: 18789, bind: 'loopback', auth: { mode: 'none' }, nodes: { pairing: { autoApproveLocal: false } } });
    return {
      openclawVersion: '2026.8.2',
      expect: { exitCode: 1, findings: ['service-device-missing-read', 'pending-repair-request'] },
      secrets: [token, host.privateKeyPem.split('\n')[1]],
    };
  });

  // 9.6 fresh install with the shared token: nothing pairs (measured: devices list -> paired: []), identity in SQLite.
  await make('sqlite-9.6-fresh', async (dir) => {
    const host = newIdentity();
    await createStateDb(dir, { nowMs: now, identity: host, schemaVersion: 18, appVersion: '2026.9.6' });
    const gw = 'GATEWAYTOKEN-sqlite-9.6-fresh-gggggggggggggggggggg';
    writeConfig(dir, { mode: 'local', port: 18789, bind: 'loopback', auth: { mode: 'token', token: gw } });
    return { openclawVersion: '2026.9.6', expect: { exitCode: 0, absentErrors: true, absent: ['identity-not-paired'] }, secrets: [gw, host.privateKeyPem.split('\n')[1]] };
  });

  // 8.2 after migration: a second device (read only) in SQLite; someone then followed old advice and widened it in
  // devices/paired.json, which the gateway never reads again.
  await make('sqlite-8.2-legacy-json-edited', async (dir) => {
    const host = newIdentity();
    const dev = newIdentity();
    const token = fixtureToken('sqlite-8.2-legacy-dev');
    await createStateDb(dir, {
      nowMs: now,
      identity: host,
      devices: [{ deviceId: dev.deviceId, publicKey: dev.publicKey, scopes: ['operator.read'], approvedScopes: ['operator.read'], tokens: { operator: tokenObj(token, ['operator.read'], now) } }],
    });
    mkdirSync(path.join(dir, 'devices'), { recursive: true });
    const edited = { [dev.deviceId]: { deviceId: dev.deviceId, publicKey: dev.publicKey, platform: 'linux', clientId: 'cli', clientMode: 'cli', role: 'operator', roles: ['operator'], scopes: ['operator.read', 'operator.write', 'operator.admin'], approvedScopes: ['operator.read', 'operator.write', 'operator.admin'], tokens: { operator: tokenObj(token, ['operator.read', 'operator.write', 'operator.admin'], now) }, createdAtMs: now - 3_600_000, approvedAtMs: now - 3_600_000 } };
    writeFileSync(path.join(dir, 'devices', 'paired.json'), JSON.stringify(edited, null, 2), { mode: 0o600 });
    writeFileSync(path.join(dir, 'devices', 'pending.json.migrated'), '{}', { mode: 0o600 });
    const gw = 'GATEWAYTOKEN-sqlite-8.2-legacy-gggggggggggggggggggg';
    writeConfig(dir, { mode: 'local', port: 18789, bind: 'loopback', auth: { mode: 'token', token: gw } });
    return { openclawVersion: '2026.8.2', expect: { exitCode: 0, findings: ['legacy-store-ignored'], absent: ['sqlite-migration', 'identity-not-paired'] }, secrets: [token, gw, host.privateKeyPem.split('\n')[1]] };
  });

  // 9.6, a device that paired read-only through a trusted proxy (remote): its scope upgrade is never silent.
  await make('sqlite-9.6-remote-device-narrow', async (dir) => {
    const host = newIdentity();
    const dev = newIdentity();
    const token = fixtureToken('sqlite-9.6-remote');
    await createStateDb(dir, {
      nowMs: now,
      identity: host,
      schemaVersion: 18,
      appVersion: '2026.9.6',
      devices: [{ deviceId: dev.deviceId, publicKey: dev.publicKey, remoteIp: '203.0.113.7', scopes: ['operator.read'], approvedScopes: ['operator.read'], tokens: { operator: tokenObj(token, ['operator.read'], now) } }],
      pending: [{ requestId: 'b1c2d3e4-0000-4000-8000-000000000001', deviceId: dev.deviceId, publicKey: dev.publicKey, remoteIp: '203.0.113.7', scopes: ['operator.read', 'operator.write'], ts: now - 20_000 }],
    });
    const gw = 'GATEWAYTOKEN-sqlite-9.6-remote-gggggggggggggggggggg';
    writeConfig(dir, { mode: 'local', port: 18789, bind: 'loopback', auth: { mode: 'token', token: gw } });
    return { openclawVersion: '2026.9.6', expect: { exitCode: 0, findings: ['pending-repair-request'] }, secrets: [token, gw, host.privateKeyPem.split('\n')[1]] };
  });

  // Version unknown, the database has paired rows: the files say SQLite is the store.
  await make('sqlite-version-unknown', async (dir) => {
    const host = newIdentity();
    const token = fixtureToken('sqlite-unknown-host');
    const scopes = ['operator.pairing', 'operator.read'];
    await createStateDb(dir, {
      nowMs: now,
      identity: host,
      devices: [{ deviceId: host.deviceId, publicKey: host.publicKey, scopes, approvedScopes: scopes, tokens: { operator: tokenObj(token, scopes, now) } }],
    });
    const gw = 'GATEWAYTOKEN-sqlite-unknown-gggggggggggggggggggggg';
    writeConfig(dir, { mode: 'local', port: 18789, bind: 'loopback', auth: { mode: 'token', token: gw } });
    return { openclawVersion: null, expect: { exitCode: 1, findings: ['openclaw-version-unknown'] }, secrets: [token, gw, host.privateKeyPem.split('\n')[1]] };
  });
  return states;
}

async function printDdl(file) {
  const { DatabaseSync } = await sqlite();
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    const rows = db.prepare(`SELECT sql FROM sqlite_master WHERE name IN ('device_pairing_paired','device_pairing_pending','device_identities','device_auth_tokens','schema_meta','idx_device_pairing_paired_approved','idx_device_pairing_pending_device') ORDER BY type DESC, name`).all();
    process.stdout.write(`${rows.map((r) => `${r.sql};`).join('\n')}\n`);
  } finally {
    db.close();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (process.argv[2] === '--print-ddl') await printDdl(process.argv[3]);
  else {
    const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'states');
    const names = await generateFixtures(root);
    console.log(`wrote ${names.map((n) => `fixtures/states/${n}`).join(', ')}`);
  }
}
