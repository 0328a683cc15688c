/** `openclaw-fix explain [FILE|-]`: names the failure mode(s) behind a pasted error, log excerpt or store fragment. */
import { readBoundedOrThrow, readStreamBounded } from '../core/bounded-read.js';
import { EXIT } from '../core/errors.js';
import { explain } from '../explain/index.js';
import { renderExplanation } from '../report/explain.js';
import { envelope } from '../report/json.js';
import type { Output } from '../report/output.js';
import type { CommonOptions } from './common.js';

/** Pastes are small; anything larger is a whole log, which `openclaw-fix logs --log FILE` is for. */
const MAX_INPUT_BYTES = 8 * 1024 * 1024;

const TOO_LARGE_HINT = 'explain reads pastes; for a whole log use `openclaw-fix logs --log FILE`.';

/** The paste, from a regular file or stdin, read only up to the limit (the limit is enforced while reading). */
async function readInput(file: string | undefined): Promise<string> {
  if (!file || file === '-') {
    const bytes = await readStreamBounded(process.stdin, MAX_INPUT_BYTES, 'stdin', TOO_LARGE_HINT);
    return bytes.toString('utf8');
  }
  const hints = { 'too-large': TOO_LARGE_HINT, 'not-regular': `To explain what a pipe or device gives, send it on stdin: openclaw-fix explain - < ${file}` };
  return readBoundedOrThrow(file, MAX_INPUT_BYTES, 'the paste', hints).toString('utf8');
}

export async function run(_opts: CommonOptions, output: Output, args: string[]): Promise<number> {
  const result = explain(await readInput(args[0]));
  const exitCode = result.verdict === 'unknown' ? EXIT.problems : EXIT.healthy;
  if (output.json) output.printJson({ ...envelope('explain', exitCode), ...result });
  else renderExplanation(output, result);
  return exitCode;
}
