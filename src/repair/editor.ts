/**
 * Store adapters: render a plan into the new bytes of each file, and check afterwards that what is on disk
 * is what the plan meant. The JSON store is edited on the ORIGINAL parsed objects (key order, unknown and
 * future fields kept) and written exactly as OpenClaw writes it; the device rotate changes in paired.json is
 * rewritten in place when it is written that way (json-edit.ts), so every other byte of the file stays.
 * The SQLite store (2026.8.1+) is "transactional": instead of bytes it offers one transaction (with its own
 * compare-and-swap), an online-backup copy, and a rollback that puts the device tables back from that copy.
 * apply.ts drives both through the same lock / stop / backup / write / verify / start / roll back protocol.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { CannotRunError, unchanged } from '../core/errors.js';
import type { Snapshot, StoreKind } from '../core/model.js';
import { registerSecret } from '../core/secrets.js';
import { readDeviceAuth } from '../store/identity.js';
import { readJsonStore } from '../store/json-store.js';
import { isPlainObject } from '../store/records.js';
import { sqliteChangeFromPlan } from '../store/sqlite-plan.js';
import { applySqliteScopeChange, backupSqlite, deviceTablesDigest, readSqliteScopes, restoreDeviceTables, SqliteConflictError } from '../store/sqlite-write.js';
import type { DeviceRecord } from '../core/model.js';
import { ConflictError } from './atomic.js';
import { crashPoint } from './crash.js';
import { replaceMemberInPlace } from './json-edit.js';
import { DEVICE_AUTH_FILE, LOCATIONS, PAIRED_FILE, PENDING_FILE, SQLITE_AUTH, SQLITE_DB_FILE, SQLITE_PAIRED, type RotatePlan } from './plan.js';

export interface RenderContext {
  nowMs: number;
}

interface EditorBase {
  kind: StoreKind;
  /** Absolute paths the plan writes, in write order (the connect check's file first). */
  files(plan: RotatePlan): string[];
  /**
   * Problems with the store as it is on disk now, measured against the plan (empty = the change is in place).
   * `read`: a snapshot just taken from disk, to judge instead of reading the store again (a file store only).
   */
  verify(plan: RotatePlan, read?: Pick<Snapshot, 'store' | 'deviceAuth'>): string[] | Promise<string[]>;
}

/** A store written file by file: new bytes per file, written atomically with compare-and-swap by apply.ts. */
interface FileStoreEditor extends EditorBase {
  transactional: false;
  /** New bytes per absolute path, from the current bytes. Throws CannotRunError when a file is not what the plan expects. */
  render(plan: RotatePlan, current: ReadonlyMap<string, Buffer>, ctx: RenderContext): Map<string, Buffer>;
}

/**
 * One change to a transactional store, as apply.ts runs it: back up (a consistent copy into a new file),
 * write (one transaction that checks the rows are still what the plan saw; ConflictError otherwise, nothing
 * written), check (read back), roll back (from the copy). Never a secret in what it returns.
 */
export interface StoreTransaction {
  /** The store file, relative to the state dir (its place in the backup too) and absolute. */
  rel: string;
  abs: string;
  backup(dest: string): Promise<void>;
  /** Fingerprint of the rows the change may touch, in a database file (the live one or a copy). */
  digest(file: string): Promise<string>;
  /** Runs the change; returns what changed, in words (column names, request ids). */
  write(): Promise<string[]>;
  /** Problems after the write (empty = in place). */
  check(): Promise<string[]>;
  /** Puts the rows back from a copy made by backup(). */
  rollback(copy: string): Promise<void>;
}

export interface TransactionalStoreEditor extends EditorBase {
  transactional: true;
  transaction(plan: RotatePlan, device: DeviceRecord): StoreTransaction;
}

export type StoreEditor = FileStoreEditor | TransactionalStoreEditor;

export function editorFor(snapshot: Snapshot): StoreEditor {
  if (snapshot.store.kind === 'sqlite') return new SqliteStoreEditor(snapshot.location.stateDir, snapshot.store.path);
  return new JsonStoreEditor(snapshot.location.stateDir);
}

/** As OpenClaw writes: 2-space JSON, no trailing newline. */
export function serialize(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value, null, 2), 'utf8');
}

/** serialize() for one state file: a value JSON.stringify cannot write back (nested too deeply) is refused, not a crash. */
function serializeFile(file: string, value: unknown): Buffer {
  try {
    return serialize(value);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw unchanged(new CannotRunError(
      'store-unwritable',
      `${file} holds a value nested too deeply to be written back (JSON.stringify fails on it, so OpenClaw's own next write of this file fails too). Remove that field by hand or restore the file from a backup, then run openclaw-fix doctor. Nothing was changed.`,
      file,
    ));
  }
}

/** Paths (dot-joined) where two parsed JSON values differ; arrays compare as a whole. */
export function changedPaths(a: unknown, b: unknown, at = ''): string[] {
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    return keys.flatMap((k) => changedPaths(a[k], b[k], at ? `${at}.${k}` : k));
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [at];
}

/** A token value like OpenClaw's: 32 random bytes, base64url. */
function newTokenValue(): string {
  const value = randomBytes(32).toString('base64url');
  registerSecret(value);
  return value;
}

/**
 * A number JSON.stringify would not write back as it was read (1e400 becomes null, 1.0 becomes 1, a 20-digit id
 * loses digits) is kept as its source text: a rewrite of the file leaves every untouched value's bytes alone.
 */
const rawJSON = (JSON as unknown as { rawJSON?: (text: string) => unknown }).rawJSON;
function keepNumberText(_key: string, value: unknown, context?: { source?: string }): unknown {
  return typeof value === 'number' && rawJSON && context?.source !== undefined && String(value) !== context.source ? rawJSON(context.source) : value;
}

/** JSON.parse keeping the source text of numbers JSON.stringify would write differently (keepNumberText). */
function parseKeepingNumbers(text: string): unknown {
  return JSON.parse(text, keepNumberText as (key: string, value: unknown) => unknown);
}

function parse(file: string, bytes: Buffer | undefined): Record<string, unknown> {
  let value: unknown;
  try {
    value = bytes === undefined ? undefined : parseKeepingNumbers(bytes.toString('utf8'));
  } catch {
    value = undefined;
  }
  if (!isPlainObject(value)) {
    throw unchanged(new CannotRunError('store-changed', `${file} no longer holds the JSON object openclaw-fix planned on; nothing was changed. Run openclaw-fix doctor.`, file));
  }
  return value;
}

function pushMissing(list: unknown, add: readonly string[]): string[] {
  const base = Array.isArray(list) ? (list as unknown[]) : [];
  for (const s of add) if (!base.includes(s)) base.push(s);
  return base as string[];
}

/** The scopes the plan adds to one list of one file. */
function addedTo(plan: RotatePlan, file: string, field: string): readonly string[] {
  return plan.arrays.find((a) => a.file === file && a.field === field)?.added ?? [];
}

/** paired.json with the plan applied to the target's record; `paths`: the dotted paths it may change. */
function editPaired(file: string, before: Buffer | undefined, plan: RotatePlan, token: string | undefined, nowMs: number): { bytes: Buffer; paths: string[] } {
  const k = plan.target.key;
  const root = parse(file, before);
  const device = root[k];
  if (!isPlainObject(device)) throw unchanged(new CannotRunError('store-changed', `Device ${plan.target.deviceId} is no longer in ${file}; nothing was changed.`, file));
  const paths: string[] = [];
  const scopesAdd = addedTo(plan, PAIRED_FILE, 'scopes');
  if (scopesAdd.length) {
    device.scopes = pushMissing(device.scopes, scopesAdd);
    paths.push(`${k}.scopes`);
  }
  const approvedAdd = addedTo(plan, PAIRED_FILE, 'approvedScopes');
  if (approvedAdd.length) {
    device.approvedScopes = pushMissing(device.approvedScopes, approvedAdd);
    paths.push(`${k}.approvedScopes`);
  }
  if (plan.addRole) {
    device.roles = pushMissing(device.roles, [plan.addRole]);
    paths.push(`${k}.roles`);
  }
  const op = isPlainObject(device.tokens) && isPlainObject(device.tokens.operator) ? device.tokens.operator : undefined;
  const tokenAdd = addedTo(plan, PAIRED_FILE, 'tokens.operator.scopes');
  if (op && tokenAdd.length) {
    op.scopes = pushMissing(op.scopes, tokenAdd);
    paths.push(`${k}.tokens.operator.scopes`);
  }
  if (op && token) {
    op.token = token;
    op.rotatedAtMs = nowMs;
    paths.push(`${k}.tokens.operator.token`, `${k}.tokens.operator.rotatedAtMs`);
  }
  // The target written as OpenClaw writes it: only its bytes change. Anything else: the whole file, as OpenClaw writes it.
  const inPlace = replaceMemberInPlace(before!.toString('utf8'), k, device, parseKeepingNumbers);
  return { bytes: inPlace === undefined ? serializeFile(file, root) : Buffer.from(inPlace, 'utf8'), paths };
}

export class JsonStoreEditor implements FileStoreEditor {
  readonly kind = 'json' as const;
  readonly transactional = false as const;
  constructor(private readonly stateDir: string) {}

  private abs(rel: string): string {
    return path.join(this.stateDir, rel);
  }

  files(plan: RotatePlan): string[] {
    return plan.files.map((f) => this.abs(f));
  }

  render(plan: RotatePlan, current: ReadonlyMap<string, Buffer>, ctx: RenderContext): Map<string, Buffer> {
    const out = new Map<string, Buffer>();
    const token = plan.newToken ? newTokenValue() : undefined;
    const added = (file: string, field: string) => addedTo(plan, file, field);
    // Which dotted paths this plan may touch per file: anything else changing is a bug, caught before writing.
    const allowed = new Map<string, string[]>();

    if (plan.files.includes(PAIRED_FILE)) {
      const file = this.abs(PAIRED_FILE);
      const edited = editPaired(file, current.get(file), plan, token, ctx.nowMs);
      out.set(file, edited.bytes);
      allowed.set(file, edited.paths);
    }

    if (plan.files.includes(DEVICE_AUTH_FILE)) {
      const file = this.abs(DEVICE_AUTH_FILE);
      const root = parse(file, current.get(file));
      const op = isPlainObject(root.tokens) && isPlainObject(root.tokens.operator) ? root.tokens.operator : undefined;
      if (!op || root.deviceId !== plan.target.deviceId) throw unchanged(new CannotRunError('store-changed', `${file} no longer holds this device's operator token; nothing was changed.`, file));
      const paths: string[] = [];
      const add = added(DEVICE_AUTH_FILE, 'tokens.operator.scopes');
      if (add.length) {
        op.scopes = pushMissing(op.scopes, add);
        paths.push('tokens.operator.scopes');
      }
      if (token) {
        op.token = token;
        op.updatedAtMs = ctx.nowMs;
        paths.push('tokens.operator.token', 'tokens.operator.updatedAtMs');
      }
      out.set(file, serializeFile(file, root));
      allowed.set(file, paths);
    }

    if (plan.files.includes(PENDING_FILE)) {
      const file = this.abs(PENDING_FILE);
      const root = parse(file, current.get(file));
      for (const r of plan.removePending) delete root[r.requestId];
      out.set(file, serializeFile(file, root));
      allowed.set(file, plan.removePending.map((r) => r.requestId));
    }

    // visudo-style: parse what we are about to write and prove only the planned fields changed, and no scope was dropped.
    for (const [file, bytes] of out) {
      const ok = allowed.get(file) ?? [];
      const changed = changedPaths(parse(file, current.get(file)), parse(file, bytes));
      const stray = changed.filter((p) => !ok.some((a) => p === a || p.startsWith(`${a}.`)));
      if (stray.length) throw new Error(`internal: the rendered ${path.basename(file)} changes ${stray.join(', ')} beyond the plan`);
    }
    return out;
  }

  verify(plan: RotatePlan, read?: Pick<Snapshot, 'store' | 'deviceAuth'>): string[] {
    const problems: string[] = [];
    const store = read?.store.kind === 'json' ? read.store : readJsonStore(this.stateDir);
    if (store.paired.status !== 'ok') return [`${store.paired.path} ${store.paired.problem ?? store.paired.status}`];
    const device = store.devices.find((d) => d.key === plan.target.key);
    if (!device) return [`device ${plan.target.deviceId} is no longer in ${store.paired.path}`];
    for (const change of plan.arrays) {
      let list: string[] | null = null;
      if (change.file === PAIRED_FILE) {
        list =
          change.field === 'scopes'
            ? device.scopes
            : change.field === 'approvedScopes'
              ? device.approvedScopes
              : (device.tokens.find((t) => t.role === 'operator')?.scopes ?? null);
      } else if (change.file === DEVICE_AUTH_FILE) {
        list = (read?.store.kind === 'json' ? read.deviceAuth : readDeviceAuth(this.stateDir)).tokens.find((t) => t.role === 'operator')?.scopes ?? null;
      }
      const missing = change.after.filter((s) => !(list ?? []).includes(s));
      if (missing.length) problems.push(`${change.file} ${change.field} lacks ${missing.join(', ')}`);
    }
    if (plan.addRole && !(device.roles ?? []).includes(plan.addRole)) problems.push(`${PAIRED_FILE} roles lacks ${plan.addRole}`);
    return problems;
  }
}

/** The device tables of the live database, or of a backup copy, put back from `copy` (one transaction). */
export function sqliteRestoreTransaction(stateDir: string, dbPath: string, copy: string): StoreTransaction {
  return {
    rel: path.relative(stateDir, dbPath) || SQLITE_DB_FILE,
    abs: dbPath,
    backup: async (dest) => {
      await backupSqlite(dbPath, dest);
    },
    digest: (file) => deviceTablesDigest(file),
    write: async () => {
      crashPoint('temp-written');
      const { rows } = await restoreDeviceTables(dbPath, copy);
      crashPoint('renamed');
      return Object.entries(rows).map(([table, n]) => `${table} (${n} row${n === 1 ? '' : 's'})`);
    },
    check: async () => ((await deviceTablesDigest(dbPath)) === (await deviceTablesDigest(copy)) ? [] : [`the device tables of ${dbPath} do not match the backup`]),
    rollback: async (from) => {
      await restoreDeviceTables(dbPath, from);
    },
  };
}

/**
 * The SQLite store: the plan (in the store's own names: tables and columns) becomes one BEGIN IMMEDIATE
 * transaction with compare-and-swap of the lists the plan saw; backup is SQLite's online backup (includes the
 * -wal); rollback puts the three device tables back from that copy. The database file is never copied,
 * renamed or replaced.
 */
class SqliteStoreEditor implements TransactionalStoreEditor {
  readonly kind = 'sqlite' as const;
  readonly transactional = true as const;
  constructor(
    private readonly stateDir: string,
    private readonly dbPath: string,
  ) {}

  files(): string[] {
    return [this.dbPath];
  }

  transaction(plan: RotatePlan, device: DeviceRecord): StoreTransaction {
    const change = sqliteChangeFromPlan(plan, device);
    const dbPath = this.dbPath;
    return {
      rel: path.relative(this.stateDir, dbPath) || SQLITE_DB_FILE,
      abs: dbPath,
      backup: async (dest) => {
        await backupSqlite(dbPath, dest);
      },
      digest: (file) => deviceTablesDigest(file),
      write: async () => {
        try {
          // The crash hook's "temp-written" is inside the transaction, before COMMIT; "renamed" right after it.
          const r = await applySqliteScopeChange(dbPath, { ...change, beforeCommit: () => crashPoint('temp-written') });
          crashPoint('renamed');
          return r.changed;
        } catch (error) {
          if (error instanceof SqliteConflictError) throw new ConflictError(dbPath);
          throw error;
        }
      },
      check: () => this.verify(plan),
      rollback: async (copy) => {
        await restoreDeviceTables(dbPath, copy);
      },
    };
  }

  async verify(plan: RotatePlan): Promise<string[]> {
    const at = LOCATIONS.sqlite;
    const now = await readSqliteScopes(this.dbPath, plan.target.deviceId);
    if (!now) return [`device ${plan.target.deviceId} is no longer in ${this.dbPath}`];
    const problems: string[] = [];
    for (const change of plan.arrays) {
      const list =
        change.file === SQLITE_AUTH
          ? now.authTokenScopes
          : change.file === SQLITE_PAIRED && change.field === at.scopes
            ? now.scopes
            : change.file === SQLITE_PAIRED && change.field === at.approvedScopes
              ? now.approvedScopes
              : change.file === SQLITE_PAIRED && change.field === at.tokenScopes
                ? now.tokenScopes
                : null;
      const missing = change.after.filter((s) => !(list ?? []).includes(s));
      if (missing.length) problems.push(`${change.file}.${change.field} lacks ${missing.join(', ')}`);
    }
    return problems;
  }
}
