/** readJsonFile decodes ASCII files as latin1 (the same text, kept off the JS heap when large) and anything else as UTF-8. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readJsonFile } from '../../src/store/read-file.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'ocf-read-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function file(name: string, bytes: Buffer | string): string {
  const p = path.join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

describe('readJsonFile decoding', () => {
  it('reads an ASCII file, small or megabytes long, to the same value JSON.parse gives', () => {
    const big = { devices: Array.from({ length: 40_000 }, (_, i) => ({ id: `d${i}`, name: 'plain ascii ~!@#$%^&*()' })) };
    for (const value of [{ a: 1, b: ['x', 'y'] }, big]) {
      const raw = readJsonFile(file('ascii.json', JSON.stringify(value, null, 2)));
      expect(raw.info.status).toBe('ok');
      expect(raw.value).toEqual(value);
    }
  });

  it('reads UTF-8 text (accents, emoji, escapes) as UTF-8', () => {
    const value = { name: 'Zoë’s 📱 télé', escaped: '\u00e9', sep: '\u2028' };
    const raw = readJsonFile(file('utf8.json', JSON.stringify(value)));
    expect(raw.info.status).toBe('ok');
    expect(raw.value).toEqual(value);
  });

  it('still refuses invalid UTF-8 and a byte-order mark', () => {
    expect(readJsonFile(file('bad.json', Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]))).info.problem).toBe('is not valid UTF-8 text');
    expect(readJsonFile(file('bom.json', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{}')]))).info.problem).toMatch(/byte-order mark/);
  });
});
