/** `explain` as text: the likely modes (what was seen, why, the next step, what to check), then the commands. */
import type { Explanation } from '../explain/index.js';
import { printable } from './escape.js';
import { wrap, type Output } from './output.js';

export function renderExplanation(o: Output, r: Explanation): void {
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
