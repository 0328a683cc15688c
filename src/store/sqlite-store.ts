/** The SQLite device store (2026.8.1+): <state>/state/openclaw.sqlite. Read-only here. */
import type { StoreView } from '../core/model.js';

export function readSqliteStore(dbPath: string): StoreView {
  const missing = { path: dbPath, status: 'missing' as const };
  return {
    kind: 'sqlite',
    path: dbPath,
    paired: { ...missing, status: 'unreadable', problem: 'the SQLite store is not supported by this build yet' },
    pending: missing,
    devices: [],
    pendingRequests: [],
    problem: 'the SQLite store is not supported by this build yet',
  };
}
