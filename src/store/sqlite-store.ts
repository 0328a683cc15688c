/**
 * The SQLite device store (2026.8.1+): <state>/state/openclaw.sqlite. Read-only here.
 *
 * Rows are decoded into the SAME object shape paired.json / pending.json hold (camelCase keys, JSON columns
 * parsed, SQL NULL = absent) and handed to toDeviceRecord / toPendingRequest, so every rule runs unchanged
 * on both stores. Secrets never leave this file: token values become digests and are registered for
 * redaction; the host's private key is registered and dropped.
 */
import { lstatSync } from 'node:fs';
import { createHash } from 'node:crypto';
import type { DeviceAuthCache, FileInfo, FileStat, HostIdentity, StoreView, TokenInfo } from '../core/model.js';
import { digest, registerSecret } from '../core/secrets.js';
import { base64url, deviceIdForRawKey, rawPublicKeyFromPem } from './identity.js';
import { isHostEntry, toDeviceRecord, toPendingRequest } from './records.js';
import { closeQuietly, openDatabase, sqliteError, type Database } from './sqlite-open.js';
import { assertKnownSchema, schemaVersion } from './sqlite-schema.js';

type Row = Record<string, unknown>;

/** What a SQLite-era snapshot needs beyond the store itself. */
export interface SqliteState {
  store: StoreView;
  identity: HostIdentity;
  deviceAuth: DeviceAuthCache;
  schemaVersion?: number;
}

function statOf(p: string): FileStat | undefined {
  try {
    const s = lstatSync(p);
    return { mode: s.mode & 0o7777, uid: s.uid, gid: s.gid, size: s.size, mtimeMs: s.mtimeMs, isFile: s.isFile(), isSymlink: s.isSymbolicLink() };
  } catch {
    return undefined;
  }
}

/** A JSON column: parsed value, undefined for NULL, and a problem line when it does not parse. */
function jsonColumn(row: Row, column: string, problems: string[], where: string): unknown {
  const v = row[column];
  if (v === null || v === undefined) return undefined;
  if (typeof v !== 'string') {
    problems.push(`${where}.${column} should hold JSON text, found a ${typeof v}`);
    return undefined;
  }
  try {
    return JSON.parse(v);
  } catch {
    problems.push(`${where}.${column} is not valid JSON`);
    return undefined;
  }
}

function put(obj: Row, key: string, value: unknown): void {
  if (value !== null && value !== undefined) obj[key] = value;
}

/** Plain numbers for INTEGER columns (node:sqlite returns number unless readBigInts). */
function n(v: unknown): unknown {
  return typeof v === 'bigint' ? Number(v) : v;
}

/** A device_pairing_paired row in paired.json's shape (exported for the writer's verify and the tests). */
export function pairedRowToObject(row: Row, problems: string[] = []): Row {
  const where = typeof row.device_id === 'string' ? `${row.device_id.slice(0, 8)}…` : 'row';
  const obj: Row = {};
  put(obj, 'deviceId', row.device_id);
  put(obj, 'publicKey', row.public_key);
  put(obj, 'displayName', row.display_name);
  put(obj, 'operatorLabel', row.operator_label);
  put(obj, 'platform', row.platform);
  put(obj, 'deviceFamily', row.device_family);
  put(obj, 'clientId', row.client_id);
  put(obj, 'clientMode', row.client_mode);
  put(obj, 'browserOrigin', row.browser_origin);
  put(obj, 'role', row.role);
  put(obj, 'roles', jsonColumn(row, 'roles_json', problems, where));
  put(obj, 'scopes', jsonColumn(row, 'scopes_json', problems, where));
  put(obj, 'approvedScopes', jsonColumn(row, 'approved_scopes_json', problems, where));
  put(obj, 'remoteIp', row.remote_ip);
  put(obj, 'tokens', jsonColumn(row, 'tokens_json', problems, where));
  put(obj, 'approvedVia', row.approved_via);
  put(obj, 'createdAtMs', n(row.created_at_ms));
  put(obj, 'approvedAtMs', n(row.approved_at_ms));
  put(obj, 'lastSeenAtMs', n(row.last_seen_at_ms));
  put(obj, 'lastSeenReason', row.last_seen_reason);
  return obj;
}

function pendingRowToObject(row: Row, problems: string[] = []): Row {
  const where = typeof row.request_id === 'string' ? row.request_id.slice(0, 8) : 'row';
  const obj: Row = {};
  put(obj, 'requestId', row.request_id);
  put(obj, 'deviceId', row.device_id);
  put(obj, 'publicKey', row.public_key);
  put(obj, 'displayName', row.display_name);
  put(obj, 'platform', row.platform);
  put(obj, 'deviceFamily', row.device_family);
  put(obj, 'clientId', row.client_id);
  put(obj, 'clientMode', row.client_mode);
  put(obj, 'role', row.role);
  put(obj, 'roles', jsonColumn(row, 'roles_json', problems, where));
  put(obj, 'scopes', jsonColumn(row, 'scopes_json', problems, where));
  put(obj, 'remoteIp', row.remote_ip);
  if (row.silent !== null && row.silent !== undefined) obj.silent = Number(row.silent) === 1;
  if (row.is_repair !== null && row.is_repair !== undefined) obj.isRepair = Number(row.is_repair) === 1;
  put(obj, 'ts', n(row.ts));
  put(obj, 'refreshedAtMs', n(row.refreshed_at_ms));
  return obj;
}

/** Every column but the ones that hold secrets, by name. */
const PAIRED_COLUMNS = `device_id, public_key, display_name, operator_label, platform, device_family, client_id, client_mode,
  browser_origin, role, roles_json, scopes_json, approved_scopes_json, remote_ip, tokens_json, approved_via,
  created_at_ms, approved_at_ms, last_seen_at_ms, last_seen_reason`;

function pairedColumnList(db: Database): string {
  // operator_label / browser_origin / approved_via / last_seen_reason are optional for reading.
  const have = new Set((db.prepare(`SELECT name FROM pragma_table_info('device_pairing_paired')`).all() as { name: string }[]).map((r) => r.name));
  return PAIRED_COLUMNS.split(',').map((c) => c.trim()).filter((c) => have.has(c)).join(', ');
}

/** Reads devices, requests, the host identity and its device tokens in ONE read transaction (one snapshot). */
function readAll(db: Database, dbPath: string): SqliteState {
  const stat = statOf(dbPath);
  const version = schemaVersion(db);
  db.exec('BEGIN');
  try {
    const pairedRows = db.prepare(`SELECT ${pairedColumnList(db)} FROM device_pairing_paired ORDER BY approved_at_ms, device_id`).all() as Row[];
    const pendingRows = db.prepare(`SELECT * FROM device_pairing_pending ORDER BY ts`).all() as Row[];
    // The private key is selected only to be registered for redaction, then dropped.
    const identityRows = db
      .prepare(`SELECT identity_key, device_id, public_key_pem, private_key_pem FROM device_identities ORDER BY identity_key = 'primary' DESC, identity_key`)
      .all() as Row[];
    const tokenRows = db.prepare(`SELECT device_id, role, token, scopes_json, updated_at_ms FROM device_auth_tokens`).all() as Row[];

    // Store digest: a fingerprint of every paired row (token values enter only hashed), for "unchanged" checks.
    const hash = createHash('sha256');
    for (const r of pairedRows) hash.update(JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v)));

    // Token digests only for this host's device, as on the JSON store (toDeviceRecord).
    const hostId = typeof identityRows[0]?.device_id === 'string' ? identityRows[0].device_id : undefined;
    const devices = pairedRows.map((row) => {
      const problems: string[] = [];
      const raw = pairedRowToObject(row, problems);
      const key = String(row.device_id);
      const record = toDeviceRecord(key, raw, isHostEntry(key, raw, hostId));
      record.shapeProblems.push(...problems);
      return record;
    });
    const pendingRequests = pendingRows.flatMap((row) => toPendingRequest(String(row.request_id), pendingRowToObject(row)) ?? []);

    const identity: HostIdentity = { file: { path: `${dbPath} (device_identities)`, status: 'missing' } };
    const primary = identityRows[0];
    for (const r of identityRows) registerSecret(r.private_key_pem);
    if (primary) {
      identity.file = { path: `${dbPath} (device_identities)`, status: 'ok', ...(stat ? { stat } : {}) };
      if (typeof primary.device_id === 'string') identity.deviceId = primary.device_id;
      const rawKey = typeof primary.public_key_pem === 'string' ? rawPublicKeyFromPem(primary.public_key_pem) : null;
      if (rawKey) {
        identity.publicKey = base64url(rawKey);
        identity.derivedDeviceId = deviceIdForRawKey(rawKey);
      }
      if (!identity.deviceId) identity.file = { ...identity.file, status: 'wrong-shape', problem: 'has no device_id' };
    }

    const deviceAuth: DeviceAuthCache = { file: { path: `${dbPath} (device_auth_tokens)`, status: 'missing' }, tokens: [] };
    const hostTokens = tokenRows.filter((r) => r.device_id === identity.deviceId);
    for (const r of tokenRows) registerSecret(r.token);
    if (hostTokens.length) {
      deviceAuth.file = { path: `${dbPath} (device_auth_tokens)`, status: 'ok' };
      deviceAuth.deviceId = identity.deviceId;
      for (const r of hostTokens) {
        const scopes = jsonColumn(r, 'scopes_json', [], 'device_auth_tokens');
        const token: TokenInfo = {
          role: String(r.role),
          scopes: Array.isArray(scopes) ? scopes.filter((s): s is string => typeof s === 'string') : null,
          digest: typeof r.token === 'string' && r.token ? digest(r.token) : null,
        };
        deviceAuth.tokens.push(token);
      }
    }

    const paired: FileInfo = { path: dbPath, status: 'ok', sha256: hash.digest('hex'), ...(stat ? { stat } : {}) };
    const pending: FileInfo = { path: dbPath, status: 'ok', ...(stat ? { stat } : {}) };
    const store: StoreView = { kind: 'sqlite', path: dbPath, paired, pending, devices, pendingRequests };
    return { store, identity, deviceAuth, ...(version !== undefined ? { schemaVersion: version } : {}) };
  } finally {
    try {
      db.exec('COMMIT');
    } catch {
      /* a read transaction that failed mid-way is already over */
    }
  }
}

/** Reads the whole SQLite-era state read-only; any unusable database throws one CannotRunError line. */
export async function readSqliteState(dbPath: string): Promise<SqliteState> {
  const db = await openDatabase(dbPath, { readOnly: true });
  try {
    assertKnownSchema(db, dbPath);
    return readAll(db, dbPath);
  } catch (error) {
    if (error instanceof Error && error.name === 'CannotRunError') throw error;
    throw sqliteError(dbPath, error, 'reading the device tables');
  } finally {
    closeQuietly(db);
  }
}

/** Number of rows in device_pairing_paired (and whether an identity row exists), for store detection. -1 = no such table. */
export async function peekSqlite(dbPath: string): Promise<{ pairedRows: number; identityRows: number }> {
  const db = await openDatabase(dbPath, { readOnly: true });
  try {
    const count = (table: string): number => {
      try {
        const row = db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number | bigint };
        return Number(row.n);
      } catch {
        return -1;
      }
    };
    return { pairedRows: count('device_pairing_paired'), identityRows: count('device_identities') };
  } finally {
    closeQuietly(db);
  }
}
