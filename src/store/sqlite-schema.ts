/**
 * The parts of OpenClaw's state database openclaw-fix reads and writes, as created by the real 2026.8.2
 * and 2026.9.6 gateways (schema_meta 'primary' schema_version 15; columns copied from their sqlite_master,
 * see scripts/gen-sqlite-fixtures.mjs). A table or column we rely on that is missing means a newer (or
 * older) schema than we know: we refuse rather than guess.
 */
import { CannotRunError, unchanged } from '../core/errors.js';
import type { Database } from './sqlite-open.js';

/** 2026.8.2 writes 15, 2026.9.6 writes 18; the device tables are identical in both. */
const KNOWN_SCHEMA_VERSIONS = [15, 18];

/** Columns each table must have for openclaw-fix to read it (extra columns are fine). */
const REQUIRED_COLUMNS = {
  device_pairing_paired: [
    'device_id', 'public_key', 'display_name', 'platform', 'device_family', 'client_id', 'client_mode', 'role',
    'roles_json', 'scopes_json', 'approved_scopes_json', 'remote_ip', 'tokens_json', 'created_at_ms',
    'approved_at_ms', 'last_seen_at_ms',
  ],
  device_pairing_pending: [
    'request_id', 'device_id', 'public_key', 'platform', 'device_family', 'client_id', 'client_mode', 'role',
    'roles_json', 'scopes_json', 'remote_ip', 'silent', 'is_repair', 'ts', 'refreshed_at_ms',
  ],
  device_identities: ['identity_key', 'device_id', 'public_key_pem'],
  device_auth_tokens: ['device_id', 'role', 'token', 'scopes_json', 'updated_at_ms'],
} as const;

export type KnownTable = keyof typeof REQUIRED_COLUMNS;

function tableColumns(db: Database, table: string): string[] {
  return (db.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as { name: string }[]).map((r) => r.name);
}

/** schema_meta 'primary' schema_version, when the table exists (it does on 8.x/9.x). */
export function schemaVersion(db: Database): number | undefined {
  try {
    const row = db.prepare(`SELECT schema_version FROM schema_meta WHERE meta_key = 'primary'`).get() as { schema_version?: unknown } | undefined;
    return typeof row?.schema_version === 'number' ? row.schema_version : undefined;
  } catch {
    return undefined;
  }
}

/** Throws a one-line CannotRunError when a table or column openclaw-fix needs is not there. */
export function assertKnownSchema(db: Database, dbPath: string, tables: readonly KnownTable[] = Object.keys(REQUIRED_COLUMNS) as KnownTable[]): void {
  const version = schemaVersion(db);
  const which = version !== undefined ? `schema version ${version}` : 'an unknown schema';
  for (const table of tables) {
    const have = tableColumns(db, table);
    if (have.length === 0) {
      throw unchanged(new CannotRunError(
        'sqlite-schema',
        `${dbPath} has no table ${table} (${which}; openclaw-fix knows the 2026.8.x-9.x layout, schema ${KNOWN_SCHEMA_VERSIONS.join('/')}). It was written by an OpenClaw this openclaw-fix does not know: update openclaw-fix. Nothing was changed.`,
        dbPath,
      ));
    }
    const missing = REQUIRED_COLUMNS[table].filter((c) => !have.includes(c));
    if (missing.length) {
      throw unchanged(new CannotRunError(
        'sqlite-schema',
        `${dbPath}: table ${table} lacks column(s) ${missing.join(', ')} (${which}; openclaw-fix knows schema ${KNOWN_SCHEMA_VERSIONS.join('/')}). It was written by an OpenClaw this openclaw-fix does not know: update openclaw-fix. Nothing was changed.`,
        dbPath,
      ));
    }
  }
}
