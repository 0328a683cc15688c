/** `openclaw-fix restore [--list] [BACKUP]`: options in, the restore flow (src/repair/restore.ts) out. */
import type { Output } from '../report/output.js';
import { restore } from '../repair/restore.js';
import { locationArgs, snapshotOptions, type CommonOptions } from './common.js';

export interface RestoreCommandOptions extends CommonOptions {
  list?: boolean;
  yes?: boolean;
  dryRun?: boolean;
  restart?: boolean;
  timeout?: number;
}

export async function run(opts: RestoreCommandOptions, output: Output, args: string[]): Promise<number> {
  return restore(
    {
      snapshotOptions: snapshotOptions(opts),
      commandArgs: locationArgs(opts),
      name: args[0],
      list: opts.list,
      yes: opts.yes,
      dryRun: opts.dryRun,
      restart: opts.restart !== false,
      timeoutSec: opts.timeout ?? 60,
    },
    output,
  );
}
