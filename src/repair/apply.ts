/**
 * The apply protocol shared by rotate and restore: lock, stop the gateway, back up, write every file
 * atomically with compare-and-swap (re-plan up to 3 times when the live file moved), verify, start the
 * gateway, wait for its port, re-diagnose, and roll back from the backup when anything fails.
 * A transactional store (SQLite) goes through the same steps with its own backup (online copy), write (one
 * transaction with compare-and-swap: a conflict re-plans exactly like a moved file) and rollback.
 */
import { CannotRunError } from '../core/errors.js';
import type { Output } from '../report/output.js';
import { ConflictError, fileHolds, removeStaleTemps, vetTarget, writeFileAtomic, type AtomicWriteResult, type FileOwner } from './atomic.js';
import path from 'node:path';
import { createBackup, createStoreBackup, discardBackup, updateBackup, type Backup } from './backup.js';
import { crashPoint } from './crash.js';
import { writeHooks } from './hooks.js';
import type { StoreTransaction } from './editor.js';
import { acquireLock } from './lock.js';
import { WRITTEN_PLACES } from './places.js';
import { refuseLinks } from './confined.js';
import { waitForPort, type GatewayStatus } from './service.js';

export const MAX_ATTEMPTS = 3;

/** A gateway left running may be mid read-modify-write when we rename; give it time to show a lost update. */
const SETTLE_MS = 600;
/** writeHooks.settleMs: tests against a fast fake writer wait less (the 1,000-interleaving test). */
const settleMs = () => writeHooks.settleMs ?? SETTLE_MS;

export interface PreparedFile {
  rel: string;
  abs: string;
  before: Buffer;
  after: Buffer;
  mode: number;
}

export interface Prepared {
  /** File stores: every file with its bytes before and after. Empty when `transaction` is set. */
  files: PreparedFile[];
  /** Transactional stores (SQLite): the one change, run as a transaction. */
  transaction?: StoreTransaction;
  description: string;
  deviceId: string | null;
}

export interface ApplySpec {
  command: 'rotate' | 'restore';
  stateDir: string;
  /** Reads the live state and renders the change; null = nothing (left) to do. Called again after a conflict. */
  prepare(attempt: number): Promise<Prepared | null>;
  /** After the write (and, with a live gateway, after it had time to rewrite): is the change still there? */
  verifyWritten(): string[] | Promise<string[]>;
  /** After the gateway is back (or right after the write when there is no gateway to start): re-diagnose. */
  verifyFinal(): Promise<string[]>;
  gateway: GatewayStatus;
  restart: boolean;
  timeoutSec: number;
  output: Output;
}

export interface ServiceReport {
  manager: string | null;
  /** stopped-started: we stopped and started it; left-running: --no-restart or no manager but it answers. */
  action: 'stopped-started' | 'left-running' | 'not-running' | 'none';
  back: boolean | null;
  seconds: number | null;
}

export interface ApplyResult {
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
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export async function applyChange(spec: ApplySpec): Promise<ApplyResult> {
  const { output, gateway } = spec;
  const step = (text: string) => output.note(`${output.err.dim('›')} ${text}`);
  const notes: string[] = [];
  const replacedGatewayWrites: ApplyResult['replacedGatewayWrites'] = [];
  const unwatched = new Set<string>();
  /** What an atomic write saw of the gateway writing at the same instant. */
  const noteRace = (rel: string, seen: AtomicWriteResult) => {
    if (seen.replacedWrites) replacedGatewayWrites.push({ file: rel, writes: seen.replacedWrites });
    if (seen.replacedWrites === null && seen.raceWatch) unwatched.add(seen.raceWatch);
  };
  /** What was seen of the gateway writing at the same instant: replaced writes, or that it could not be watched. */
  const raceLines = (): string[] => {
    const said: string[] = [];
    const lost = replacedGatewayWrites.reduce((n, r) => n + r.writes, 0);
    if (lost) {
      const files = [...new Set(replacedGatewayWrites.map((r) => r.file))];
      said.push(
        `The running gateway wrote ${files.join(', ')} in the same instant openclaw-fix replaced ${files.length === 1 ? 'it' : 'them'} (${lost === 1 ? 'one write' : `${lost} writes`}), and ${lost === 1 ? 'that write is' : 'those writes are'} lost. Most likely it was a connect's metadata (last-used time), which the next connect writes again; if a device was approved or its token rotated at that moment, check openclaw devices list and approve it again.`,
      );
    }
    for (const why of unwatched) said.push(`A gateway write in the same instant as openclaw-fix's could not be ruled out (${why}). Stop the gateway before a repair to be sure.`);
    return said;
  };
  const raceNotes = (): string[] => [...notes, ...raceLines()];
  /** A failure after a gateway write was replaced still says so: no lost update goes without a word. */
  const withRaces = (error: unknown): unknown => {
    const lines = raceLines();
    if (!(error instanceof CannotRunError) || lines.length === 0) return error;
    const said = new CannotRunError(error.code, `${error.message} ${lines.join(' ')}`, error.path, error.exitCode);
    said.replacedGatewayWrites = replacedGatewayWrites;
    return said;
  };
  const service = gateway.service;
  const stopIt = Boolean(spec.restart && service?.active);
  // Written while a gateway runs: compare-and-swap plus a settle check is all we can do.
  const live = !stopIt && (gateway.listening || Boolean(service?.active));
  const report: ServiceReport = {
    manager: service?.describe ?? null,
    action: stopIt ? 'stopped-started' : live ? 'left-running' : service ? 'not-running' : 'none',
    back: null,
    seconds: null,
  };
  if (live) {
    notes.push(
      spec.restart
        ? `The gateway answers on port ${gateway.port} but no service manager runs it, so it was not stopped: its next connect may rewrite the file. If the fix does not hold, stop the gateway and run again.`
        : `--no-restart: the running gateway was left alone; its next connect may rewrite the file and undo the edit. Restart it (openclaw gateway restart) to be sure it reads the change.`,
    );
  }

  // A link planted where we write (by the state's owner, say) is refused before anything is touched.
  refuseLinks(spec.stateDir, WRITTEN_PLACES);
  const lock = await acquireLock(spec.stateDir, spec.command);
  const crashed = lock.recoveredFrom;
  if (crashed) {
    notes.push(
      crashed.pid === undefined
        ? `Took over an empty or unreadable lock file (${lock.path}) left by an openclaw-fix that failed while creating it.`
        : `Recovered a stale lock left by openclaw-fix pid ${crashed.pid}, which is no longer running.`,
    );
  }
  // A run killed between stopping and starting the gateway left it down: this run starts it (unless --no-restart).
  const startLeftDown = Boolean(crashed?.stopped && spec.restart && service && !service.active && service.describe === crashed.stopped);
  let interrupted = false;
  const onSignal = () => {
    interrupted = true;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let stopped = false;
  let started = false;
  const startAgain = async (): Promise<{ ok: boolean; seconds: number }> => {
    step(`starting the ${service!.describe}`);
    await service!.start();
    started = true;
    crashPoint('started');
    return waitForPort(gateway.port, spec.timeoutSec, {
      tty: output.stderrIsTTY,
      write: (t) => output.raw(t),
      line: (t) => step(t),
    });
  };

  try {
    crashPoint('locked');
    if (stopIt) {
      step(`stopping the ${service!.describe}`);
      await service!.stop();
      stopped = true;
      lock.update({ stopped: service!.describe, startCommand: service!.startCommand });
      crashPoint('stopped');
    } else if (startLeftDown) {
      stopped = true;
      report.action = 'stopped-started';
      lock.update({ stopped: service!.describe, startCommand: service!.startCommand });
    }

    let backup: Backup | null = null;
    let written: string[] = [];
    let attempts = 0;
    let prepared: Prepared | null = null;
    let conflictFile = '';
    // Across attempts: an overwritten attempt may still have changed the other files.
    const everWritten = new Set<string>();
    let firstBackup: Backup | null = null;
    for (;;) {
      if (attempts >= MAX_ATTEMPTS) {
        const left = everWritten.size
          ? `Parts of the change were written (${[...everWritten].join(', ')}) and the gateway overwrote at least ${conflictFile}; the state before is in ${firstBackup?.dir} (openclaw-fix restore --list).`
          : 'Nothing was changed.';
        throw new CannotRunError(
          'conflict',
          `${conflictFile} kept changing while openclaw-fix was writing it (${MAX_ATTEMPTS} tries): the gateway is rewriting it. ${left} Stop the gateway (openclaw gateway stop), run openclaw-fix ${spec.command} again, then start it.`,
          conflictFile,
        );
      }
      if (interrupted) throw new CannotRunError('interrupted', 'Interrupted before writing; nothing was changed.', undefined, 130);
      attempts++;
      prepared = await spec.prepare(attempts);
      if (!prepared) break;
      if (prepared.transaction) {
        const tx = prepared.transaction;
        await vetTarget(tx.abs);
        backup = await createStoreBackup(spec.stateDir, { rel: tx.rel, abs: tx.abs, copy: (dest) => tx.backup(dest), digest: (file) => tx.digest(file) }, {
          command: spec.command,
          description: prepared.description,
          deviceId: prepared.deviceId,
        });
        step(`backed up ${tx.rel} (online copy, with what is in its -wal) to ${backup.dir}`);
        crashPoint('backed-up');
        let changed: string[];
        try {
          changed = await tx.write();
        } catch (error) {
          // A transaction that did not commit changed nothing: the copy is not needed.
          await discardBackup(backup);
          if (error instanceof ConflictError) {
            conflictFile = error.file;
            step(`${tx.rel} changed since it was read (the gateway wrote it); planning again`);
            continue;
          }
          throw error;
        }
        written = [tx.rel];
        everWritten.add(tx.rel);
        firstBackup ??= backup;
        crashPoint('written');
        step(`wrote ${changed.length ? changed.join(', ') : 'nothing new'} in ${tx.rel} (one transaction)`);
        const readBack = live ? [] : await tx.check();
        if (readBack.length) {
          await tx.rollback(backupCopy(backup, tx));
          await updateBackup(backup, { status: 'rolled-back' });
          throw new CannotRunError('verify-failed', `${tx.abs} does not hold what was written (${readBack.join('; ')}); the device tables were put back from the backup. Nothing was changed.`, tx.abs);
        }
        if (live) await sleep(settleMs());
        const lost = live ? await spec.verifyWritten() : [];
        if (lost.length) {
          conflictFile = tx.abs;
          await updateBackup(backup, { status: 'applied', description: `${prepared.description} (then overwritten by the running gateway)` });
          step(`the running gateway overwrote the change (${lost.join('; ')}); planning again`);
          continue;
        }
        await updateBackup(backup, { status: 'applied' }, new Map([[tx.rel, await tx.digest(tx.abs)]]));
        break;
      }
      for (const f of prepared.files) await removeStaleTemps(f.abs, spec.stateDir);
      const owners = new Map<string, FileOwner | undefined>();
      for (const f of prepared.files) owners.set(f.abs, await vetTarget(f.abs));

      const made = prepared;
      backup = await backupOrSay(() =>
        createBackup(
          spec.stateDir,
          made.files.map((f) => ({ rel: f.rel, bytes: f.before, mode: f.mode })),
          { command: spec.command, description: made.description, deviceId: made.deviceId },
        ),
      );
      step(`backed up ${prepared.files.map((f) => f.rel).join(', ')} to ${backup.dir}`);
      crashPoint('backed-up');

      written = [];
      /** sha256 of each file as written, for the manifest (hashed while its fsync ran). */
      const digestsAfter = new Map<string, string>();
      try {
        // Compare-and-swap for every file before the first rename, so a conflict almost always means nothing was
        // written. One file: its own compare-and-swap, right before its rename, is that check.
        if (prepared.files.length > 1) for (const f of prepared.files) if (!fileHolds(f.abs, f.before)) throw new ConflictError(f.abs);
        for (const f of prepared.files) {
          const seen = await writeFileAtomic(f.abs, f.after, {
            expect: f.before,
            within: spec.stateDir,
            owner: owners.get(f.abs),
            crashLabel: written.length === 0 ? 'temp-written' : undefined,
            detectRaces: live,
            sha256: true,
          });
          noteRace(f.rel, seen);
          digestsAfter.set(f.rel, seen.sha256!);
          written.push(f.rel);
          everWritten.add(f.rel);
          firstBackup ??= backup;
          if (written.length === 1) crashPoint('renamed');
        }
      } catch (error) {
        if (error instanceof ConflictError) {
          conflictFile = error.file;
          if (written.length === 0) await discardBackup(backup);
          else await updateBackup(backup, { status: 'applied' });
          step(`${error.file} changed since it was read (the gateway wrote it); planning again`);
          continue;
        }
        // A failing disk (full, read-only, I/O error) part-way: put back what was replaced, and say so.
        if (written.length === 0) {
          await discardBackup(backup).catch(() => undefined);
          throw withState(error, 'Nothing was changed.');
        }
        const replaced = written.join(', ');
        try {
          await restoreFiles(spec.stateDir, backup, prepared.files.filter((f) => written.includes(f.rel)), live && noteRace);
        } catch (undo) {
          throw withState(error, `${replaced} had already been replaced, and putting ${written.length > 1 ? 'them' : 'it'} back failed too (${undo instanceof Error ? undo.message : String(undo)}): the state before is in ${backup.dir} (openclaw-fix restore ${backup.name}).`);
        }
        await updateBackup(backup, { status: 'rolled-back' }).catch(() => undefined);
        throw withState(error, `${replaced} had already been replaced and ${written.length > 1 ? 'were' : 'was'} put back from the backup; nothing was changed.`);
      }
      crashPoint('written');
      step(`wrote ${written.join(', ')}`);

      // Read back: what is on disk is what we wrote; with a live gateway, still there after it had time to rewrite.
      for (const f of prepared.files) {
        if (!live && !fileHolds(f.abs, f.after)) {
          await restoreFiles(spec.stateDir, backup, prepared.files, false);
          throw new CannotRunError('verify-failed', `${f.abs} does not hold what was written; the backup was put back. Nothing was changed.`, f.abs);
        }
      }
      if (live) await sleep(settleMs());
      const lost = live ? await spec.verifyWritten() : [];
      if (lost.length) {
        conflictFile = prepared.files[0]!.abs;
        await updateBackup(backup, { status: 'applied', description: `${prepared.description} (then overwritten by the running gateway)` });
        step(`the running gateway overwrote the change (${lost.join('; ')}); planning again`);
        continue;
      }
      try {
        await updateBackup(backup, { status: 'applied' }, digestsAfter);
      } catch (error) {
        // The change is complete and the backup copies are whole; only the manifest's status is stale.
        notes.push(`The change is complete, but the backup manifest could not be updated (${error instanceof Error ? error.message : String(error)}); restore --list shows ${backup.name} as "backed-up", and it still holds the state before.`);
      }
      break;
    }

    if (!prepared) {
      if (stopped) {
        const back = await startAgain();
        report.back = back.ok;
        report.seconds = back.seconds;
      }
      return { status: 'nothing', backup: null, written: [], attempts, service: report, problems: [], notes: raceNotes(), replacedGatewayWrites };
    }

    let problems: string[] = [];
    if (stopped) {
      const back = await startAgain();
      report.back = back.ok;
      report.seconds = Math.round(back.seconds * 10) / 10;
      if (!back.ok) problems.push(`the gateway did not answer on port ${gateway.port} within ${spec.timeoutSec} s after the start`);
    }
    if (problems.length === 0) problems = await spec.verifyFinal();
    crashPoint('verified');
    if (problems.length === 0) return { status: 'applied', backup, written, attempts, service: report, problems, notes: raceNotes(), replacedGatewayWrites };

    // Roll back: same atomic path, then start again and say exactly what happened.
    step(`verification failed (${problems.join('; ')}); rolling back from ${backup!.dir}`);
    if (stopped) {
      await service!.stop();
      started = false;
    }
    if (prepared.transaction) await prepared.transaction.rollback(backupCopy(backup!, prepared.transaction));
    else {
      try {
        await restoreFiles(spec.stateDir, backup!, prepared.files, live && noteRace);
      } catch (error) {
        // The change stays where the gateway wrote on top of it: a problem to act on, not a refusal (exit 1, not 2).
        if (error instanceof CannotRunError && error.code === 'conflict') throw new CannotRunError('conflict', `Verification failed (${problems.join('; ')}). ${error.message}`, error.path, 1);
        throw error;
      }
    }
    await updateBackup(backup!, { status: 'rolled-back' });
    let rollbackOk = true;
    if (stopped) {
      const back = await startAgain();
      report.back = back.ok;
      rollbackOk = back.ok;
    }
    return { status: 'rolled-back', backup, written, attempts, service: report, problems, notes: raceNotes(), replacedGatewayWrites, rollbackOk };
  } catch (error) {
    throw withRaces(error);
  } finally {
    // Never leave the gateway down because of us.
    if (stopped && !started) {
      try {
        step(`starting the ${service!.describe} again`);
        await service!.start();
      } catch (error) {
        output.note(`openclaw-fix: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    lock.release();
  }
}

function backupCopy(backup: Backup, tx: StoreTransaction): string {
  return path.join(backup.dir, tx.rel);
}

/** A CannotRunError with what the files now hold appended (the caller knows; the writer did not). */
function withState(error: unknown, state: string): unknown {
  if (!(error instanceof CannotRunError) || /[Nn]othing was changed/.test(error.message)) return error;
  return new CannotRunError(error.code, `${error.message} ${state}`, error.path, error.exitCode);
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
async function restoreFiles(stateDir: string, backup: Backup, files: PreparedFile[], live: false | ((rel: string, seen: AtomicWriteResult) => void)): Promise<void> {
  const rewritten = (names: string[], restored: string[]) =>
    new CannotRunError(
      'conflict',
      `The running gateway rewrote ${names.join(', ')} after openclaw-fix's change, so ${names.length === 1 ? 'it was' : 'they were'} not rolled back over the gateway's write${restored.length ? ` (${restored.join(', ')} ${restored.length === 1 ? 'was' : 'were'} put back)` : ''}. Stop the gateway (openclaw gateway stop), then openclaw-fix restore ${backup.name} puts back the state before.`,
      files.find((f) => names.includes(f.abs))?.abs,
    );
  if (live) {
    // Every file checked before the first is put back, so a conflict almost always means none was.
    const moved: string[] = [];
    for (const f of files) if (!fileHolds(f.abs, f.after)) moved.push(f.abs);
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
