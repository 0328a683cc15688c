/**
 * The launcher keeps Node's compile cache in the user's own cache directory (start-up time: npm run bench), and
 * only where no other user can write on the way to it: V8 runs what it loads from there.
 */
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers.js';

const DOCTOR = ['doctor', '--demo', '--json', '--no-logs'];

function cacheFiles(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir, { recursive: true, encoding: 'utf8' }) : [];
}

describe('compile cache', () => {
  it('is kept in ~/.cache/openclaw-fix, private to the user, and read by the next run', () => {
    const home = tempDir('ocf-home-');
    const first = runCli(DOCTOR, { home });
    expect(first.code).toBe(1); // the demo state is in the loop
    const dir = path.join(home, '.cache', 'openclaw-fix', 'compile-cache');
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(cacheFiles(dir).length).toBeGreaterThan(1);
    // Node says which cached code it accepted when asked to.
    const second = runCli(DOCTOR, { home, env: { NODE_DEBUG_NATIVE: 'COMPILE_CACHE' } });
    expect(second.code).toBe(1);
    expect(second.stdout).toBe(first.stdout);
    expect(second.stderr).toMatch(/cache for file:\/\/\S+\/dist\/bundle\/main\.js was accepted/);
  });

  it('follows XDG_CACHE_HOME', () => {
    const home = tempDir('ocf-home-');
    const xdg = path.join(tempDir('ocf-xdg-'), 'cache');
    expect(runCli(DOCTOR, { home, env: { XDG_CACHE_HOME: xdg } }).code).toBe(1);
    expect(cacheFiles(path.join(xdg, 'openclaw-fix', 'compile-cache')).length).toBeGreaterThan(1);
    expect(existsSync(path.join(home, '.cache'))).toBe(false);
  });

  it('is not used under a directory others can write, and nothing is created there', () => {
    const home = tempDir('ocf-home-');
    const shared = path.join(home, '.cache');
    mkdirSync(shared);
    chmodSync(shared, 0o777);
    const r = runCli(DOCTOR, { home });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(readdirSync(shared)).toEqual([]);
  });

  it.runIf(process.getuid?.() === 0)("is not used in another user's home (sudo keeping HOME)", () => {
    const home = tempDir('ocf-home-');
    const theirs = path.join(home, '.cache');
    mkdirSync(theirs, { mode: 0o755 });
    chownSync(theirs, 65534, 65534);
    const r = runCli(DOCTOR, { home });
    expect(r.code).toBe(1);
    expect(readdirSync(theirs)).toEqual([]);
  });

  it('NODE_DISABLE_COMPILE_CACHE=1 turns it off', () => {
    const home = tempDir('ocf-home-');
    expect(runCli(DOCTOR, { home, env: { NODE_DISABLE_COMPILE_CACHE: '1' } }).code).toBe(1);
    expect(existsSync(path.join(home, '.cache'))).toBe(false);
  });
});
