/** `openclaw-fix explain [FILE|-]`: names the failure mode(s) behind a pasted error, log excerpt or store fragment. */
import { printable } from '../report/escape.js';
import { readBoundedOrThrow, readStreamBounded } from '../core/bounded-read.js';
import { EXIT } from '../core/errors.js';
import { explain, type Explanation } from '../explain/index.js';
import { envelope } from '../report/json.js';
import { wrap, type Output } from '../report/output.js';
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
  else render(output, result);
  return exitCode;
}

function render(o: Output, r: Explanation): void {
  const c = o.out;
  const w = o.width;
  const para = (label: string, text: string) => o.print(`    ${c.bold(label.padEnd(8))}${wrap(text, w - 12, ' '.repeat(12))}`);
  if (r.verdict === 'unknown') {
    o.print(c.yellow('? Nothing recognised: this does not look like any "pairing required" failure or look-alike openclaw-fix knows.'));
    o.print(c.dim('  Paste the client error, the gateway log lines around it, or the paired.json entry; or run `openclaw-fix doctor` on the gateway host.'));
    return;
  }
  if (r.verdict === 'healthy') {
    o.print(c.green('✓ No pairing failure in this paste.'));
  }
  for (const m of r.modes) {
    const head = m.confidence === 'likely' ? c.bold(`${m.mode} ${m.slug}`) : c.dim(`possible: ${m.mode} ${m.slug}`);
    o.print(`${m.lookAlike ? c.cyan('≈') : m.confidence === 'likely' ? c.red('✗') : c.dim('·')} ${head}  ${wrap(m.title, w - 30, '      ')}`);
    if (m.confidence === 'possible') {
      o.print(`    ${c.dim(wrap(m.because.join('; '), w - 4, '    '))}`);
      continue;
    }
    para('Seen', m.because.join('; '));
    para('Why', m.why);
    para('Next', m.next);
    para('Check', m.check);
    para('Applies', m.versions);
    o.print();
  }
  if (r.decide) o.print(`  ${c.bold('Decides')} ${wrap(r.decide, w - 10, '          ')}`);
  for (const cmd of r.commands) o.print(`  ${c.green(printable(cmd))}`);
  for (const note of r.notes) o.print(`  ${c.dim(wrap(note, w - 2, '  '))}`);
  if (r.signals.versions.length) o.print(c.dim(`  Versions mentioned: ${printable(r.signals.versions.map((v) => `${v.version} (${v.rules})`).join('; '))}`));
}
