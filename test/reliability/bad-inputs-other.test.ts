/** The bad-input corpus, identity/device.json, identity/device-auth.json, openclaw.json, the SQLite database: see bad-inputs.ts. */
import { describe, expect, it } from 'vitest';
import { checkBadCase } from './bad-inputs.js';
import { badCases, canLoad } from './corpus.js';

const cases = badCases((c) => c.file !== 'devices/paired.json' && c.file !== 'devices/pending.json');

describe('bad input: identity, device token cache, config, SQLite database, and the path itself', () => {
  it('the corpus has at least 60 cases over all five files', () => {
    const all = badCases();
    expect(all.length).toBeGreaterThanOrEqual(60);
    expect(new Set(all.map((c) => c.file))).toEqual(new Set(['devices/paired.json', 'devices/pending.json', 'identity/device.json', 'identity/device-auth.json', 'openclaw.json', 'state/openclaw.sqlite', null]));
  });
  it.each(cases.filter(canLoad).map((c) => [c.name, c] as const))('%s', (_name, c) => checkBadCase(c));
  // Not root: no file can be given to another user here; CI runs these as root.
  it.skip.each(cases.filter((c) => !canLoad(c)).map((c) => [c.name, c] as const))('%s (needs root: a file another user owns)', (_name, c) => checkBadCase(c));
});
