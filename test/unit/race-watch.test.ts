/** The directory watch that counts gateway writes our rename replaced (src/repair/race-watch.ts). Linux only. */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConflictError, writeFileAtomic } from '../../src/repair/atomic.js';
import { setHooks } from '../../src/core/hooks.js';
import { watchRenames } from '../../src/repair/race-watch.js';
import { tempDir } from '../helpers.js';

const linux = process.platform === 'linux';

function gatewayWrite(dir: string, n: number): void {
  const tmp = path.join(dir, `paired.json.gw-${n}.tmp`);
  writeFileSync(tmp, `{"gateway":${n}}`, { mode: 0o600 });
  renameSync(tmp, path.join(dir, 'paired.json'));
}

describe.runIf(linux)('watchRenames', () => {
  it('counts exactly the renames onto the file between the mark and ours: not before, not after', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'paired.json'), '{}');
    writeFileSync(path.join(dir, 'ours.tmp'), '{"ours":1}', { mode: 0o600 });
    const watch = watchRenames(dir, 'paired.json', 'ours.tmp', 0o600);
    if (!('mark' in watch)) throw new Error(watch.unavailable);
    gatewayWrite(dir, 1); // before the mark: compare-and-swap's business, not counted
    watch.mark();
    gatewayWrite(dir, 2);
    gatewayWrite(dir, 3);
    renameSync(path.join(dir, 'ours.tmp'), path.join(dir, 'paired.json'));
    gatewayWrite(dir, 4); // after ours: it replaced our write, which verification sees
    expect(await watch.replaced()).toBe(2);
    watch.close();
  });

  it('nothing in between: 0', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'paired.json'), '{}');
    writeFileSync(path.join(dir, 'ours.tmp'), '{}', { mode: 0o600 });
    const watch = watchRenames(dir, 'paired.json', 'ours.tmp', 0o600);
    if (!('mark' in watch)) throw new Error(watch.unavailable);
    watch.mark();
    renameSync(path.join(dir, 'ours.tmp'), path.join(dir, 'paired.json'));
    expect(await watch.replaced()).toBe(0);
    watch.close();
  });
});

describe.runIf(linux)('writeFileAtomic with detectRaces', () => {
  it('reports the write that landed between compare and rename, and the new bytes are in place, mode 0600', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'paired.json');
    writeFileSync(file, '{"a":1}', { mode: 0o600 });
    setHooks({ race: true });
    try {
      const seen = await writeFileAtomic(file, Buffer.from('{"a":2}'), { expect: Buffer.from('{"a":1}'), detectRaces: true });
      expect(seen.replacedWrites).toBe(1);
    } finally {
      setHooks({});
    }
    expect(readFileSync(file, 'utf8')).toBe('{"a":2}');
  });

  it('a write before the compare is a conflict: nothing written, nothing reported', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'paired.json');
    writeFileSync(file, '{"a":1}', { mode: 0o600 });
    gatewayWrite(dir, 1);
    await expect(writeFileAtomic(file, Buffer.from('{"a":2}'), { expect: Buffer.from('{"a":1}'), detectRaces: true })).rejects.toBeInstanceOf(ConflictError);
    expect(readFileSync(file, 'utf8')).toBe('{"gateway":1}');
  });
});
