/** Store hashes are for rotate's compare-and-swap: a snapshot has them by default, doctor's (hashStore: false) does not. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { takeSnapshot } from '../../src/core/snapshot.js';
import { copyFixture } from '../helpers.js';

describe('snapshot store hashes', () => {
  it('hashes paired.json and pending.json unless told not to; nothing else differs', async () => {
    const { dir, meta } = copyFixture('2.19-seed-loop');
    const base = { stateDir: dir, openclawVersion: meta.openclawVersion ?? '2026.2.19', env: {}, nowMs: 1 };
    const hashed = await takeSnapshot(base);
    const bare = await takeSnapshot({ ...base, hashStore: false });
    const bytes = readFileSync(path.join(dir, 'devices', 'paired.json'));
    expect(hashed.store.paired.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(hashed.store.pending.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(bare.store.paired).not.toHaveProperty('sha256');
    expect(bare.store.pending).not.toHaveProperty('sha256');
    const { sha256: _p, ...paired } = hashed.store.paired;
    const { sha256: _q, ...pending } = hashed.store.pending;
    expect(bare.store).toEqual({ ...hashed.store, paired, pending });
  });
});
