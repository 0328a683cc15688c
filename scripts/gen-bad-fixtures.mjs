#!/usr/bin/env node
// Writes fixtures/bad/<case>/: the bad-input corpus for the reliability tests (issue 8). Every case is the
// 2.19 seed-loop state (fixtures/states/2.19-seed-loop: the host device lacks operator.write, so rotate has
// something to write) with ONE file broken in one way, plus case.json saying which file, how, and what the
// user must see. Cases that cannot live in git (a directory or symlink in place of the file, an unreadable
// or foreign-owned file, a 100 MB file) are described by `setup` and built by the test in a temp dir.
// Deterministic: re-running rewrites the same bytes. `node scripts/gen-bad-fixtures.mjs`
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BASE_DIR = path.join(ROOT, 'fixtures', 'states', '2.19-seed-loop');
const OUT = path.join(ROOT, 'fixtures', 'bad');

const FILES = {
  paired: 'devices/paired.json',
  pending: 'devices/pending.json',
  device: 'identity/device.json',
  auth: 'identity/device-auth.json',
  config: 'openclaw.json',
  sqlite: 'state/openclaw.sqlite',
};

function walk(dir, rel = '') {
  return readdirSync(path.join(dir, rel)).flatMap((name) => {
    const r = rel ? `${rel}/${name}` : name;
    return statSync(path.join(dir, r)).isDirectory() ? walk(dir, r) : [r];
  });
}

const base = Object.fromEntries(walk(BASE_DIR).filter((f) => f !== 'fixture.json').map((f) => [f, readFileSync(path.join(BASE_DIR, f))]));
const baseMeta = JSON.parse(readFileSync(path.join(BASE_DIR, 'fixture.json'), 'utf8'));
const SQLITE_DIR = path.join(ROOT, 'fixtures', 'states', 'sqlite-8.2-cli-narrow-no-autoapprove');
const sqliteBase = Object.fromEntries(walk(SQLITE_DIR).filter((f) => f !== 'fixture.json').map((f) => [f, readFileSync(path.join(SQLITE_DIR, f))]));
const sqliteMeta = JSON.parse(readFileSync(path.join(SQLITE_DIR, 'fixture.json'), 'utf8'));
const parsed = (key) => JSON.parse(base[FILES[key]].toString('utf8'));
const json = (v) => JSON.stringify(v, null, 2);
const text = (key) => base[FILES[key]].toString('utf8');
const HOST = parsed('device').deviceId;

/**
 * What each broken file means for the user, by file. `doctor` never changes anything; `rotate` refuses
 * (exit 2, one line naming the file) whenever the file it would write or the identity it targets cannot be
 * trusted, and otherwise fixes the store without ever rewriting the broken file.
 */
const cases = [];
function add(key, kind, content, { setup, sqlite = false, extra = {} } = {}) {
  cases.push({ name: `${key}-${kind}`, key, file: FILES[key], kind, content, setup, sqlite, extra });
}

// --- byte-level damage, for every file ---------------------------------------------------------------
const NON_JSON = 'this is not JSON: the gateway state was overwritten by a shell redirect\n';
for (const key of Object.keys(FILES).filter((k) => k !== 'sqlite')) {
  const t = text(key);
  const lines = t.split('\n');
  add(key, 'empty', '');
  add(key, 'whitespace', ' \n\t\n  \r\n');
  add(key, 'bom', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), base[FILES[key]]]));
  add(key, 'crlf', t.replace(/\n/g, '\r\n'));
  add(key, 'truncated', t.slice(0, Math.floor(t.length * 0.6)));
  add(key, 'truncated-at-1-byte', t.slice(0, 1));
  add(key, 'trailing-comma', t.replace(/\n}$/, ',\n}'));
  add(key, 'comments', `// edited by hand\n${lines[0]}\n  /* keep */\n${lines.slice(1).join('\n')}`);
  add(key, 'nul-bytes', Buffer.concat([base[FILES[key]].subarray(0, 40), Buffer.alloc(64), base[FILES[key]].subarray(40)]));
  add(key, 'all-nul', Buffer.alloc(512));
  add(key, 'invalid-utf8', Buffer.concat([base[FILES[key]].subarray(0, 20), Buffer.from([0xc3, 0x28, 0xff, 0xfe]), base[FILES[key]].subarray(20)]));
  add(key, 'non-json-text', NON_JSON);
  add(key, 'top-level-array', json([parsed(key)]));
  add(key, 'top-level-string', json('paired'));
  add(key, 'top-level-null', 'null');
  add(key, 'deeply-nested', `${'['.repeat(100000)}${']'.repeat(100000)}`);
  // Cases built at test time (they cannot be committed, or must not be): `content` is the file's normal bytes.
  add(key, 'directory', null, { setup: 'directory' });
  add(key, 'symlink-loop', null, { setup: 'symlink-loop' });
  add(key, 'dangling-symlink', null, { setup: 'dangling-symlink' });
  add(key, 'unreadable', null, { setup: 'unreadable' });
  add(key, 'other-owner', null, { setup: 'other-owner' });
}
add('paired', 'huge-100mb', null, { setup: 'huge' });
add('config', 'huge-100mb', null, { setup: 'huge' });

// --- JSON-level damage: duplicate keys, wrong types in every field -------------------------------------
{
  const t = text('paired');
  // The same device twice: JSON.parse keeps the LAST one; here the last copy has fewer scopes.
  const host = parsed('paired')[HOST];
  const dup = `{\n  "${HOST}": ${json({ ...host, scopes: [...host.scopes, 'operator.write'] }).replace(/\n/g, '\n  ')},${t.slice(1)}`;
  add('paired', 'duplicate-keys', dup);
  const dupField = t.replace('"scopes": [', '"scopes": ["operator.read"],\n    "scopes": [');
  add('paired', 'duplicate-field', dupField);
}

function mutatePaired(kind, mutate, opts) {
  const v = parsed('paired');
  mutate(v[HOST], v);
  add('paired', kind, json(v), opts);
}
const WRONG = { number: 42, string: 'operator.admin operator.read', object: { a: 1 }, null: null, bool: true, array: [1, 2] };
for (const field of ['deviceId', 'publicKey', 'platform', 'clientId', 'clientMode', 'role', 'roles', 'scopes', 'tokens', 'createdAtMs', 'approvedAtMs']) {
  const kinds = field === 'scopes' || field === 'roles' ? ['string', 'object', 'number'] : field === 'tokens' ? ['array', 'string', 'number'] : ['number', 'object'];
  if (/AtMs$/.test(field)) kinds.splice(0, kinds.length, 'string', 'object');
  for (const k of kinds) mutatePaired(`field-${field}-${k}`, (d) => (d[field] = WRONG[k]));
}
mutatePaired('scopes-not-strings', (d) => d.scopes.push(7, null, { scope: 'operator.read' }, ['operator.write']));
mutatePaired('token-scopes-not-strings', (d) => d.tokens.operator.scopes.push(7, null));
mutatePaired('token-scopes-string', (d) => (d.tokens.operator.scopes = 'operator.admin'));
mutatePaired('token-entry-string', (d) => (d.tokens.operator = d.tokens.operator.token));
mutatePaired('token-value-number', (d) => (d.tokens.operator.token = 12345));
mutatePaired('device-is-array', (d, v) => (v[HOST] = [d]));
mutatePaired('device-is-null', (d, v) => (v[HOST] = null));
mutatePaired('device-is-string', (d, v) => (v[HOST] = 'paired'));
mutatePaired('key-differs-from-deviceId', (d, v) => {
  delete v[HOST];
  v[`${HOST.slice(0, 8)}-renamed`] = d;
});
mutatePaired('nested-deep-extra-field', (d) => (d.extra = '@DEEP@'));
// Valid JSON, 20,000 levels deep in a field OpenClaw does not know (JSON.stringify cannot write it back).
cases[cases.length - 1].content = cases[cases.length - 1].content.replace('"@DEEP@"', `${'{"n":'.repeat(20000)}{}${'}'.repeat(20000)}`);
mutatePaired('list-shape', () => undefined);
cases[cases.length - 1].content = json({ pending: [], paired: [parsed('paired')[HOST]] });

{
  const v = parsed('pending');
  const [id] = Object.keys(v);
  const req = (m) => {
    const copy = parsed('pending');
    m(copy[id], copy);
    return json(copy);
  };
  add('pending', 'field-scopes-string', req((r) => (r.scopes = 'operator.write')));
  add('pending', 'field-deviceId-number', req((r) => (r.deviceId = 42)));
  add('pending', 'field-isRepair-string', req((r) => (r.isRepair = 'yes')));
  add('pending', 'field-ts-string', req((r) => (r.ts = 'yesterday')));
  add('pending', 'request-is-array', req((r, c) => (c[id] = [r])));
  add('pending', 'scopes-not-strings', req((r) => r.scopes.push(3, null)));
}
{
  const v = parsed('device');
  add('device', 'field-deviceId-number', json({ ...v, deviceId: 42 }));
  add('device', 'field-deviceId-missing', json({ ...v, deviceId: undefined }));
  add('device', 'field-publicKeyPem-number', json({ ...v, publicKeyPem: 7 }));
  add('device', 'field-publicKeyPem-garbage', json({ ...v, publicKeyPem: '-----BEGIN PUBLIC KEY-----\nnot a key\n-----END PUBLIC KEY-----\n' }));
}
{
  const v = parsed('auth');
  add('auth', 'field-tokens-array', json({ ...v, tokens: [v.tokens.operator] }));
  add('auth', 'field-tokens-string', json({ ...v, tokens: v.tokens.operator.token }));
  add('auth', 'field-deviceId-number', json({ ...v, deviceId: 42 }));
  add('auth', 'field-token-scopes-string', json({ ...v, tokens: { operator: { ...v.tokens.operator, scopes: 'operator.admin' } } }));
  add('auth', 'field-token-scopes-not-strings', json({ ...v, tokens: { operator: { ...v.tokens.operator, scopes: [...v.tokens.operator.scopes, 1, null] } } }));
}
{
  const v = parsed('config');
  add('config', 'json5', text('config').replace(/"(\w+)":/g, '$1:').replace(/\n}$/, ',\n}'));
  add('config', 'field-gateway-string', json({ ...v, gateway: 'local' }));
  add('config', 'field-gateway-array', json({ ...v, gateway: [v.gateway] }));
  add('config', 'field-port-string', json({ ...v, gateway: { ...v.gateway, port: 'eighteen' } }));
  add('config', 'field-auth-token-number', json({ ...v, gateway: { ...v.gateway, auth: { mode: 'token', token: 12345678901 } } }));
  add('config', 'field-auth-string', json({ ...v, gateway: { ...v.gateway, auth: v.gateway.auth.token } }));
}

// --- the SQLite store (2026.8.1+): the database file itself broken -------------------------------------
{
  const db = sqliteBase[FILES.sqlite];
  let seed = 7;
  const noise = Buffer.from(Array.from({ length: 8192 }, () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff));
  const sq = (kind, content, opts = {}) => add('sqlite', kind, content, { ...opts, sqlite: true });
  sq('empty', '');
  sq('random-bytes', noise);
  sq('truncated-half', db.subarray(0, Math.floor(db.length / 2)));
  sq('header-only', db.subarray(0, 100));
  sq('not-sqlite-text', NON_JSON);
  sq('header-then-noise', Buffer.concat([db.subarray(0, 4096), noise]));
  sq('garbage-wal', db, { extra: { 'state/openclaw.sqlite-wal': noise } });
  for (const setup of ['directory', 'dangling-symlink', 'symlink-loop', 'unreadable', 'other-owner']) sq(setup, null, { setup });
}

// The one case that is not broken at all: the state dir itself sits under a path with spaces and unicode
// (every case runs there; this one proves the plain fix works there end to end).
cases.push({ name: 'ok-path-spaces-unicode', key: null, file: null, kind: 'path-spaces-unicode', content: null });

// --- what the user must see, per file and kind ----------------------------------------------------------
// "Unusable": the file as a whole cannot be used (not parseable as the JSON object OpenClaw writes, not a
// regular file, unreadable, too big). CRLF, JSON5 in the config and duplicate keys still parse.
const STILL_PARSES = new Set(['crlf', 'duplicate-keys', 'duplicate-field', 'json5', 'other-owner']);
function expectFor(c) {
  if (!c.key) return { doctor: 1, rotate: 0, named: false };
  const fieldLevel = c.kind.startsWith('field-') || /not-strings|token-|request-is|key-differs/.test(c.kind);
  const unusable = !fieldLevel && !STILL_PARSES.has(c.kind);
  // A foreign-owned file that rotate would write is refused; one it only reads is fine.
  const refusedOwner = c.kind === 'other-owner' && ['paired', 'pending', 'auth'].includes(c.key);
  switch (c.key) {
    case 'sqlite':
      // The database cannot be opened or read: doctor and rotate stop with one line naming it. A foreign-owned
      // one is read (read-only) but not written; a garbage -wal beside a good database is SQLite's to recover.
      // (The base state also needs operator.admin, which rotate holds back: exit 1 after the fix.)
      if (c.kind === 'garbage-wal') return { doctor: 1, rotate: 1, named: false };
      if (c.kind === 'other-owner') return { doctor: 1, rotate: 2, named: false };
      return { doctor: 2, rotate: 2, named: true };
    case 'config':
      // OpenClaw reads its config as JSON5: a BOM, comments and trailing commas are fine there.
      return { doctor: 1, rotate: 0, named: unusable && !['bom', 'comments', 'trailing-comma'].includes(c.kind) };
    case 'paired': {
      // A record that is not an object, or nested deeper than JSON.stringify can write: doctor names the device
      // (store-record-malformed) or nothing, rotate refuses naming the file.
      const record = /^device-is-|nested-deep/.test(c.kind);
      return { doctor: c.kind === 'unreadable' ? 2 : 1, rotate: unusable || record || refusedOwner ? 2 : 0, named: unusable && !record };
    }
    case 'device': {
      const noId = unusable || /deviceId-(number|missing)/.test(c.kind);
      // Without this host's identity there is no host device to change (rotate refuses), and the next start
      // makes a new device that orphans the store's pairings (M09 identity-unreadable): an error, exit 1.
      return { doctor: 1, rotate: noId ? 2 : 0, named: noId };
    }
    default:
      return { doctor: 1, rotate: refusedOwner ? 2 : 0, named: unusable };
  }
}

// --- write ---------------------------------------------------------------------------------------------
rmSync(OUT, { recursive: true, force: true });
for (const c of cases) {
  const dir = path.join(OUT, c.name);
  for (const [rel, bytes] of Object.entries({ ...(c.sqlite ? sqliteBase : base), ...(c.extra ?? {}) })) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), rel === c.file && c.content !== null ? c.content : bytes);
  }
  const meta = {
    description: `${c.file ?? 'nothing'} ${c.kind}${c.setup ? ` (built at test time: ${c.setup})` : ''}`,
    openclawVersion: (c.sqlite ? sqliteMeta : baseMeta).openclawVersion,
    file: c.file,
    kind: c.kind,
    ...(c.setup ? { setup: c.setup } : {}),
    secrets: (c.sqlite ? sqliteMeta : baseMeta).secrets,
    expect: expectFor(c),
  };
  writeFileSync(path.join(dir, 'case.json'), `${JSON.stringify(meta, null, 2)}\n`);
}
console.log(`wrote ${cases.length} cases to ${path.relative(ROOT, OUT)}/`);
