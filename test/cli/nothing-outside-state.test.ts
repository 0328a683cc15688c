/** docs/guarantees.md §7: outside OpenClaw's state openclaw-fix keeps nothing (no cache, no config of its own). */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers.js';

describe('outside the state', () => {
  it('doctor leaves nothing in the home directory or XDG_CACHE_HOME', () => {
    const home = tempDir('ocf-home-');
    const cache = tempDir('ocf-xdg-');
    const before = readdirSync(home, { recursive: true });
    const r = runCli(['doctor', '--demo', '--json', '--no-logs'], { home, env: { XDG_CACHE_HOME: cache } });
    expect(r.code).toBe(1); // the demo state is in the loop
    expect(readdirSync(home, { recursive: true })).toEqual(before);
    expect(readdirSync(cache)).toEqual([]);
  });
});
