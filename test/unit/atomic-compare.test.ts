/**
 * The byte comparison under compare-and-swap and every read-back (src/repair/atomic.ts fileHolds), and the hash
 * writeFileAtomic returns for the backup manifest. A wrong "equal" here would let rotate replace a gateway write.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConflictError, fileHolds, writeFileAtomic } from '../../src/repair/atomic.js';
import { tempDir } from '../helpers.js';

describe('fileHolds', () => {
  const bytes = Buffer.from('{\n  "a": 1\n}');

  it('is true only for exactly the same bytes', () => {
    const file = path.join(tempDir(), 'paired.json');
    writeFileSync(file, bytes);
    expect(fileHolds(file, bytes)).toBe(true);
    expect(fileHolds(file, Buffer.from('{\n  "a": 2\n}')), 'same length, one byte differs').toBe(false);
    expect(fileHolds(file, bytes.subarray(0, -1)), 'the file is one byte longer').toBe(false);
    expect(fileHolds(file, Buffer.concat([bytes, Buffer.from('\n')])), 'the file is one byte shorter').toBe(false);
    expect(fileHolds(file, null), 'expected absent, but it is there').toBe(false);
    expect(fileHolds(file, Buffer.alloc(0))).toBe(false);
  });

  it('an absent file holds only "absent"', () => {
    const dir = tempDir();
    expect(fileHolds(path.join(dir, 'missing.json'), null)).toBe(true);
    expect(fileHolds(path.join(dir, 'missing.json'), bytes)).toBe(false);
  });

  it('answers right after comparing a much larger file (the read buffer is reused)', () => {
    const dir = tempDir();
    const file = path.join(dir, 'paired.json');
    const big = Buffer.alloc(3 << 20, 0x61);
    const bigFile = path.join(dir, 'big.json');
    writeFileSync(bigFile, big);
    expect(fileHolds(bigFile, big)).toBe(true);
    writeFileSync(file, bytes);
    expect(fileHolds(file, bytes)).toBe(true);
    // The same prefix as what the large read left behind: only the file's own bytes count.
    writeFileSync(file, 'aaaa');
    expect(fileHolds(file, Buffer.from('aaaa'))).toBe(true);
    expect(fileHolds(file, Buffer.from('aaaaa'))).toBe(false);
  });
});

describe('writeFileAtomic', () => {
  it('returns the sha256 of what it wrote when asked, and refuses when the live file moved on', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'paired.json');
    writeFileSync(file, '{}', { mode: 0o600 });
    const next = Buffer.from('{\n  "b": 2\n}');
    const written = await writeFileAtomic(file, next, { expect: Buffer.from('{}'), sha256: true });
    expect(readFileSync(file).equals(next)).toBe(true);
    expect(written.sha256).toBe(createHash('sha256').update(next).digest('hex'));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    await expect(writeFileAtomic(file, Buffer.from('{}'), { expect: Buffer.from('{}') })).rejects.toBeInstanceOf(ConflictError);
    expect(readFileSync(file).equals(next), 'a refused write leaves the file alone').toBe(true);
  });
});
