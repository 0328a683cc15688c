/**
 * Opening <state>/state/openclaw.sqlite safely: node:sqlite loaded lazily (a JSON-era install never pays for
 * it) without its ExperimentalWarning reaching the user, a busy timeout on every connection, and every way
 * the file can be unusable turned into one CannotRunError line that names the file and says what to do.
 */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { DatabaseSync as DatabaseSyncType } from 'node:sqlite';
import { assertRegularFile } from '../core/bounded-read.js';
import { CannotRunError, errnoCode, unchanged } from '../core/errors.js';
import { hooks } from '../core/hooks.js';
import { ownerText, runAsHint } from '../core/users.js';

export type Database = DatabaseSyncType;
type SqliteModule = typeof import('node:sqlite');

/** How long a statement waits for the gateway's own write transaction before giving up. */
const BUSY_TIMEOUT_MS = 5_000;
const busyTimeoutMs = () => hooks.sqliteBusyMs ?? BUSY_TIMEOUT_MS;

/** The database header says WAL (file format read/write versions 2 at offsets 18/19). */
function isWalDatabase(dbPath: string): boolean {
  try {
    const fd = openSync(dbPath, 'r');
    try {
      const header = Buffer.alloc(20);
      readSync(fd, header, 0, 20, 0);
      return header[18] === 2 && header[19] === 2;
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
}

let loaded: SqliteModule | undefined;

/**
 * node:sqlite on Node 22 prints "ExperimentalWarning: SQLite is an experimental feature" on first load.
 * Only that one warning is swallowed, only while our import runs; every other warning passes through.
 */
export async function loadSqlite(): Promise<SqliteModule> {
  if (loaded) return loaded;
  const original = process.emitWarning;
  process.emitWarning = function (this: NodeJS.Process, warning: string | Error, ...rest: unknown[]) {
    const text = typeof warning === 'string' ? warning : warning.message;
    const type = typeof rest[0] === 'string' ? rest[0] : (rest[0] as { type?: string } | undefined)?.type;
    const name = typeof warning === 'string' ? type : warning.name;
    if (name === 'ExperimentalWarning' && /sqlite/i.test(text)) return;
    return (original as (...args: unknown[]) => void).call(this, warning, ...rest);
  } as typeof process.emitWarning;
  try {
    loaded = await import('node:sqlite');
  } catch {
    throw unchanged(new CannotRunError(
      'sqlite-unavailable',
      `This OpenClaw keeps devices in SQLite, and this Node.js (${process.version}) has no node:sqlite. Run openclaw-fix with Node.js 22.13 or newer; nothing was changed.`,
    ));
  } finally {
    process.emitWarning = original;
  }
  return loaded;
}

/** One line for a SQLite failure, naming the file and what to do; nothing was changed by it. */
export function sqliteError(dbPath: string, error: unknown, doing: string): CannotRunError {
  return unchanged(sqliteFailure(dbPath, error, doing));
}

function sqliteFailure(dbPath: string, error: unknown, doing: string): CannotRunError {
  const changed = 'nothing was changed';
  const message = error instanceof Error ? error.message : String(error);
  const code = errnoCode(error);
  const errstr = (error as { errstr?: unknown })?.errstr;
  const text = `${message} ${typeof errstr === 'string' ? errstr : ''}`;
  if (/locked|busy/i.test(text)) {
    return new CannotRunError(
      'sqlite-locked',
      `${dbPath} is locked by another process (the gateway or an openclaw command is writing it) and stayed locked for ${busyTimeoutMs() / 1000} s while ${doing}; ${changed}. Try again in a moment, or stop the gateway first (openclaw gateway stop).`,
      dbPath,
    );
  }
  if (/not a database|malformed|corrupt|disk image/i.test(text)) {
    return new CannotRunError(
      'sqlite-corrupt',
      `${dbPath} is not a readable SQLite database (${message.trim()}) while ${doing}; ${changed}. Stop the gateway, keep a copy of the file with its -wal and -shm, and restore it from a backup (openclaw-fix restore --list).`,
      dbPath,
    );
  }
  if (/unable to open|readonly|permission|access/i.test(text) || code === 'EACCES') {
    let owner = '';
    try {
      const s = statSync(dbPath);
      if (s.uid !== (process.getuid?.() ?? -1)) owner = ` It belongs to ${ownerText(s.uid)}: run openclaw-fix as that user (${runAsHint(s.uid)}).`;
    } catch {
      /* the message below still names the file */
    }
    return new CannotRunError(
      'sqlite-unreadable',
      `Cannot open ${dbPath} (${message.trim()}) while ${doing}; ${changed}.${owner || ' Check that this user can read the file and its directory (with -wal and -shm beside it).'}`,
      dbPath,
    );
  }
  return new CannotRunError('sqlite-error', `${dbPath}: ${message.trim()} while ${doing}; ${changed}.`, dbPath);
}

/**
 * Opens the database read-only (never creates it) with a busy timeout. The caller closes it in `finally`.
 * A WAL database is read together with its -wal; a read-only connection never checkpoints or truncates it.
 */
export async function openDatabase(dbPath: string, opts: { readOnly: boolean }): Promise<Database> {
  // A FIFO here (or beside it, as -wal/-shm) would hang the open; /dev/zero would read as an unknown schema.
  for (const file of [dbPath, `${dbPath}-wal`, `${dbPath}-shm`]) {
    assertRegularFile(file, 'a SQLite database file', 'Move it aside and restore the database from a backup (openclaw-fix restore --list).');
  }
  const { DatabaseSync } = await loadSqlite();
  let db: Database | undefined;
  try {
    // Nobody has a WAL database open when its -wal is gone (the last connection removes it): then read it as
    // immutable, which takes no locks and creates no -wal/-shm beside it, so a read leaves the state dir as it was.
    if (opts.readOnly && isWalDatabase(dbPath) && !existsSync(`${dbPath}-wal`)) {
      try {
        db = new DatabaseSync(`${pathToFileURL(dbPath).href}?immutable=1`, { readOnly: true, open: true });
      } catch {
        db = undefined; // a Node without URI filenames: open it normally below
      }
    }
    db ??= new DatabaseSync(dbPath, { readOnly: opts.readOnly, open: true });
    db.exec(`PRAGMA busy_timeout = ${busyTimeoutMs()}`);
    // Forces the header read now, so "not a database" surfaces here and not mid-read.
    db.prepare('SELECT count(*) AS n FROM sqlite_master').get();
    return db;
  } catch (error) {
    try {
      db?.close();
    } catch {
      /* already closed */
    }
    throw sqliteError(dbPath, error, 'opening it');
  }
}

export function closeQuietly(db: Database | undefined): void {
  try {
    if (db?.isOpen) db.close();
  } catch {
    /* closing a closed handle */
  }
}
