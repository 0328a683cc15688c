/**
 * rotate's final check reads paired.json's bytes from disk again, even right after the write's own read-back:
 * a writer that rewrites the file in between (here with the same size, while the backup manifest is updated)
 * must not pass as the change. Found by review: a shortcut that trusted the earlier read-back reported "Done".
 */
import fs, { readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/main.js';
import { copyFixture } from '../helpers.js';

describe('rotate, final check', () => {
  afterEach(() => vi.restoreAllMocks());

  it('a same-size rewrite after the read-back is caught: no "Done", exit 1, rolled back', async () => {
    const { dir, meta } = copyFixture('2.19-seed-loop');
    const paired = path.join(dir, 'devices', 'paired.json');
    const rename = fs.promises.rename.bind(fs.promises);
    let manifests = 0;
    // The second manifest write is the "applied" update, after the read-back and before the re-diagnosis.
    vi.spyOn(fs.promises, 'rename').mockImplementation(async (from, to) => {
      await rename(from, to);
      if (String(to).endsWith('manifest.json') && ++manifests === 2) {
        const text = readFileSync(paired, 'utf8');
        writeFileSync(`${paired}.other`, text.replaceAll('"operator.write"', '"operator.wrXte"'));
        renameSync(`${paired}.other`, paired);
      }
    });
    const printed: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (printed.push(String(chunk)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (printed.push(String(chunk)), true));
    const code = await main(['rotate', '--state-dir', dir, '--openclaw-version', meta.openclawVersion ?? '2026.2.19', '--yes', '--no-restart', '--no-color']);
    vi.restoreAllMocks();
    expect(manifests).toBeGreaterThanOrEqual(2);
    expect(code).toBe(1);
    expect(printed.join('')).not.toMatch(/Done/);
    expect(printed.join('')).toMatch(/verification failed/i);
  });
});
