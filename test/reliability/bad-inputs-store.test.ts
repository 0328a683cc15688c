/** The bad-input corpus, device store files (paired.json, pending.json): see bad-inputs.ts for what is checked. */
import { describe, it } from 'vitest';
import { checkBadCase } from './bad-inputs.js';
import { badCases, canLoad } from './corpus.js';

const cases = badCases((c) => c.file === 'devices/paired.json' || c.file === 'devices/pending.json');
/** Known bugs in src/repair found by this corpus, as it.fails until fixed (none open). */
const KNOWN_BUGS = new Set<string>([]);

describe('bad input: device store', () => {
  it.each(cases.filter((c) => !KNOWN_BUGS.has(c.name) && canLoad(c)).map((c) => [c.name, c] as const))('%s', (_name, c) => checkBadCase(c));
  // Not root: no file can be given to another user here; CI runs these as root.
  it.skip.each(cases.filter((c) => !canLoad(c)).map((c) => [c.name, c] as const))('%s (needs root: a file another user owns)', (_name, c) => checkBadCase(c));
  it.fails.each(cases.filter((c) => KNOWN_BUGS.has(c.name)).map((c) => [c.name, c] as const))('%s (known bug, see above)', (_name, c) => checkBadCase(c));
});
