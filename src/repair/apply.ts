/**
 * The apply protocol shared by rotate and restore: lock, stop the gateway, attempt (back up, write with
 * compare-and-swap, read back; re-plan up to 3 times when the store moved), start the gateway, verify, and roll
 * back from the backup when the verification fails. The store's side of each step is a StoreWriter
 * (store-writer.ts): the JSON files and the SQLite database go through the same steps.
 */
import { CannotRunError, unchanged } from '../core/errors.js';
import { printable } from '../report/escape.js';
import type { Output } from '../report/output.js';
import { ConflictError } from './atomic.js';
import { updateBackup, type Backup } from './backup.js';
import { crashPoint } from './crash.js';
import { hooks } from '../core/hooks.js';
import { holdOffInterrupt } from './interrupt.js';
import { acquireLock, type Lock } from './lock.js';
import { WRITTEN_PLACES } from './places.js';
import { refuseLinks } from './confined.js';
import { waitForPort, type GatewayStatus } from './service.js';
import { writerFor, type Prepared, type StoreWriter } from './store-writer.js';

export type { Prepared } from './store-writer.js';

const MAX_ATTEMPTS = 3;

/** A gateway left running may be mid read-modify-write when we rename; give it time to show a lost update. */
const SETTLE_MS = 600;

/** The final verification: problems (empty = the change holds) and what the command learned on the way. */
export interface Verified<R> {
  problems: string[];
  found?: R;
}

export interface ApplySpec<P extends Prepared, R> {
  command: 'rotate' | 'restore';
  stateDir: string;
  /** The location flags of this run, repeated in a restore command an error names (none: the default state). */
  locationArgs?: readonly string[];
  /** Reads the live state and renders the change; null = nothing (left) to do. Called again after a conflict. */
  prepare(attempt: number): Promise<P | null>;
  /** After the write (and, with a live gateway, after it had time to rewrite): is this change still there? */
  verifyWritten(change: P): string[] | Promise<string[]>;
  /** After the gateway is back (or right after the write when there is no gateway to start): re-diagnose. */
  verifyFinal(change: P): Promise<Verified<R>>;
  gateway: GatewayStatus;
  restart: boolean;
  timeoutSec: number;
  output: Output;
}

interface ServiceReport {
  manager: string | null;
  /** stopped-started: we stopped and started it; left-running: --no-restart or no manager but it answers. */
  action: 'stopped-started' | 'left-running' | 'not-running' | 'none';
  back: boolean | null;
  seconds: number | null;
}

export interface ApplyResult<P extends Prepared = Prepared, R = unknown> {
  status: 'applied' | 'rolled-back' | 'nothing';
  backup: Backup | null;
  written: string[];
  attempts: number;
  service: ServiceReport;
  /** Why it was rolled back. */
  problems: string[];
  /** Things the user should know (the gateway may overwrite the edit, a stale lock was recovered...). */
  notes: string[];
  /**
   * Gateway writes that landed in the instant between our compare and our rename and were replaced by ours:
   * lost, and said out loud (never silently). Only with a gateway left running.
   */
  replacedGatewayWrites: { file: string; writes: number }[];
  rollbackOk?: boolean;
  /** The change that was written (the last attempt's), and what its final verification found. */
  change?: P;
  found?: R;
}

export async function applyChange<P extends Prepared, R = unknown>(spec: ApplySpec<P, R>): Promise<ApplyResult<P, R>> {
  // A step names paths under the state dir, whose name whoever made it chose: shown, never raw.
  const step = (text: string) => spec.output.note(`${spec.output.err.dim('›')} ${printable(text)}`);
  // A link planted where we write (by the state's owner, say) is refused before anything is touched.
  refuseLinks(spec.stateDir, WRITTEN_PLACES);
  const lock = await acquireLock(spec.stateDir, spec.command);
  const gateway = new Gateway(spec, lock, step);
  const notes = [...gateway.notes, ...lockNotes(lock)];
  const races = new Races();
  const signals = watchSignals();
  try {
    crashPoint('locked');
    await gateway.stopFirst();
    const { attempts, written } = await attempt(spec, { live: gateway.live, notes, races, step, interrupted: signals.interrupted });
    const base = { attempts, service: gateway.report, replacedGatewayWrites: races.replaced };
    if (!written) {
      await gateway.startAgain();
      return { ...base, status: 'nothing', backup: null, written: [], problems: [], notes: [...notes, ...races.lines()] };
    }
    const { change, writer, backup } = written;
    const back = await gateway.startAgain();
    const verified: Verified<R> = back ? await spec.verifyFinal(change) : { problems: [`the gateway did not answer on port ${spec.gateway.port} within ${spec.timeoutSec} s after the start`] };
    crashPoint('verified');
    const result = { ...base, backup, written: writer.written, problems: verified.problems, change, found: verified.found };
    if (verified.problems.length === 0) return { ...result, status: 'applied', notes: [...notes, ...races.lines()] };

    // Roll back: the same writer, then start again and say exactly what happened.
    step(`verification failed (${verified.problems.join('; ')}); rolling back from ${backup.dir}`);
    await gateway.stopForRollback();
    await rollBack(writer, backup, verified.problems);
    const rollbackOk = await gateway.startAgain();
    return { ...result, status: 'rolled-back', notes: [...notes, ...races.lines()], rollbackOk };
  } catch (error) {
    throw races.attachTo(error);
  } finally {
    await gateway.neverLeftDown();
    signals.off();
    lock.release();
  }
}

interface AttemptContext {
  live: boolean;
  notes: string[];
  races: Races;
  step(text: string): void;
  interrupted(): boolean;
}

/** How many attempts it took, and the change that was written (none: nothing was left to do). */
interface Attempted<P> {
  attempts: number;
  written?: { change: P; writer: StoreWriter; backup: Backup };
}

/** Prepare, back up, write, read back; again (at most MAX_ATTEMPTS times) while the store moves under us. */
async function attempt<P extends Prepared, R>(spec: ApplySpec<P, R>, ctx: AttemptContext): Promise<Attempted<P>> {
  // Across attempts: an overwritten attempt may still have changed some files.
  const everWritten = new Set<string>();
  let firstBackup: Backup | undefined;
  let conflictFile = '';
  for (let attempts = 1; ; attempts++) {
    if (attempts > MAX_ATTEMPTS) throw keptChanging(spec.command, conflictFile, [...everWritten], firstBackup);
    if (ctx.interrupted()) throw unchanged(new CannotRunError('interrupted', 'Interrupted before writing; nothing was changed.', undefined, 130));
    const change = await spec.prepare(attempts);
    if (!change) return { attempts };
    const writer = writerFor(change, { command: spec.command, stateDir: spec.stateDir, live: ctx.live, step: ctx.step, locationArgs: spec.locationArgs ?? [] });
    ctx.races.watch(writer);
    const backup = await writer.backup();
    crashPoint('backed-up');
    const moved = await writeOnce(spec, ctx, change, writer, backup);
    for (const rel of writer.written) everWritten.add(rel);
    if (writer.written.length) firstBackup ??= backup;
    if (moved === undefined) return { attempts, written: { change, writer, backup } };
    conflictFile = moved;
  }
}

/** One attempt's write. Returns the file that moved under it (plan again), or undefined when the change holds. */
async function writeOnce<P extends Prepared, R>(spec: ApplySpec<P, R>, ctx: AttemptContext, change: P, writer: StoreWriter, backup: Backup): Promise<string | undefined> {
  let said: string;
  try {
    said = await writer.write(backup);
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    ctx.step(`${error.file} changed since it was read (the gateway wrote it); planning again`);
    return error.file;
  }
  crashPoint('written');
  ctx.step(said);
  // Read back: what is in the store is what we wrote; with a live gateway, still there after it had time to rewrite.
  const unread = ctx.live ? undefined : await writer.readBack();
  if (unread) {
    await writer.rollBack(backup);
    await updateBackup(backup, { status: 'rolled-back' });
    throw unchanged(new CannotRunError('verify-failed', `${unread.file} does not hold what was written${unread.why}; ${writer.putBack}. Nothing was changed.`, unread.file));
  }
  if (ctx.live) await sleep(hooks.settleMs ?? SETTLE_MS);
  const lost = ctx.live ? await spec.verifyWritten(change) : [];
  if (lost.length) {
    await updateBackup(backup, { status: 'applied', description: `${change.description} (then overwritten by the running gateway)` });
    ctx.step(`the running gateway overwrote the change (${lost.join('; ')}); planning again`);
    return writer.target;
  }
  try {
    await updateBackup(backup, { status: 'applied' }, await writer.digestsAfter());
  } catch (error) {
    // The change is complete and the backup copies are whole; only the manifest's status is stale.
    ctx.notes.push(`The change is complete, but the backup manifest could not be updated (${error instanceof Error ? error.message : String(error)}); restore --list shows ${backup.name} as "backed-up", and it still holds the state before.`);
  }
  return undefined;
}

function keptChanging(command: string, file: string, written: string[], firstBackup: Backup | undefined): CannotRunError {
  const left = written.length
    ? `Parts of the change were written (${written.join(', ')}) and the gateway overwrote at least ${file}; the state before is in ${firstBackup?.dir} (openclaw-fix restore --list).`
    : 'Nothing was changed.';
  return new CannotRunError(
    'conflict',
    `${file} kept changing while openclaw-fix was writing it (${MAX_ATTEMPTS} tries): the gateway is rewriting it. ${left} Stop the gateway (openclaw gateway stop), run openclaw-fix ${command} again, then start it.`,
    file,
  );
}

/** Verification failed: put the state before back. Beside a gateway that wrote since, that is a problem to act on (exit 1), not a refusal. */
async function rollBack(writer: StoreWriter, backup: Backup, problems: string[]): Promise<void> {
  try {
    await writer.rollBack(backup);
  } catch (error) {
    if (error instanceof CannotRunError && error.code === 'conflict') throw new CannotRunError('conflict', `Verification failed (${problems.join('; ')}). ${error.message}`, error.path, 1);
    throw error;
  }
  await updateBackup(backup, { status: 'rolled-back' });
}

/**
 * The gateway around the write: stopped first when a service manager runs it (and --no-restart was not given),
 * started again after, and never left down because of us. Left running otherwise: the write is then "live".
 */
class Gateway {
  readonly report: ServiceReport;
  readonly notes: string[] = [];
  /** Written while a gateway runs: compare-and-swap plus a settle check is all we can do. */
  readonly live: boolean;
  private readonly stopIt: boolean;
  private readonly startLeftDown: boolean;
  private stopped = false;
  private started = false;

  constructor(
    private readonly spec: Pick<ApplySpec<Prepared, unknown>, 'gateway' | 'restart' | 'timeoutSec' | 'output'>,
    private readonly lock: Lock,
    private readonly step: (text: string) => void,
  ) {
    const { gateway, restart } = spec;
    const service = gateway.service;
    this.stopIt = Boolean(restart && service?.active);
    this.live = !this.stopIt && (gateway.listening || Boolean(service?.active));
    this.report = { manager: service?.describe ?? null, action: this.stopIt ? 'stopped-started' : this.live ? 'left-running' : service ? 'not-running' : 'none', back: null, seconds: null };
    if (this.live) {
      this.notes.push(
        restart
          ? `The gateway answers on port ${gateway.port} but no service manager runs it, so it was not stopped: its next connect may rewrite the file. If the fix does not hold, stop the gateway and run again.`
          : `--no-restart: the running gateway was left alone; its next connect may rewrite the file and undo the edit. Restart it (openclaw gateway restart) to be sure it reads the change.`,
      );
    }
    // A run killed between stopping and starting the gateway left it down: this run starts it (unless --no-restart).
    const crashed = lock.recoveredFrom;
    this.startLeftDown = Boolean(crashed?.stopped && restart && service && !service.active && service.describe === crashed.stopped);
  }

  async stopFirst(): Promise<void> {
    const service = this.spec.gateway.service!;
    if (this.stopIt) {
      this.step(`stopping the ${service.describe}`);
      await service.stop();
      this.stopped = true;
      this.lock.update({ stopped: service.describe, startCommand: service.startCommand });
      crashPoint('stopped');
    } else if (this.startLeftDown) {
      this.stopped = true;
      this.report.action = 'stopped-started';
      this.lock.update({ stopped: service.describe, startCommand: service.startCommand });
    }
  }

  /** Starts the gateway if we stopped it and waits for its port; true when it answers (or was not ours to start). */
  async startAgain(): Promise<boolean> {
    if (!this.stopped) return true;
    const service = this.spec.gateway.service!;
    this.step(`starting the ${service.describe}`);
    await service.start();
    this.started = true;
    crashPoint('started');
    const output = this.spec.output;
    const back = await waitForPort(this.spec.gateway.port, this.spec.timeoutSec, { tty: output.stderrIsTTY, write: (t) => output.raw(t), line: (t) => this.step(t) });
    this.report.back = back.ok;
    if (this.report.seconds === null) this.report.seconds = Math.round(back.seconds * 10) / 10;
    return back.ok;
  }

  async stopForRollback(): Promise<void> {
    if (!this.stopped) return;
    await this.spec.gateway.service!.stop();
    this.started = false;
  }

  async neverLeftDown(): Promise<void> {
    if (!this.stopped || this.started) return;
    const service = this.spec.gateway.service!;
    try {
      this.step(`starting the ${service.describe} again`);
      await service.start();
    } catch (error) {
      this.spec.output.note(`openclaw-fix: ${printable(error instanceof Error ? error.message : String(error))}`);
    }
  }
}

function lockNotes(lock: Lock): string[] {
  const crashed = lock.recoveredFrom;
  if (!crashed) return [];
  return [
    crashed.pid === undefined
      ? `Took over an empty or unreadable lock file (${lock.path}) left by an openclaw-fix that failed while creating it.`
      : `Recovered a stale lock left by openclaw-fix pid ${crashed.pid}, which is no longer running.`,
  ];
}

/** What was seen of the gateway writing at the same instant as ours, over every attempt: said, never silently lost. */
class Races {
  private readonly writers: StoreWriter[] = [];

  watch(writer: StoreWriter): void {
    this.writers.push(writer);
  }

  get replaced(): { file: string; writes: number }[] {
    return this.writers.flatMap((w) => w.replaced);
  }

  lines(): string[] {
    const said: string[] = [];
    const replaced = this.replaced;
    const lost = replaced.reduce((n, r) => n + r.writes, 0);
    if (lost) {
      const files = [...new Set(replaced.map((r) => r.file))];
      said.push(
        `The running gateway wrote ${files.join(', ')} in the same instant openclaw-fix replaced ${files.length === 1 ? 'it' : 'them'} (${lost === 1 ? 'one write' : `${lost} writes`}), and ${lost === 1 ? 'that write is' : 'those writes are'} lost. Most likely it was a connect's metadata (last-used time), which the next connect writes again; if a device was approved or its token rotated at that moment, check openclaw devices list and approve it again.`,
      );
    }
    for (const why of new Set(this.writers.flatMap((w) => w.unwatched))) said.push(`A gateway write in the same instant as openclaw-fix's could not be ruled out (${why}). Stop the gateway before a repair to be sure.`);
    return said;
  }

  /** A failure after a gateway write was replaced still says so: no lost update goes without a word. */
  attachTo(error: unknown): unknown {
    const lines = this.lines();
    if (!(error instanceof CannotRunError) || lines.length === 0) return error;
    const said = new CannotRunError(error.code, `${error.message} ${lines.join(' ')}`, error.path, error.exitCode);
    said.replacedGatewayWrites = this.replaced;
    return said;
  }
}

/** SIGINT/SIGTERM while working: no new attempt starts; the one under way finishes (or rolls back) first. */
function watchSignals(): { interrupted(): boolean; off(): void } {
  let interrupted = false;
  const onSignal = () => {
    interrupted = true;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // A demo copy stays until this attempt is done; the command's `finally` removes it (interrupt.ts).
  const release = holdOffInterrupt();
  return {
    interrupted: () => interrupted,
    off: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      release();
    },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
