/**
 * Disk full, read-only file system, permission denied DURING the write (after the plan passed every check):
 * the test-only hook OPENCLAW_FIX_TEST_FAIL_WRITE=<ENOSPC|EROFS|EACCES|EIO>:<n> makes the n-th atomic write of
 * the process fail as the file system would (src/repair/atomic.ts). A successful rotate of the 2.19 sample makes
 * 8 atomic writes: 3 backup copies, the manifest, the 3 state files, the manifest again. Whichever fails, the
 * user gets one line saying why and what state the files are in, no temp file or lock is left, and the state is
 * the original bytes (or, when only the last manifest update failed, the complete change, and it says so).
 * Real permissions too: a read-only backups directory and a read-only identity/ directory (uid 65534).
 */
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyState, HOOKED_BIN, IS_ROOT, runCli, SAMPLE, tempDir } from '../helpers.js';
import { fakeServices } from '../fakes/index.js';
import { HOOKED_ENV, NOBODY, STACK_LINE, TEST_BIN } from './corpus.js';

const V = ['--openclaw-version', '2026.2.19'];
const FILES = ['devices/paired.json', 'devices/pending.json', 'identity/device-auth.json'];
const WHY: Record<string, RegExp> = { ENOSPC: /disk is full/, EROFS: /read-only file system/, EACCES: /may not write/, EIO: /EIO/ };
const read = (dir: string) => Object.fromEntries(FILES.map((f) => [f, readFileSync(path.join(dir, f), 'utf8')]));
const leftovers = (dir: string) =>
  ['devices', 'identity'].flatMap((d) => readdirSync(path.join(dir, d)).filter((n) => n.endsWith('.tmp'))).concat(existsSync(path.join(dir, 'openclaw-fix.lock')) ? ['openclaw-fix.lock'] : []);

const CASES: [string, number][] = [
  ...Array.from({ length: 8 }, (_, i) => ['ENOSPC', i + 1] as [string, number]),
  ['EROFS', 1],
  ['EROFS', 5],
  ['EROFS', 6],
  ['EACCES', 5],
  ['EACCES', 7],
  ['EIO', 6],
];

describe('a write that fails part-way (injected)', () => {
  it.each(CASES)('%s at atomic write #%i: one line, nothing half-done, no leftovers', async (code, n) => {
    const dir = copyState(SAMPLE);
    const { env } = await fakeServices();
    const original = read(dir);
    const reference = copyState(SAMPLE);
    expect(runCli(['rotate', '--state-dir', reference, ...V, '--yes', '--no-restart'], { env, bin: TEST_BIN }).code).toBe(0);
    const fixed = read(reference);

    const r = runCli(['rotate', '--state-dir', dir, ...V, '--yes', '--no-restart'], { env: { ...env, ...HOOKED_ENV, OPENCLAW_FIX_TEST_FAIL_WRITE: `${code}:${n}` }, bin: HOOKED_BIN });
    const said = `${r.stdout}\n${r.stderr}`;
    expect(said).not.toMatch(STACK_LINE);
    expect(said).not.toMatch(/unexpected error/);
    expect(leftovers(dir)).toEqual([]);
    const now = read(dir);
    if (n < 8) {
      // Before the change was complete: the original bytes, and the user is told so.
      expect(r.code, said).toBe(2);
      const lines = r.stderr.trim().split('\n').filter((l) => l.startsWith('openclaw-fix:'));
      expect(lines, r.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(WHY[code]!);
      expect(lines[0]).toMatch(/[Nn]othing was changed|put back/);
      expect(now).toEqual(original);
    } else {
      // Only the backup's final manifest update failed: the change is complete, and the output says so.
      expect(now).toEqual(fixed);
      expect(said).toMatch(WHY[code]!);
      expect(said).toMatch(/manifest/);
    }
  });
});

describe('real permissions (uid 65534)', () => {
  /** As root: the state given to nobody, run as nobody (root ignores modes). Anyone else: themselves, who own it. */
  function asNobody(dir: string): { uid?: number; gid?: number; home: string } {
    if (!IS_ROOT) return { home: tempDir('ocf-home-') };
    for (const p of [path.dirname(path.dirname(dir)), path.dirname(dir)]) chmodSync(p, 0o755);
    const walk = (d: string) => {
      chownSync(d, NOBODY, NOBODY);
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else chownSync(p, NOBODY, NOBODY);
      }
    };
    walk(dir);
    const home = tempDir('ocf-home-');
    chownSync(home, NOBODY, NOBODY);
    return { uid: NOBODY, gid: NOBODY, home };
  }

  // Root's directory in nobody's state: only root can set that up (IS_ROOT).
  it.runIf(IS_ROOT)('a backups directory another user owns (left by a sudo run): refused before any state file is written, says why', async () => {
    const dir = copyState(SAMPLE);
    const { env } = await fakeServices();
    mkdirSync(path.join(dir, 'backups', 'openclaw-fix'), { recursive: true, mode: 0o700 });
    const as = asNobody(dir);
    // Left by a root run (sudo openclaw-fix): nobody may write in it, nor chmod it.
    chownSync(path.join(dir, 'backups', 'openclaw-fix'), 0, 0);
    chmodSync(path.join(dir, 'backups', 'openclaw-fix'), 0o755);
    const original = read(dir);
    const r = runCli(['rotate', '--state-dir', dir, ...V, '--yes', '--no-restart'], { env, ...as, bin: TEST_BIN });
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/backup/);
    expect(r.stderr).toMatch(/[Nn]othing was changed/);
    expect(read(dir)).toEqual(original);
    expect(leftovers(dir)).toEqual([]);
  });

  it('a read-only identity/ directory (device-auth.json cannot be replaced): refused before anything is written', async () => {
    const dir = copyState(SAMPLE);
    const { env } = await fakeServices();
    const as = asNobody(dir);
    chmodSync(path.join(dir, 'identity'), 0o500);
    const original = read(dir);
    const r = runCli(['rotate', '--state-dir', dir, ...V, '--yes', '--no-restart'], { env, ...as, bin: TEST_BIN });
    chmodSync(path.join(dir, 'identity'), 0o700);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stderr).toMatch(/identity/);
    expect(r.stderr).toMatch(/read-only|may not write/);
    expect(read(dir)).toEqual(original);
    expect(existsSync(path.join(dir, 'backups'))).toBe(false);
  });
});
