/** Picks the authoritative device store: SQLite when the database exists (2026.8.1+), else the JSON files. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { ReleaseKnowledge } from '../core/knowledge.js';
import type { StoreView } from '../core/model.js';
import { readJsonStore } from './json-store.js';

export function sqlitePath(stateDir: string): string {
  return path.join(stateDir, 'state', 'openclaw.sqlite');
}

export interface StoreRead {
  store: StoreView;
  /** The JSON files, when SQLite is authoritative and they are still there (migration leftovers). */
  legacyStore?: StoreView;
}

export async function readStore(stateDir: string, release: ReleaseKnowledge): Promise<StoreRead> {
  const dbPath = sqlitePath(stateDir);
  const json = readJsonStore(stateDir);
  // 2026.6.x-7.x create the database with the pairing tables declared but unused (measured on 7.35):
  // there the JSON files are still the store.
  if (existsSync(dbPath) && release.store === 'sqlite') {
    // Loaded lazily: a JSON-era install never pays for node:sqlite.
    const { readSqliteStore } = await import('./sqlite-store.js');
    const store = readSqliteStore(dbPath);
    const leftovers = json.paired.status !== 'missing' || json.pending.status !== 'missing';
    return { store, legacyStore: leftovers ? json : undefined };
  }
  return { store: json };
}
