/**
 * `check --fix`: the rotate flow, never prompting (as if --yes), with its report sent to stderr so
 * check's own document (text, JSON, annotations, metrics) stays alone on stdout.
 */
import { Writable } from 'node:stream';
import { Output } from '../report/output.js';
import { rotate } from '../repair/rotate.js';
import { listBackups } from '../repair/backup.js';
import type { SnapshotOptions } from '../core/snapshot.js';
import type { CheckOptions } from '../commands/check.js';

export interface CheckRepair {
  attempted: true;
  /** rotate's own exit code: 0 fixed (or nothing to do), 1 not fixed / rolled back. */
  rotateExitCode: number;
}

export async function applyRotateForCheck(opts: CheckOptions, output: Output, snapshotOptions: SnapshotOptions, commandArgs: string[]): Promise<CheckRepair> {
  // --quiet means problems only: a repair that worked says nothing; one that did not shows rotate's whole report.
  const held: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer | string, _enc, done) {
      held.push(chunk.toString());
      done();
    },
  });
  const toStderr = opts.quiet ? new Output({ color: false }, process.env, sink, sink) : output.toStderr({ color: opts.color });
  const rotateExitCode = await rotate(
    {
      snapshotOptions,
      commandArgs,
      yes: true,
      dryRun: opts.dryRun,
      restart: opts.restart !== false,
      timeoutSec: opts.timeout ?? 60,
      probe: opts.probe !== false,
    },
    toStderr,
  );
  if (opts.quiet && rotateExitCode !== 0) output.note(held.join('').trimEnd());
  return { attempted: true, rotateExitCode };
}

/** When openclaw-fix last changed this state (newest applied backup), for the monitoring metric. */
export async function lastRepairMs(stateDir: string): Promise<number | undefined> {
  const { backups } = await listBackups(stateDir);
  const applied = backups.find((b) => b.manifest.status === 'applied');
  return applied ? Date.parse(applied.manifest.createdAt) : undefined;
}
