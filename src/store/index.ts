/** Picks the authoritative device store: SQLite when the database exists (2026.8.1+), else the JSON files. */
import { existsSync, lstatSync } from 'node:fs';
import path from 'node:path';
import type { ReleaseKnowledge } from '../core/knowledge.js';
import type { DeviceAuthCache, HostIdentity, StoreView } from '../core/model.js';
import { readJsonStore } from './json-store.js';
import type { ReadOptions } from './read-file.js';

/** Whether anything (a file, a directory, a dangling link) stands at `p`. */
function pathPresent(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

function sqlitePath(stateDir: string): string {
  return path.join(stateDir, 'state', 'openclaw.sqlite');
}

export interface StoreRead {
  store: StoreView;
  /** The JSON files, when SQLite is authoritative and they are still there (migration leftovers). */
  legacyStore?: StoreView;
  /** SQLite era: the host identity and its device tokens come from the database, not identity/*.json. */
  identity?: HostIdentity;
  deviceAuth?: DeviceAuthCache;
  /** schema_meta 'primary' schema_version of the database, when SQLite is the store. */
  sqliteSchemaVersion?: number;
}

/**
 * Whether the SQLite store is the one the gateway uses.
 * Known release: its row says (2026.6.x-7.x create openclaw.sqlite with the pairing tables declared but
 * unused, measured on 7.35). Unknown release: the files decide: a database whose device_pairing_paired has
 * rows is authoritative; so is one that holds the host identity while no identity/device.json exists
 * (8.x/9.x keep the identity only in SQLite; 7.x keep it in the JSON file).
 */
async function sqliteIsAuthoritative(stateDir: string, dbPath: string, release: ReleaseKnowledge): Promise<boolean> {
  // lstat, not exists: a dangling or looping symlink (or a directory) where the database belongs is a broken
  // SQLite store to name, not a reason to judge the JSON files the gateway no longer reads.
  if (!pathPresent(dbPath)) return false;
  if (release.id !== 'unknown') return release.store === 'sqlite';
  const { peekSqlite } = await import('./sqlite-store.js');
  const { pairedRows, identityRows } = await peekSqlite(dbPath);
  if (pairedRows > 0) return true;
  return identityRows > 0 && !existsSync(path.join(stateDir, 'identity', 'device.json'));
}

export async function readStore(stateDir: string, release: ReleaseKnowledge, options: ReadOptions = {}): Promise<StoreRead> {
  const dbPath = sqlitePath(stateDir);
  const json = readJsonStore(stateDir, options);
  if (await sqliteIsAuthoritative(stateDir, dbPath, release)) {
    // Loaded lazily: a JSON-era install never pays for node:sqlite.
    const { readSqliteState } = await import('./sqlite-store.js');
    const state = await readSqliteState(dbPath);
    const leftovers = json.paired.status !== 'missing' || json.pending.status !== 'missing';
    return {
      store: state.store,
      legacyStore: leftovers ? json : undefined,
      identity: state.identity,
      deviceAuth: state.deviceAuth,
      ...(state.schemaVersion !== undefined ? { sqliteSchemaVersion: state.schemaVersion } : {}),
    };
  }
  return { store: json };
}
