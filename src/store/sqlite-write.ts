/**
 * Write primitives for the SQLite device store (2026.8.1+), for rotate / restore.
 *
 * - Never a file rename or copy of the live database: every change is ONE `BEGIN IMMEDIATE` transaction
 *   through SQLite's own locking, so a gateway that has the database open (WAL) sees a normal commit
 *   (9.6 even re-reads on `PRAGMA data_version`). Busy timeout on the connection, and a bounded retry
 *   when the write lock stays taken.
 * - Compare-and-swap: the transaction first checks that the device's scope lists are still what the plan
 *   was made from; otherwise nothing is written (SqliteConflictError) and the caller plans again.
 * - Only lists grow: scopes_json, approved_scopes_json, tokens_json.<role>.scopes, and (for the host)
 *   device_auth_tokens.scopes_json. Token values are parsed and re-serialized in memory only, never returned.
 * - Backups use SQLite's online backup API (node:sqlite `backup()`): one consistent, self-contained file
 *   that includes what is still in the -wal; the live -wal/-shm are never copied by hand.
 * - Restore puts the device tables (paired, pending, device tokens) back from such a backup in one
 *   transaction, leaving every other table (sessions, cron, ...) as it is now.
 */
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync } from 'node:fs';
import { CannotRunError, unchanged } from '../core/errors.js';
import { registerSecret } from '../core/secrets.js';
import { isPlainObject } from './records.js';
import { closeQuietly, loadSqlite, openDatabase, sqliteError, type Database } from './sqlite-open.js';
import { assertKnownSchema } from './sqlite-schema.js';

export class SqliteConflictError extends Error {
  constructor(public readonly dbPath: string, public readonly detail: string) {
    super(`${dbPath} changed since it was read (${detail})`);
    this.name = 'SqliteConflictError';
  }
}

export interface SqliteScopeChange {
  deviceId: string;
  role?: string;
  /** The lists as the plan saw them (null = column NULL / no token). Compared before writing. */
  expect: { scopes: string[] | null; approvedScopes: string[] | null; tokenScopes: string[] | null };
  /** Scopes to add to every list that exists (scopes always; approved_scopes / token scopes when present). */
  add: string[];
  /** Also add them to the host's own copy in device_auth_tokens (device_id = deviceId, same role). */
  hostAuthToken?: boolean;
  /** Repair requests the change satisfies, deleted in the same transaction. */
  removePending?: string[];
  /**
   * Issue a new token value (rotate --new-token): tokens_json.<role>.token gets a fresh value and rotatedAtMs,
   * and with hostAuthToken the host's device_auth_tokens row gets the SAME value. The value is registered for
   * redaction and never returned.
   */
  newToken?: boolean;
  /** A role added to roles_json (rotate --scope operator.admin on a device without the operator role). */
  addRole?: string;
  /** Called inside the transaction just before COMMIT (the crash test hook: a kill here must leave the old rows). */
  beforeCommit?: () => void;
}

export interface SqliteWriteResult {
  /** Which columns changed, e.g. `device_pairing_paired.scopes_json`. */
  changed: string[];
  attempts: number;
}

const TABLES_RESTORED = ['device_pairing_paired', 'device_pairing_pending', 'device_auth_tokens'] as const;

function parseList(text: unknown): string[] | null {
  if (typeof text !== 'string') return null;
  try {
    const v = JSON.parse(text) as unknown;
    return Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : null;
  } catch {
    return null;
  }
}

function same(a: readonly string[] | null, b: readonly string[] | null): boolean {
  if (a === null || b === null) return a === b;
  return [...a].sort().join('\n') === [...b].sort().join('\n');
}

function grow(list: string[] | null, add: readonly string[]): string[] {
  const out = [...(list ?? [])];
  for (const s of add) if (!out.includes(s)) out.push(s);
  return out;
}

function isBusy(error: unknown): boolean {
  const text = `${error instanceof Error ? error.message : String(error)} ${(error as { errstr?: string })?.errstr ?? ''}`;
  return /locked|busy/i.test(text);
}

async function withWriteTransaction<T>(dbPath: string, doing: string, body: (db: Database) => T, retries = 3): Promise<{ value: T; attempts: number }> {
  for (let attempt = 1; ; attempt++) {
    const db = await openDatabase(dbPath, { readOnly: false });
    try {
      assertKnownSchema(db, dbPath, ['device_pairing_paired', 'device_pairing_pending', 'device_auth_tokens']);
      db.exec('BEGIN IMMEDIATE');
      try {
        const value = body(db);
        db.exec('COMMIT');
        return { value, attempts: attempt };
      } catch (error) {
        try {
          db.exec('ROLLBACK');
        } catch {
          /* BEGIN itself failed: no transaction to roll back */
        }
        throw error;
      }
    } catch (error) {
      if (error instanceof SqliteConflictError || (error instanceof Error && error.name === 'CannotRunError')) throw error;
      if (isBusy(error) && attempt < retries) {
        await new Promise((r) => setTimeout(r, 200 * attempt));
        continue;
      }
      throw sqliteError(dbPath, error, doing);
    } finally {
      closeQuietly(db);
    }
  }
}

/** Adds scopes to one device in one transaction, after checking the lists are still what the plan saw. */
export async function applySqliteScopeChange(dbPath: string, change: SqliteScopeChange): Promise<SqliteWriteResult> {
  const role = change.role ?? 'operator';
  const nowMs = Date.now();
  let freshToken: string | undefined;
  if (change.newToken) {
    freshToken = randomBytes(32).toString('base64url');
    registerSecret(freshToken);
  }
  const { value: changed, attempts } = await withWriteTransaction(dbPath, `changing device ${change.deviceId.slice(0, 12)}`, (db) => {
    const row = db.prepare('SELECT scopes_json, approved_scopes_json, tokens_json, roles_json FROM device_pairing_paired WHERE device_id = ?').get(change.deviceId) as
      | { scopes_json: unknown; approved_scopes_json: unknown; tokens_json: unknown; roles_json: unknown }
      | undefined;
    if (!row) throw new SqliteConflictError(dbPath, `device ${change.deviceId.slice(0, 12)} is no longer paired`);
    const scopes = parseList(row.scopes_json);
    const approved = parseList(row.approved_scopes_json);
    let tokens: Record<string, unknown> | null = null;
    if (typeof row.tokens_json === 'string') {
      const parsed = JSON.parse(row.tokens_json) as unknown;
      tokens = isPlainObject(parsed) ? parsed : null;
    }
    const entry = tokens && isPlainObject(tokens[role]) ? (tokens[role] as Record<string, unknown>) : null;
    if (entry) registerSecret(entry.token);
    const tokenScopes = entry && Array.isArray(entry.scopes) ? entry.scopes.filter((s): s is string => typeof s === 'string') : null;
    if (!same(scopes, change.expect.scopes) || !same(approved, change.expect.approvedScopes) || !same(tokenScopes, change.expect.tokenScopes)) {
      throw new SqliteConflictError(dbPath, `the scopes of device ${change.deviceId.slice(0, 12)} were changed by someone else`);
    }
    const out: string[] = [];
    if (change.addRole) {
      const roles = parseList(row.roles_json);
      const next = grow(roles, [change.addRole]);
      if (!same(next, roles)) {
        db.prepare('UPDATE device_pairing_paired SET roles_json = ? WHERE device_id = ?').run(JSON.stringify(next), change.deviceId);
        out.push('device_pairing_paired.roles_json');
      }
    }
    const nextScopes = grow(scopes, change.add);
    if (!same(nextScopes, scopes)) {
      db.prepare('UPDATE device_pairing_paired SET scopes_json = ? WHERE device_id = ?').run(JSON.stringify(nextScopes), change.deviceId);
      out.push('device_pairing_paired.scopes_json');
    }
    if (approved !== null) {
      const next = grow(approved, change.add);
      if (!same(next, approved)) {
        db.prepare('UPDATE device_pairing_paired SET approved_scopes_json = ? WHERE device_id = ?').run(JSON.stringify(next), change.deviceId);
        out.push('device_pairing_paired.approved_scopes_json');
      }
    }
    if (freshToken && !entry) throw new SqliteConflictError(dbPath, `device ${change.deviceId.slice(0, 12)} has no ${role} token to replace`);
    if (entry && tokens) {
      const next = grow(tokenScopes, change.add);
      const grown = !same(next, tokenScopes);
      if (grown) entry.scopes = next;
      if (freshToken) {
        entry.token = freshToken;
        entry.rotatedAtMs = nowMs;
      }
      if (grown || freshToken) {
        db.prepare('UPDATE device_pairing_paired SET tokens_json = ? WHERE device_id = ?').run(JSON.stringify(tokens), change.deviceId);
        if (grown) out.push(`device_pairing_paired.tokens_json.${role}.scopes`);
        if (freshToken) out.push(`device_pairing_paired.tokens_json.${role}.token`);
      }
    }
    if (change.hostAuthToken) {
      const auth = db.prepare('SELECT token, scopes_json FROM device_auth_tokens WHERE device_id = ? AND role = ?').get(change.deviceId, role) as
        | { token: unknown; scopes_json: unknown }
        | undefined;
      if (auth) {
        registerSecret(auth.token);
        const before = parseList(auth.scopes_json);
        const next = grow(before, change.add);
        if (!same(next, before)) {
          db.prepare('UPDATE device_auth_tokens SET scopes_json = ?, updated_at_ms = ? WHERE device_id = ? AND role = ?').run(JSON.stringify(next), nowMs, change.deviceId, role);
          out.push('device_auth_tokens.scopes_json');
        }
        if (freshToken) {
          db.prepare('UPDATE device_auth_tokens SET token = ?, updated_at_ms = ? WHERE device_id = ? AND role = ?').run(freshToken, nowMs, change.deviceId, role);
          out.push('device_auth_tokens.token');
        }
      }
    }
    for (const id of change.removePending ?? []) {
      const r = db.prepare('DELETE FROM device_pairing_pending WHERE request_id = ? AND device_id = ?').run(id, change.deviceId);
      if (Number(r.changes) > 0) out.push(`device_pairing_pending ${id}`);
    }
    change.beforeCommit?.();
    return out;
  });
  return { changed, attempts };
}

/** The device's lists as stored now, for verification (no token values). */
export async function readSqliteScopes(dbPath: string, deviceId: string, role = 'operator'): Promise<{ scopes: string[] | null; approvedScopes: string[] | null; tokenScopes: string[] | null; authTokenScopes: string[] | null } | null> {
  const db = await openDatabase(dbPath, { readOnly: true });
  try {
    const row = db.prepare('SELECT scopes_json, approved_scopes_json, tokens_json FROM device_pairing_paired WHERE device_id = ?').get(deviceId) as
      | { scopes_json: unknown; approved_scopes_json: unknown; tokens_json: unknown }
      | undefined;
    if (!row) return null;
    let tokenScopes: string[] | null = null;
    try {
      const t = JSON.parse(String(row.tokens_json)) as Record<string, { scopes?: unknown; token?: unknown }>;
      registerSecret(t?.[role]?.token);
      tokenScopes = Array.isArray(t?.[role]?.scopes) ? (t[role]!.scopes as unknown[]).filter((s): s is string => typeof s === 'string') : null;
    } catch {
      tokenScopes = null;
    }
    const auth = db.prepare('SELECT scopes_json FROM device_auth_tokens WHERE device_id = ? AND role = ?').get(deviceId, role) as { scopes_json: unknown } | undefined;
    return { scopes: parseList(row.scopes_json), approvedScopes: parseList(row.approved_scopes_json), tokenScopes, authTokenScopes: auth ? parseList(auth.scopes_json) : null };
  } finally {
    closeQuietly(db);
  }
}

/** Missing scopes per list after a change (empty = the change is in place). */
export async function verifySqliteScopes(dbPath: string, deviceId: string, want: readonly string[], opts: { hostAuthToken?: boolean } = {}): Promise<string[]> {
  const now = await readSqliteScopes(dbPath, deviceId);
  if (!now) return [`device ${deviceId.slice(0, 12)} is no longer in ${dbPath}`];
  const problems: string[] = [];
  const check = (name: string, list: string[] | null, required: boolean) => {
    if (list === null && !required) return;
    const missing = want.filter((s) => !(list ?? []).includes(s));
    if (missing.length) problems.push(`${name} lacks ${missing.join(', ')}`);
  };
  check('scopes_json', now.scopes, true);
  check('approved_scopes_json', now.approvedScopes, false);
  check('tokens_json.operator.scopes', now.tokenScopes, false);
  if (opts.hostAuthToken) check('device_auth_tokens.scopes_json', now.authTokenScopes, false);
  return problems;
}

/**
 * A fingerprint of the device tables (paired, pending, device tokens), read in one read transaction: equal
 * digests mean equal rows. Token values enter only hashed together with everything else, never returned.
 */
export async function deviceTablesDigest(dbPath: string): Promise<string> {
  const db = await openDatabase(dbPath, { readOnly: true });
  try {
    assertKnownSchema(db, dbPath, [...TABLES_RESTORED]);
    const hash = createHash('sha256');
    db.exec('BEGIN');
    try {
      for (const table of TABLES_RESTORED) {
        const cols = (db.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as { name: string }[]).map((r) => r.name).sort();
        hash.update(`\u0000${table}\u0000${cols.join(',')}\u0000`);
        const rows = db.prepare(`SELECT ${cols.join(', ')} FROM ${table}`).all() as Record<string, unknown>[];
        const lines = rows.map((r) => JSON.stringify(cols.map((c) => (typeof r[c] === 'bigint' ? Number(r[c]) : r[c] instanceof Uint8Array ? Buffer.from(r[c] as Uint8Array).toString('base64') : r[c])))).sort();
        for (const line of lines) hash.update(`${line}\n`);
      }
    } finally {
      try {
        db.exec('COMMIT');
      } catch {
        /* already over */
      }
    }
    return hash.digest('hex');
  } catch (error) {
    if (error instanceof Error && error.name === 'CannotRunError') throw error;
    throw sqliteError(dbPath, error, 'reading the device tables');
  } finally {
    closeQuietly(db);
  }
}

/**
 * A consistent copy of the whole database into `destFile` (must not exist) through SQLite's online backup
 * API: safe while the gateway runs, includes committed pages still in the -wal, file mode 0600.
 */
export async function backupSqlite(dbPath: string, destFile: string): Promise<{ pages: number }> {
  if (existsSync(destFile)) throw unchanged(new CannotRunError('backup-exists', `${destFile} already exists; nothing was changed.`, destFile));
  const { backup } = await loadSqlite();
  const db = await openDatabase(dbPath, { readOnly: false });
  try {
    const pages = await backup(db, destFile);
    chmodSync(destFile, 0o600);
    // The copy inherits WAL mode; as a rollback-journal file it is one self-contained file that a later read
    // (restore's ATTACH) opens without creating -wal/-shm beside it, so its bytes and hash stay as written.
    const { DatabaseSync } = await loadSqlite();
    const copy = new DatabaseSync(destFile);
    try {
      copy.exec('PRAGMA journal_mode = DELETE');
    } finally {
      copy.close();
    }
    return { pages };
  } catch (error) {
    throw sqliteError(dbPath, error, `backing it up to ${destFile}`);
  } finally {
    closeQuietly(db);
  }
}

/**
 * Puts the device tables back from a backup made by backupSqlite, in one transaction on the live database
 * (never a file copy over it). Other tables keep their current contents.
 */
export async function restoreDeviceTables(dbPath: string, backupFile: string): Promise<{ rows: Record<string, number> }> {
  const probe = await openDatabase(backupFile, { readOnly: true });
  try {
    assertKnownSchema(probe, backupFile, [...TABLES_RESTORED]);
  } finally {
    closeQuietly(probe);
  }
  const { value } = await withWriteTransaction(dbPath, `restoring the device tables from ${backupFile}`, (db) => {
    db.prepare('ATTACH DATABASE ? AS restore_src').run(backupFile);
    try {
      const rows: Record<string, number> = {};
      for (const table of TABLES_RESTORED) {
        // Same column set on both sides (checked above); list them so a reordered table still maps by name.
        const cols = (db.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as { name: string }[]).map((r) => r.name);
        const srcCols = new Set((db.prepare(`SELECT name FROM restore_src.pragma_table_info(?)`).all(table) as { name: string }[]).map((r) => r.name));
        const shared = cols.filter((c) => srcCols.has(c)).join(', ');
        db.exec(`DELETE FROM main.${table}`);
        db.exec(`INSERT INTO main.${table} (${shared}) SELECT ${shared} FROM restore_src.${table}`);
        rows[table] = Number((db.prepare(`SELECT count(*) AS n FROM main.${table}`).get() as { n: number | bigint }).n);
      }
      return rows;
    } finally {
      // DETACH inside the transaction is refused; it is detached when the connection closes.
    }
  });
  return { rows: value };
}
