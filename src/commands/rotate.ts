/** `openclaw-fix rotate`: options in, the rotate flow (src/repair/rotate.ts) out. */
import type { Output } from '../report/output.js';
import { copyDemo, removeDemoCopy, rotate } from '../repair/rotate.js';
import { demoDir, locationArgs, snapshotOptions, type CommonOptions } from './common.js';

export interface RotateCommandOptions extends CommonOptions {
  device?: string;
  scope?: string[];
  newToken?: boolean;
  yes?: boolean;
  dryRun?: boolean;
  restart?: boolean;
  timeout?: number;
  probe?: boolean;
}

export async function run(opts: RotateCommandOptions, output: Output): Promise<number> {
  const demoCopy = opts.demo ? await copyDemo(demoDir(), output, 'rotate') : undefined;
  try {
    return await rotateDemoOrNot(opts, output, demoCopy);
  } finally {
    await removeDemoCopy(demoCopy);
  }
}

function rotateDemoOrNot(opts: RotateCommandOptions, output: Output, demoCopy: string | undefined): Promise<number> {
  return rotate(
    {
      device: opts.device,
      scopes: opts.scope,
      newToken: opts.newToken,
      snapshotOptions: { ...snapshotOptions(opts), demoDir: demoCopy },
      // The copy is gone when the command ends: printed follow-ups name the demo, not the temp dir.
      commandArgs: demoCopy ? ['--demo'] : locationArgs(opts),
      demoSource: demoCopy ? demoDir() : undefined,
      yes: opts.yes,
      dryRun: opts.dryRun,
      restart: opts.restart !== false,
      timeoutSec: opts.timeout ?? 60,
      probe: opts.probe !== false,
    },
    output,
  );
}
