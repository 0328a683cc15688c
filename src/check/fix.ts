/** `check --fix`: the rotate plan applied without prompting. Wired to the repair pipeline once it lands. */
import type { Diagnosis } from '../core/diagnose.js';
import { CannotRunError } from '../core/errors.js';
import type { Snapshot } from '../core/model.js';
import type { Output } from '../report/output.js';
import type { CheckOptions } from '../commands/check.js';

export async function applyRotateForCheck(_snapshot: Snapshot, _diagnosis: Diagnosis, _opts: CheckOptions, _output: Output): Promise<{ summary: unknown }> {
  throw new CannotRunError('not-implemented', '`check --fix` is not available in this build yet.');
}
