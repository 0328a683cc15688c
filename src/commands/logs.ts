/** `openclaw-fix logs`: not built yet. */
import { CannotRunError } from '../core/errors.js';
import type { Output } from '../report/output.js';
import type { CommonOptions } from './common.js';

export async function run(_opts: CommonOptions, _output: Output, _args: string[]): Promise<number> {
  throw new CannotRunError('not-implemented', '`openclaw-fix logs` is not available in this build yet.');
}
