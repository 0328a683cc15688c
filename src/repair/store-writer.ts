/**
 * The store's side of the apply protocol (apply.ts): back up, write, read back, roll back. Implemented once for
 * the JSON files (each replaced atomically, with compare-and-swap on the bytes the plan was made from) and once
 * for the SQLite store (one transaction that checks the rows itself, an online-backup copy, the device tables
 * put back from it). Each writer is made for one attempt and says what it did there.
 */
import path from 'node:path';
import { CannotRunError } from '../core/errors.js';
import { commandLine } from '../report/render.js';
import { ConflictError, fileHolds, removeStaleTemps, vetTarget, writeFileAtomic, type AtomicWriteResult, type FileOwner } from './atomic.js';
import { createBackup, createStoreBackup, discardBackup, updateBackup, type Backup } from './backup.js';
import { crashPoint } from './crash.js';
import type { StoreTransaction } from './editor.js';

interface PreparedFile {
  rel: string;
  abs: string;
  before: Buffer;
  after: Buffer;
  mode: number;
}

/** One attempt's change, as the command rendered it from the state it read. */
export interface Prepared {
  /** File stores: every file with its bytes before and after. Empty when `transaction` is set. */
  files: PreparedFile[];
  /** Transactional stores (SQLite): the one change, run as a transaction. */
  transaction?: StoreTransaction;
  description: string;
  deviceId: string | null;
}

export interface WriterContext {
  command: 'rotate' | 'restore';
  stateDir: string;
  /** A gateway runs beside the write: compare-and-swap against it, watch for its writes, roll back only over ours. */
  live: boolean;
  /** A progress line. */
  step(text: string): void;
  /** The location flags of this run, repeated in the restore command an error names. */
  locationArgs: readonly string[];
}

/** What the store did not hold after the write: the file, and why in words (may be empty). */
interface Unread {
  file: string;
  why: string;
}

export interface StoreWriter {
  /** The file a conflict or an overwrite by the gateway is reported against. */
  readonly target: string;
  /** Files (relative) this attempt has replaced so far: a failure part-way may leave some. */
  readonly written: string[];
  /** Gateway writes that landed between our compare and our rename and were replaced by ours (lost). */
  readonly replaced: { file: string; writes: number }[];
  /** Why a gateway write at the same instant could not be ruled out, when it could not be watched. */
  readonly unwatched: string[];
  /** How the state before is put back, in words (for a refusal after a failed read-back). */
  readonly putBack: string;
  /** Copies what the store holds now into a new backup; the state itself is not touched yet. */
  backup(): Promise<Backup>;
  /**
   * Writes the change; returns what was written, in words. ConflictError: the store moved since it was read
   * (a backup nothing was written over is dropped). Any other failure puts back what was replaced and says so.
   */
  write(backup: Backup): Promise<string>;
  /** What does not hold the bytes or rows just written; undefined when everything does. */
  readBack(): Promise<Unread | undefined>;
  /** sha256 of each file (relative path) as written, for the backup's manifest. */
  digestsAfter(): Promise<Map<string, string>>;
  /** Puts the state before back from the backup (beside a live gateway: never over a write it made since). */
  rollBack(backup: Backup): Promise<void>;
}

export function writerFor(prepared: Prepared, ctx: WriterContext): StoreWriter {
  return prepared.transaction ? new SqliteWriter(prepared, prepared.transaction, ctx) : new FileWriter(prepared, ctx);
}

class FileWriter implements StoreWriter {
  readonly written: string[] = [];
  readonly replaced: { file: string; writes: number }[] = [];
  readonly unwatched: string[] = [];
  readonly putBack = 'the backup was put back';
  private readonly owners = new Map<string, FileOwner | undefined>();
  private readonly digests = new Map<string, string>();

  constructor(
    private readonly prepared: Prepared,
    private readonly ctx: WriterContext,
  ) {}

  get target(): string {
    return this.prepared.files[0]!.abs;
  }

  async backup(): Promise<Backup> {
    const { files, description, deviceId } = this.prepared;
    for (const f of files) await removeStaleTemps(f.abs, this.ctx.stateDir);
    for (const f of files) this.owners.set(f.abs, await vetTarget(f.abs));
    const backup = await backupOrSay(() =>
      createBackup(
        this.ctx.stateDir,
        files.map((f) => ({ rel: f.rel, bytes: f.before, mode: f.mode })),
        { command: this.ctx.command, description, deviceId },
      ),
    );
    this.ctx.step(`backed up ${files.map((f) => f.rel).join(', ')} to ${backup.dir}`);
    return backup;
  }

  async write(backup: Backup): Promise<string> {
    try {
      await this.replaceEach();
    } catch (error) {
      if (error instanceof ConflictError) {
        if (this.written.length === 0) await discardBackup(backup);
        else await updateBackup(backup, { status: 'applied' });
        throw error;
      }
      throw await this.undoPartWay(backup, error);
    }
    return `wrote ${this.written.join(', ')}`;
  }

  private async replaceEach(): Promise<void> {
    const { files } = this.prepared;
    // Compare-and-swap for every file before the first rename, so a conflict almost always means nothing was
    // written. One file: its own compare-and-swap, right before its rename, is that check.
    if (files.length > 1) for (const f of files) if (!fileHolds(f.abs, f.before)) throw new ConflictError(f.abs);
    for (const f of files) {
      const seen = await writeFileAtomic(f.abs, f.after, {
        expect: f.before,
        within: this.ctx.stateDir,
        owner: this.owners.get(f.abs),
        crashLabel: this.written.length === 0 ? 'temp-written' : undefined,
        detectRaces: this.ctx.live,
        sha256: true,
      });
      this.noteRace(f.rel, seen);
      this.digests.set(f.rel, seen.sha256!);
      this.written.push(f.rel);
      if (this.written.length === 1) crashPoint('renamed');
    }
  }

  /**
   * A failing disk (full, read-only, I/O error) or a refused target (a link planted since the plan) part-way: put
   * back what was replaced; the error says what the files hold. Once a file was replaced, that account is this
   * writer's, never the refusal's own "nothing was changed", which spoke only of the file it refused.
   */
  private async undoPartWay(backup: Backup, error: unknown): Promise<unknown> {
    if (this.written.length === 0) {
      await discardBackup(backup).catch(() => undefined);
      return withState(error, 'Nothing was changed.');
    }
    const replaced = this.written.join(', ');
    const several = this.written.length > 1;
    try {
      await restoreFiles(this.ctx, backup, this.prepared.files.filter((f) => this.written.includes(f.rel)), this.ctx.live && this.noteRace);
    } catch (undo) {
      return afterReplacing(error, `${replaced} had already been replaced, and putting ${several ? 'them' : 'it'} back failed too (${reason(undo)}): the state before is in ${backup.dir} (${commandLine(['restore', backup.name], this.ctx.locationArgs)}).`);
    }
    await updateBackup(backup, { status: 'rolled-back' }).catch(() => undefined);
    return afterReplacing(error, `${replaced} had already been replaced and ${several ? 'were' : 'was'} put back from the backup; nothing was changed.`);
  }

  /** What an atomic write saw of the gateway writing at the same instant. */
  private readonly noteRace = (rel: string, seen: AtomicWriteResult): void => {
    if (seen.replacedWrites) this.replaced.push({ file: rel, writes: seen.replacedWrites });
    if (seen.replacedWrites === null && seen.raceWatch && !this.unwatched.includes(seen.raceWatch)) this.unwatched.push(seen.raceWatch);
  };

  async readBack(): Promise<Unread | undefined> {
    const moved = this.prepared.files.find((f) => !fileHolds(f.abs, f.after));
    return moved && { file: moved.abs, why: '' };
  }

  async digestsAfter(): Promise<Map<string, string>> {
    return this.digests;
  }

  async rollBack(backup: Backup): Promise<void> {
    await restoreFiles(this.ctx, backup, this.prepared.files, this.ctx.live && this.noteRace);
  }
}

class SqliteWriter implements StoreWriter {
  readonly written: string[] = [];
  readonly replaced: { file: string; writes: number }[] = [];
  readonly unwatched: string[] = [];
  readonly putBack = 'the device tables were put back from the backup';

  constructor(
    private readonly prepared: Prepared,
    private readonly tx: StoreTransaction,
    private readonly ctx: WriterContext,
  ) {}

  get target(): string {
    return this.tx.abs;
  }

  async backup(): Promise<Backup> {
    const { tx } = this;
    await vetTarget(tx.abs);
    const backup = await createStoreBackup(
      this.ctx.stateDir,
      { rel: tx.rel, abs: tx.abs, copy: (dest) => tx.backup(dest), digest: (file) => tx.digest(file) },
      { command: this.ctx.command, description: this.prepared.description, deviceId: this.prepared.deviceId },
    );
    this.ctx.step(`backed up ${tx.rel} (online copy, with what is in its -wal) to ${backup.dir}`);
    return backup;
  }

  async write(backup: Backup): Promise<string> {
    let changed: string[];
    try {
      changed = await this.tx.write();
    } catch (error) {
      // A transaction that did not commit changed nothing: the copy is not needed.
      await discardBackup(backup);
      throw error;
    }
    this.written.push(this.tx.rel);
    return `wrote ${changed.length ? changed.join(', ') : 'nothing new'} in ${this.tx.rel} (one transaction)`;
  }

  async readBack(): Promise<Unread | undefined> {
    const problems = await this.tx.check();
    return problems.length ? { file: this.tx.abs, why: ` (${problems.join('; ')})` } : undefined;
  }

  async digestsAfter(): Promise<Map<string, string>> {
    return new Map([[this.tx.rel, await this.tx.digest(this.tx.abs)]]);
  }

  async rollBack(backup: Backup): Promise<void> {
    await this.tx.rollback(path.join(backup.dir, this.tx.rel));
  }
}

/** A CannotRunError with what the files now hold appended (the caller knows; the writer did not), unless it says so already. */
function withState(error: unknown, state: string): unknown {
  if (!(error instanceof CannotRunError) || error.saysUnchanged) return error;
  return new CannotRunError(error.code, `${error.message} ${state}`, error.path, error.exitCode);
}

/**
 * After a file was replaced: what refused the next one, then what the files hold, in the writer's words. Any
 * "nothing was changed" the refusal carried is left out: it spoke only of the file it refused.
 */
function afterReplacing(error: unknown, state: string): unknown {
  if (!(error instanceof CannotRunError)) return error;
  return new CannotRunError(error.code, `${reason(error)} ${state}`, error.path, error.exitCode);
}

/** An error's own account of what went wrong, without any claim that nothing was changed. */
function reason(error: unknown): string {
  if (!(error instanceof CannotRunError)) return error instanceof Error ? error.message : String(error);
  if (!error.saysUnchanged) return error.message;
  return error.refusal ?? `${error.path ?? 'The next file'} could not be written (${error.code}).`;
}

/** Making the backup failed (disk full, read-only): no state file was touched yet. */
async function backupOrSay<T>(make: () => Promise<T>): Promise<T> {
  try {
    return await make();
  } catch (error) {
    throw withState(error, 'The backup could not be made, so nothing was changed.');
  }
}

/**
 * Puts the backed-up bytes back. With the gateway stopped: atomic, no compare-and-swap (we undo our own write).
 * With a gateway left running (`live` given): only over our own bytes, so a gateway write made since is never
 * silently replaced; if the gateway rewrote the file, say so and leave it to `restore` with the gateway stopped.
 */
async function restoreFiles(ctx: WriterContext, backup: Backup, files: PreparedFile[], live: false | ((rel: string, seen: AtomicWriteResult) => void)): Promise<void> {
  const { stateDir } = ctx;
  const rewritten = (names: string[], restored: string[]) =>
    new CannotRunError(
      'conflict',
      `The running gateway rewrote ${names.join(', ')} after openclaw-fix's change, so ${names.length === 1 ? 'it was' : 'they were'} not rolled back over the gateway's write${restored.length ? ` (${restored.join(', ')} ${restored.length === 1 ? 'was' : 'were'} put back)` : ''}. Stop the gateway (openclaw gateway stop), then ${commandLine(['restore', backup.name], ctx.locationArgs)} puts back the state before.`,
      files.find((f) => names.includes(f.abs))?.abs,
    );
  if (live) {
    // Every file checked before the first is put back, so a conflict almost always means none was.
    const moved = files.filter((f) => !fileHolds(f.abs, f.after)).map((f) => f.abs);
    if (moved.length) throw rewritten(moved, []);
  }
  const restored: string[] = [];
  for (const f of files) {
    const owner = await vetTarget(f.abs);
    if (!live) {
      await writeFileAtomic(f.abs, f.before, { owner, within: stateDir });
      continue;
    }
    try {
      live(f.rel, await writeFileAtomic(f.abs, f.before, { owner, within: stateDir, expect: f.after, detectRaces: true }));
      restored.push(f.abs);
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      throw rewritten([f.abs], restored);
    }
  }
}
