#!/usr/bin/env node
// Writes fixtures/states/<name>/: OpenClaw state dirs per release and failure mode, in the exact shapes
// OpenClaw writes (2-space JSON, no trailing newline, 0600). Re-run after changing a case; the output is
// committed so tests read real files. Secrets are unique markers so tests can prove none is ever printed.
import { createHash, generateKeyPairSync } from 'node:crypto';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'states');
const T0 = 1795476674149;
const S = {
  admin: 'operator.admin', read: 'operator.read', write: 'operator.write', approvals: 'operator.approvals',
  pairing: 'operator.pairing', talkSecrets: 'operator.talk.secrets',
};
const SEED = [S.admin, S.approvals, S.pairing];
const FULL = [S.admin, S.approvals, S.pairing, S.read, S.write];

function makeIdentity(name) {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const raw = spki.subarray(12);
  return {
    deviceId: createHash('sha256').update(raw).digest('hex'),
    publicKey: raw.toString('base64url'),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }),
    // A real key pair, but the marker makes any leak easy to grep for.
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).replace('-----BEGIN PRIVATE KEY-----\n', `-----BEGIN PRIVATE KEY-----\n${'PRIVKEY' + name.replace(/[^a-z0-9]/gi, '')}\n`),
  };
}

const token = (fixture, device, role = 'operator') => `TOKEN-${fixture}-${device}-${role}-`.padEnd(43, 'x');

function device(fixture, id, { name = 'host', scopes, tokenScopes = scopes, approvedScopes, clientId = 'cli', clientMode = 'cli', remoteIp, roles = ['operator'], extra = {} }) {
  const record = {
    deviceId: id.deviceId,
    publicKey: id.publicKey,
    platform: 'linux',
    clientId,
    clientMode,
    role: roles[0],
    roles,
    scopes,
    ...(approvedScopes ? { approvedScopes } : {}),
    ...(remoteIp ? { remoteIp } : {}),
    tokens: { operator: { token: token(fixture, name), role: 'operator', scopes: tokenScopes, createdAtMs: T0 } },
    createdAtMs: T0,
    approvedAtMs: T0,
    ...extra,
  };
  return record;
}

function pendingRepair(id, scopes, { clientId = 'gateway-client', clientMode = 'backend', requestId = '8508693b-75a4-4c2d-9c46-03b965cb6a5f', ts = T0 + 600000 } = {}) {
  return {
    [requestId]: {
      requestId, deviceId: id.deviceId, publicKey: id.publicKey, platform: 'linux', clientId, clientMode,
      role: 'operator', roles: ['operator'], scopes, silent: false, isRepair: true, ts,
    },
  };
}

const json = (v) => JSON.stringify(v, null, 2);

function write(dir, rel, content, mode = 0o600) {
  const p = path.join(dir, rel);
  mkdirSync(path.dirname(p), { recursive: true });
  writeFileSync(p, content);
  chmodSync(p, mode);
}

/** Each case: files to write and what doctor must report. */
const cases = [];
const add = (name, version, build, expect) => cases.push({ name, version, build, expect });

function standard(name, host, { paired, pending, auth = true, config } = {}) {
  const files = {};
  files['identity/device.json'] = json({ version: 1, deviceId: host.deviceId, publicKeyPem: host.publicKeyPem, privateKeyPem: host.privateKeyPem, createdAtMs: T0 - 46 });
  if (auth) files['identity/device-auth.json'] = json({ version: 1, deviceId: host.deviceId, tokens: { operator: { token: token(name, 'host'), role: 'operator', scopes: paired?.[host.deviceId]?.scopes ?? SEED, updatedAtMs: T0 } } });
  if (paired !== undefined) files['devices/paired.json'] = typeof paired === 'string' ? paired : json(paired);
  if (pending !== undefined) files['devices/pending.json'] = typeof pending === 'string' ? pending : json(pending);
  files['openclaw.json'] = json(config ?? { gateway: { mode: 'local', port: 18789, bind: 'loopback', auth: { mode: 'token', token: `GATEWAYTOKEN-${name}-`.padEnd(48, 'g') } } });
  return files;
}

add('2.19-seed-loop', '2026.2.19', (n, h) => standard(n, h, { paired: { [h.deviceId]: device(n, h, { scopes: SEED }) }, pending: pendingRepair(h, [S.write]) }),
  { exitCode: 1, findings: ['service-device-missing-write', 'pending-repair-request'] });
add('2.19-fixed', '2026.2.19', (n, h) => standard(n, h, { paired: { [h.deviceId]: device(n, h, { scopes: FULL }) }, pending: {} }),
  { exitCode: 0, absent: ['service-device-missing-write', 'service-device-missing-read'] });
add('2.21-write-missing', '2026.2.21', (n, h) => standard(n, h, { paired: { [h.deviceId]: device(n, h, { scopes: [...SEED, S.read], approvedScopes: [...SEED, S.read] }) } }),
  { exitCode: 1, findings: ['service-device-missing-write'] });
add('2.22-seed-scopes', '2026.2.22', (n, h) => standard(n, h, { paired: { [h.deviceId]: device(n, h, { scopes: SEED }) }, pending: pendingRepair(h, [S.read]) }),
  { exitCode: 0, findings: ['pending-repair-request'], absentErrors: true });
add('7.x-seed-scopes', '2026.7.33', (n, h) => standard(n, h, { paired: { [h.deviceId]: device(n, h, { scopes: SEED }) } }),
  { exitCode: 0, absentErrors: true, infoIncludes: 'skip device pairing' });
add('2.19-cli-read-only', '2026.2.19', (n, h) => standard(n, h, { paired: { [h.deviceId]: device(n, h, { scopes: [S.read], clientMode: 'probe' }) }, pending: pendingRepair(h, SEED, { clientId: 'cli', clientMode: 'cli' }) }),
  { exitCode: 1, findings: ['service-device-missing-read', 'service-device-missing-write'] });
add('4.20-cli-read-pairing', '2026.4.20', (n, h) => standard(n, h, { paired: { [h.deviceId]: device(n, h, { scopes: [S.read, S.pairing], approvedScopes: [S.read, S.pairing] }) } }),
  { exitCode: 1, findings: ['service-device-missing-read'] });
add('2.22-token-diverge', '2026.2.22', (n, h) => standard(n, h, { paired: { [h.deviceId]: device(n, h, { scopes: FULL, tokenScopes: SEED, approvedScopes: FULL }) } }),
  { exitCode: 0, findings: ['token-scopes-diverge'] });
add('store-empty', '2026.2.19', (n, h) => standard(n, h, { paired: '' }), { exitCode: 1, findings: ['store-unreadable'] });
add('store-bom', '2026.2.19', (n, h) => standard(n, h, { paired: '\uFEFF' + json({ [h.deviceId]: device(n, h, { scopes: FULL }) }) }), { exitCode: 1, findings: ['store-unreadable'] });
add('store-truncated', '2026.2.19', (n, h) => standard(n, h, { paired: json({ [h.deviceId]: device(n, h, { scopes: FULL }) }).slice(0, 300) }), { exitCode: 1, findings: ['store-unreadable'] });
add('store-trailing-comma', '2026.2.19', (n, h) => standard(n, h, { paired: json({ [h.deviceId]: device(n, h, { scopes: FULL }) }).replace(/\n}$/, ',\n}') }), { exitCode: 1, findings: ['store-unreadable'] });
add('store-list-shape', '2026.2.22', (n, h) => standard(n, h, { paired: json({ pending: [], paired: [{ deviceId: h.deviceId, scopes: FULL, tokens: [{ role: 'operator', scopes: FULL }] }] }) }), { exitCode: 1, findings: ['store-unreadable'] });
add('store-array', '2026.2.19', (n, h) => standard(n, h, { paired: json([device(n, h, { scopes: FULL })]) }), { exitCode: 1, findings: ['store-unreadable'] });
add('store-crlf', '2026.2.22', (n, h) => standard(n, h, { paired: json({ [h.deviceId]: device(n, h, { scopes: FULL, approvedScopes: FULL }) }).replace(/\n/g, '\r\n') }), { exitCode: 0, findings: ['store-line-endings'] });
add('identity-not-paired', '2026.2.22', (n, h, other) => standard(n, h, { paired: { [other.deviceId]: device(n, other, { name: 'other', scopes: FULL, approvedScopes: FULL }) } }), { exitCode: 0, findings: ['identity-not-paired'] });
add('identity-key-mismatch', '2026.2.22', (n, h, other) => standard(n, h, { paired: { [h.deviceId]: { ...device(n, h, { scopes: FULL, approvedScopes: FULL }), publicKey: other.publicKey } } }), { exitCode: 0, findings: ['identity-key-mismatch'] });
add('store-permissions', '2026.2.22', (n, h) => ({ ...standard(n, h, { paired: { [h.deviceId]: device(n, h, { scopes: FULL, approvedScopes: FULL }) } }), __mode: { 'devices/paired.json': 0o644 } }), { exitCode: 0, findings: ['store-permissions'] });
add('version-unknown-seed', null, (n, h) => standard(n, h, { paired: { [h.deviceId]: device(n, h, { scopes: SEED }) } }), { exitCode: 1, findings: ['service-device-missing-write', 'openclaw-version-unknown'] });
add('2.19-remote-device-narrow', '2026.2.19', (n, h, other) => standard(n, h, { paired: { [h.deviceId]: device(n, h, { scopes: FULL }), [other.deviceId]: device(n, other, { name: 'ui', scopes: SEED, clientId: 'openclaw-control-ui', clientMode: 'webchat', remoteIp: '192.168.1.20' }) } }),
  { exitCode: 0, absent: ['service-device-missing-write'] });
add('record-malformed', '2026.2.22', (n, h) => standard(n, h, { paired: { [h.deviceId]: { ...device(n, h, { scopes: FULL, approvedScopes: FULL }), scopes: 'operator.admin', createdAtMs: 'yesterday' } } }), { exitCode: 0, findings: ['store-record-malformed'] });


// The rest of the family (M02-M16, L1-L4: src/explain/modes.ts): one state per mode, judged by the release it occurs on.
const TUI = { clientId: 'gateway-client', clientMode: 'ui', extra: { displayName: 'openclaw-tui' } };
add('m02-2.21-tui-admin-only', '2026.2.21', (n, h, o) => standard(n, h, { paired: { [h.deviceId]: device(n, h, { scopes: FULL, approvedScopes: FULL }), [o.deviceId]: device(n, o, { name: 'tui', scopes: [S.admin], approvedScopes: [S.admin], ...TUI }) } }),
  { exitCode: 0, findings: ['device-lacks-read-write'] });
add('m04-4.20-talk-secrets-missing', '2026.4.20', (n, h, o) => standard(n, h, { paired: { [h.deviceId]: device(n, h, { scopes: [...FULL, S.talkSecrets], approvedScopes: [...FULL, S.talkSecrets] }), [o.deviceId]: device(n, o, { name: 'app', scopes: [S.read, S.write], approvedScopes: [S.read, S.write], clientId: 'openclaw-macos', clientMode: 'ui', remoteIp: '192.168.1.30' }) }, pending: pendingRepair(o, [S.read, S.write, S.talkSecrets], { clientId: 'openclaw-macos', clientMode: 'ui' }) }),
  { exitCode: 0, findings: ['scope-added-by-update'] });
add('m05-2.19-bind-lan', '2026.2.19', (n, h) => standard(n, h, { paired: { [h.deviceId]: device(n, h, { scopes: FULL, remoteIp: '172.18.0.2' }) }, config: { gateway: { mode: 'local', port: 18789, bind: 'lan', auth: { mode: 'token', token: `GATEWAYTOKEN-${n}-`.padEnd(48, 'g') } } } }),
  { exitCode: 1, findings: ['internal-call-not-loopback'] });
add('m06-3.24-platform-changed', '2026.3.24', (n, h, o) => standard(n, h, { paired: { [h.deviceId]: device(n, h, { scopes: FULL, approvedScopes: FULL }), [o.deviceId]: device(n, o, { name: 'mac', scopes: FULL, approvedScopes: FULL, clientId: 'openclaw-macos', clientMode: 'ui', extra: { platform: 'macOS 26.3.1' } }) }, pending: { 'c0ffee00-1111-4222-8333-444455556666': { requestId: 'c0ffee00-1111-4222-8333-444455556666', deviceId: o.deviceId, publicKey: o.publicKey, platform: 'macOS 26.4.0', clientId: 'openclaw-macos', clientMode: 'ui', role: 'operator', roles: ['operator'], scopes: FULL, silent: false, isRepair: true, ts: T0 } } }),
  { exitCode: 0, findings: ['metadata-pin-mismatch'] });
add('m07-4.20-node-asks-operator', '2026.4.20', (n, h, o) => standard(n, h, { paired: { [h.deviceId]: device(n, h, { scopes: [...FULL, S.talkSecrets], approvedScopes: [...FULL, S.talkSecrets] }), [o.deviceId]: device(n, o, { name: 'node', scopes: [], roles: ['node'] }) }, pending: { 'aaaabbbb-1111-4222-8333-444455556666': { requestId: 'aaaabbbb-1111-4222-8333-444455556666', deviceId: o.deviceId, publicKey: o.publicKey, platform: 'linux', clientId: 'openclaw-macos', clientMode: 'ui', role: 'operator', roles: ['operator'], scopes: [S.read], silent: false, isRepair: true, ts: T0 } } }),
  { exitCode: 0, findings: ['role-upgrade-pending'] });
add('m08-2.15-cached-token-stale', '2026.2.15', (n, h) => ({ ...standard(n, h, { paired: { [h.deviceId]: device(n, h, { scopes: SEED }) } }), 'identity/device-auth.json': json({ version: 1, deviceId: h.deviceId, tokens: { operator: { token: `TOKEN-${n}-stale-copy-`.padEnd(43, 'x'), role: 'operator', scopes: SEED, updatedAtMs: T0 } } }) }),
  { exitCode: 0, findings: ['device-token-mismatch'] });
add('m11-2.21-rotated-token-only', '2026.2.21', (n, h) => standard(n, h, { paired: { [h.deviceId]: { ...device(n, h, { scopes: [...SEED, S.read], approvedScopes: [...SEED, S.read], tokenScopes: [...SEED, S.read, S.write] }), tokens: { operator: { token: token(n, 'host'), role: 'operator', scopes: [...SEED, S.read, S.write], createdAtMs: T0, rotatedAtMs: T0 + 1000 } } } } }),
  { exitCode: 1, findings: ['rotate-cannot-widen', 'service-device-missing-write'] });
add('m12-5.12-two-requests', '2026.5.12', (n, h) => standard(n, h, { paired: { [h.deviceId]: device(n, h, { scopes: [S.read, S.pairing], approvedScopes: [S.read, S.pairing] }) }, pending: { ...pendingRepair(h, [...FULL, S.talkSecrets], { clientId: 'cli', clientMode: 'cli' }), ...pendingRepair(h, [...FULL, S.talkSecrets], { clientId: 'openclaw-tui', clientMode: 'ui', requestId: '9f1c2d3e-75a4-4c2d-9c46-03b965cb6a5f' }) } }),
  { exitCode: 1, findings: ['pending-request-churn', 'service-device-missing-read'] });
add('m13-5.2-pairing-only', '2026.5.2', (n, h) => standard(n, h, { paired: { [h.deviceId]: device(n, h, { scopes: [S.pairing], approvedScopes: [S.pairing] }) }, pending: pendingRepair(h, [...FULL, S.talkSecrets], { clientId: 'cli', clientMode: 'cli' }) }),
  { exitCode: 1, findings: ['approver-lacks-authority', 'service-device-missing-read'] });
add('m14-6.11-new-device-waits', '2026.6.11', (n, h, o) => standard(n, h, { paired: { [h.deviceId]: device(n, h, { scopes: [...FULL, S.talkSecrets], approvedScopes: [...FULL, S.talkSecrets] }) }, pending: { 'b4f51905-8cb4-45d4-96c1-833a3c80b542': { requestId: 'b4f51905-8cb4-45d4-96c1-833a3c80b542', deviceId: o.deviceId, publicKey: o.publicKey, platform: 'windows', clientId: 'cli', clientMode: 'cli', role: 'operator', roles: ['operator'], scopes: [S.admin], silent: false, isRepair: false, ts: T0 } } }),
  { exitCode: 0, findings: ['approve-latest-preview-only'] });
add('m15-tmp-leftover', '2026.2.22', (n, h) => ({ ...standard(n, h, { paired: { [h.deviceId]: device(n, h, { scopes: FULL, approvedScopes: FULL }) } }), 'devices/paired.json.3f2a9c1e-0d4b-4e5f-8a6b-7c8d9e0f1a2b.tmp': json({ [h.deviceId]: device(n, h, { scopes: FULL, approvedScopes: FULL }) }) }),
  { exitCode: 0, findings: ['store-tmp-leftover'] });
add('m16-8.1-json-not-imported', '2026.8.1', (n, h) => standard(n, h, { paired: { [h.deviceId]: device(n, h, { scopes: [...FULL, S.talkSecrets], approvedScopes: [...FULL, S.talkSecrets] }) } }),
  { exitCode: 0, findings: ['sqlite-migration'] });
add('m16-7.x-after-migration-downgrade', '2026.7.33', (n, h) => { const f = standard(n, h, {}); f['devices/paired.json.migrated'] = json({ [h.deviceId]: device(n, h, { scopes: FULL }) }); return f; },
  { exitCode: 1, findings: ['sqlite-migration'] });
add('l2-service-token-drift', '2026.2.19', (n, h) => ({ ...standard(n, h, { paired: { [h.deviceId]: device(n, h, { scopes: FULL }) } }), 'gateway.systemd.env': `OPENCLAW_GATEWAY_TOKEN=GATEWAYTOKEN-${n}-old-`.padEnd(60, 'o') + '\n' }),
  { exitCode: 0, findings: ['gateway-token-drift'] });
add('l4-2.12-insecure-ui', '2026.2.12', (n, h) => standard(n, h, { paired: { [h.deviceId]: device(n, h, { scopes: SEED }) }, config: { gateway: { mode: 'local', bind: 'loopback', controlUi: { allowInsecureAuth: true }, auth: { mode: 'token', token: `GATEWAYTOKEN-${n}-`.padEnd(48, 'g') } } } }),
  { exitCode: 0, findings: ['control-ui-insecure'] });

rmSync(root, { recursive: true, force: true });
for (const c of cases) {
  const dir = path.join(root, c.name);
  const host = makeIdentity(c.name);
  const other = makeIdentity(`${c.name}other`);
  const files = c.build(c.name, host, other);
  const modes = files.__mode ?? {};
  delete files.__mode;
  for (const [rel, content] of Object.entries(files)) write(dir, rel, content, modes[rel] ?? 0o600);
  const secrets = Object.values(files).join('\n').match(/(GATEWAYTOKEN-[\w.-]+|TOKEN-[\w.-]+|PRIVKEY\w+)/g) ?? [];
  // git keeps no 0600 bits: tests copy a fixture and apply these modes (default 0600 for state files).
  const modeText = Object.fromEntries(Object.entries(modes).map(([k, v]) => [k, v.toString(8)]));
  write(dir, 'fixture.json', json({ openclawVersion: c.version, expect: c.expect, modes: modeText, secrets: [...new Set(secrets)] }) + '\n', 0o644);
}
console.log(`wrote ${cases.length} fixtures to ${path.relative(process.cwd(), root)}`);
