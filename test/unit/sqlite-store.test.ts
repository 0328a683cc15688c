/**
 * The SQLite store reads into the same model as the JSON store: the same device objects written to
 * paired.json (7.x layout) and to openclaw.sqlite (8.x/9.x layout) give the same findings from every rule.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain .mjs generator shared with scripts/
import { createStateDb, newIdentity } from '../../scripts/gen-sqlite-fixtures.mjs';
import { diagnose } from '../../src/core/diagnose.js';
import { takeSnapshot } from '../../src/core/snapshot.js';
import { pairedRowToObject } from '../../src/store/sqlite-store.js';
import { tempDir } from '../helpers.js';

type Ident = { deviceId: string; publicKey: string; publicKeyPem: string; privateKeyPem: string };
type Dev = Record<string, unknown>;

const NOW = Date.UTC(2026, 10, 25, 12, 0, 0);
const tok = (label: string) => `TOKEN-${label}-`.padEnd(43, 'x');

/** One scenario, written as a 7.x JSON state and as an 8.x SQLite state. */
async function bothStores(scenario: { host: Ident; devices: Dev[]; pending?: Dev[]; config: Record<string, unknown> }) {
  const json = path.join(tempDir(), 'state');
  mkdirSync(path.join(json, 'devices'), { recursive: true, mode: 0o700 });
  mkdirSync(path.join(json, 'identity'), { recursive: true, mode: 0o700 });
  writeFileSync(path.join(json, 'devices', 'paired.json'), JSON.stringify(Object.fromEntries(scenario.devices.map((d) => [d.deviceId, d])), null, 2), { mode: 0o600 });
  writeFileSync(path.join(json, 'devices', 'pending.json'), JSON.stringify(Object.fromEntries((scenario.pending ?? []).map((p) => [p.requestId, p])), null, 2), { mode: 0o600 });
  writeFileSync(
    path.join(json, 'identity', 'device.json'),
    JSON.stringify({ version: 1, deviceId: scenario.host.deviceId, publicKeyPem: scenario.host.publicKeyPem, privateKeyPem: scenario.host.privateKeyPem, createdAtMs: NOW }),
    { mode: 0o600 },
  );
  writeFileSync(path.join(json, 'openclaw.json'), JSON.stringify({ gateway: scenario.config }), { mode: 0o600 });

  const sqlite = path.join(tempDir(), 'state');
  await createStateDb(sqlite, { nowMs: NOW, identity: scenario.host, devices: scenario.devices, pending: scenario.pending ?? [] });
  writeFileSync(path.join(sqlite, 'openclaw.json'), JSON.stringify({ gateway: scenario.config }), { mode: 0o600 });
  return { json, sqlite };
}

async function findings(stateDir: string, version: string) {
  const snapshot = await takeSnapshot({ stateDir, openclawVersion: version, env: {}, nowMs: NOW });
  const d = diagnose(snapshot);
  // Findings about the storage itself (M16: which store, leftovers) differ by design; every other rule must agree.
  const about = d.findings.filter((f) => f.mode !== 'M16');
  return { snapshot, ids: about.map((f) => `${f.id}:${f.severity}:${f.deviceId ?? ''}`).sort(), clients: d.clients.map((c) => `${c.client}:${c.verdict}:${c.reason}`) };
}

function device(id: Ident, scopes: string[], extra: Dev = {}): Dev {
  return {
    deviceId: id.deviceId,
    publicKey: id.publicKey,
    platform: 'linux',
    clientId: 'cli',
    clientMode: 'cli',
    role: 'operator',
    roles: ['operator'],
    scopes,
    approvedScopes: scopes,
    tokens: { operator: { token: tok(id.deviceId.slice(0, 6)), role: 'operator', scopes, createdAtMs: NOW - 1000 } },
    createdAtMs: NOW - 3_600_000,
    approvedAtMs: NOW - 3_600_000,
    lastSeenAtMs: NOW - 60_000,
    ...extra,
  };
}

// The store is chosen by the release; the rules must not care which one it was.
const SCENARIOS: [string, () => { host: Ident; devices: Dev[]; pending?: Dev[]; config: Record<string, unknown> }][] = [
  [
    'host paired [pairing, read], auth none, autoApproveLocal false (measured on 8.2)',
    () => {
      const host = newIdentity() as Ident;
      return {
        host,
        devices: [device(host, ['operator.pairing', 'operator.read'])],
        pending: [{ requestId: 'r-1', deviceId: host.deviceId, publicKey: host.publicKey, clientId: 'cli', clientMode: 'cli', role: 'operator', roles: ['operator'], scopes: ['operator.admin'], silent: false, isRepair: true, ts: NOW - 20_000 }],
        config: { mode: 'local', bind: 'loopback', auth: { mode: 'none' }, nodes: { pairing: { autoApproveLocal: false } } },
      };
    },
  ],
  [
    'token scopes diverge from scopes on a second device',
    () => {
      const host = newIdentity() as Ident;
      const other = newIdentity() as Ident;
      const d = device(other, ['operator.read', 'operator.write']);
      (d.tokens as { operator: { scopes: string[] } }).operator.scopes = ['operator.read'];
      return { host, devices: [d], config: { mode: 'local', bind: 'loopback', auth: { mode: 'token', token: 'GATEWAYTOKEN-unit-ggggggggggggggggg' } } };
    },
  ],
  [
    'fully paired host, shared token',
    () => {
      const host = newIdentity() as Ident;
      return { host, devices: [device(host, ['operator.admin', 'operator.read', 'operator.write', 'operator.approvals', 'operator.pairing'])], config: { mode: 'local', bind: 'loopback', auth: { mode: 'token', token: 'GATEWAYTOKEN-unit-ggggggggggggggggg' } } };
    },
  ],
];

describe.each(SCENARIOS)('same rules on both stores: %s', (_name, make) => {
  it('gives identical findings and client verdicts from paired.json and from openclaw.sqlite', async () => {
    const { json, sqlite } = await bothStores(make());
    // 8.2's rules run on both: only the storage differs.
    const fromJson = await findings(json, '2026.8.2');
    const fromDb = await findings(sqlite, '2026.8.2');
    expect(fromDb.snapshot.store.kind).toBe('sqlite');
    expect(fromDb.ids).toEqual(fromJson.ids);
    expect(fromDb.clients).toEqual(fromJson.clients);
    expect(fromDb.snapshot.store.devices.map((d) => ({ ...d, shapeProblems: [] }))).toEqual(fromJson.snapshot.store.devices.map((d) => ({ ...d, shapeProblems: [] })));
    expect(fromDb.snapshot.identity.deviceId).toBe(fromJson.snapshot.identity.deviceId);
    expect(fromDb.snapshot.identity.publicKey).toBe(fromJson.snapshot.identity.publicKey);
  });
});

describe('decoding rows', () => {
  it('turns SQL NULL into absent fields and JSON columns into lists', () => {
    const obj = pairedRowToObject({ device_id: 'abc', public_key: 'k', scopes_json: '["operator.read"]', approved_scopes_json: null, tokens_json: null, roles_json: '["operator"]', created_at_ms: 1, approved_at_ms: 2, remote_ip: null });
    expect(obj).toEqual({ deviceId: 'abc', publicKey: 'k', scopes: ['operator.read'], roles: ['operator'], createdAtMs: 1, approvedAtMs: 2 });
  });

  it('reports a JSON column that does not parse as a shape problem, not a crash', async () => {
    const dir = path.join(tempDir(), 'state');
    const host = newIdentity() as Ident;
    const file = await createStateDb(dir, { identity: host, devices: [device(host, ['operator.read'])] });
    const { DatabaseSync } = await import('node:sqlite');
    const db = new DatabaseSync(file);
    db.prepare('UPDATE device_pairing_paired SET scopes_json = ?').run('[operator.read');
    db.close();
    const snap = await takeSnapshot({ stateDir: dir, openclawVersion: '2026.9.6', env: {} });
    expect(snap.store.devices[0]!.shapeProblems.join(' ')).toMatch(/scopes_json is not valid JSON/);
  });

  it('never keeps the private key or a token value in the model', async () => {
    const dir = path.join(tempDir(), 'state');
    const host = newIdentity() as Ident;
    await createStateDb(dir, { identity: host, devices: [device(host, ['operator.read'])], authTokens: [{ deviceId: host.deviceId, token: tok('auth-row'), scopes: ['operator.read'] }] });
    const snap = await takeSnapshot({ stateDir: dir, openclawVersion: '2026.9.6', env: {} });
    const text = JSON.stringify(snap);
    expect(text).not.toContain(host.privateKeyPem.split('\n')[1]);
    expect(text).not.toContain(tok('auth-row'));
    expect(text).not.toContain(tok(host.deviceId.slice(0, 6)));
    expect(snap.deviceAuth.tokens[0]).toMatchObject({ role: 'operator', scopes: ['operator.read'] });
    expect(snap.deviceAuth.tokens[0]!.digest).toMatch(/^[0-9a-f]{12}$/);
  });
});

describe('which store is authoritative', () => {
  it('version unknown: a database with paired rows is the store, even with paired.json beside it', async () => {
    const dir = path.join(tempDir(), 'state');
    const host = newIdentity() as Ident;
    await createStateDb(dir, { identity: host, devices: [device(host, ['operator.read'])] });
    mkdirSync(path.join(dir, 'devices'));
    writeFileSync(path.join(dir, 'devices', 'paired.json'), '{}');
    const snap = await takeSnapshot({ stateDir: dir, env: {} });
    expect(snap.release.id).toBe('unknown');
    expect(snap.store.kind).toBe('sqlite');
    expect(snap.legacyStore?.kind).toBe('json');
  });

  it('a 7.x release keeps reading JSON even though 7.x creates the database (tables unused)', async () => {
    const dir = path.join(tempDir(), 'state');
    await createStateDb(dir, {});
    mkdirSync(path.join(dir, 'devices'));
    writeFileSync(path.join(dir, 'devices', 'paired.json'), '{}');
    const snap = await takeSnapshot({ stateDir: dir, openclawVersion: '2026.7.35', env: {} });
    expect(snap.store.kind).toBe('json');
  });
});
