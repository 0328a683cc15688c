/** The bad-input corpus, device store files (paired.json, pending.json): see bad-inputs.ts for what is checked. */
import { describe, it } from 'vitest';
import { checkBadCase } from './bad-inputs.js';
import { badCases } from './corpus.js';

const cases = badCases((c) => c.file === 'devices/paired.json' || c.file === 'devices/pending.json');
/**
 * Known bugs in src/repair (found by this corpus, left to the owner of src/repair until 18:10):
 * - paired-nested-deep-extra-field: a device record with a field nested 20,000 levels deep (valid JSON) makes
 *   rotate's serializer overflow the stack: "unexpected error: Maximum call stack size exceeded", exit 2, with
 *   the "this is a bug" line instead of a one-line refusal naming the file. Nothing is written.
 */
const KNOWN_BUGS = new Set(['paired-nested-deep-extra-field']);

describe('bad input: device store', () => {
  it.each(cases.filter((c) => !KNOWN_BUGS.has(c.name)).map((c) => [c.name, c] as const))('%s', (_name, c) => checkBadCase(c));
  it.fails.each(cases.filter((c) => KNOWN_BUGS.has(c.name)).map((c) => [c.name, c] as const))('%s (known bug, see above)', (_name, c) => checkBadCase(c));
});
