/**
 * A lock left by a dead or failed run is taken over with a note; a lock that cannot be written (disk full) is
 * one clear exit-2 line and is not left behind to block every later repair (issue 16, case 7).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { onTestFinished, describe, expect, it } from 'vitest';
import { copyState, runCli, SAMPLE, tempDir } from '../helpers.js';
import { fakeServices } from '../fakes/index.js';
import { STACK_LINE, TEST_BIN } from './corpus.js';

const V = ['--openclaw-version', '2026.2.19'];

describe('a lock nobody holds', () => {
  it.each([
    ['empty', ''],
    ['unparsable', 'not json at all'],
    ['naming a pid that is not running', JSON.stringify({ pid: 2 ** 22 + 12345, startedAt: '2026-01-01T00:00:00Z', command: 'rotate' })],
  ])('%s: taken over with a note, the repair goes through, no lock left', async (_name, content) => {
    const dir = copyState(SAMPLE);
    const { env } = await fakeServices();
    writeFileSync(path.join(dir, 'openclaw-fix.lock'), content, { mode: 0o600 });
    const r = runCli(['rotate', '--state-dir', dir, ...V, '--yes', '--no-restart'], { env, bin: TEST_BIN });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout + r.stderr).toMatch(/stale lock|empty or unreadable lock/);
    expect(existsSync(path.join(dir, 'openclaw-fix.lock'))).toBe(false);
  });
});

/** A real 64 KiB tmpfs (root only): the disk really fills, as on the server in the issue. */
function smallDisk(): string | undefined {
  const mnt = tempDir('ocf-full-');
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mnt]);
  if (r.status !== 0) return undefined;
  onTestFinished(() => {
    spawnSync('umount', [mnt]);
  });
  return mnt;
}

const rootOnLinux = process.getuid?.() === 0 && process.platform === 'linux';

describe('a disk that fills up', () => {
  it.runIf(rootOnLinux)('while locking: one exit-2 line, never "This is a bug", no lock left; after space is freed the repair runs', async (ctx) => {
    const mnt = smallDisk();
    if (!mnt) return ctx.skip();
    const dir = path.join(mnt!, 'state');
    mkdirSync(dir);
    for (const d of ['devices', 'identity']) cpSync(path.join(SAMPLE, d), path.join(dir, d), { recursive: true });
    const { env } = await fakeServices();
    // Fill every block left (the file creation still succeeds: tmpfs counts inodes apart).
    spawnSync('dd', ['if=/dev/zero', `of=${path.join(mnt!, 'filler')}`, 'bs=4k'], { stdio: 'ignore' });
    const r = runCli(['rotate', '--state-dir', dir, ...V, '--yes', '--no-restart'], { env, bin: TEST_BIN });
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/disk is full/);
    expect(r.stderr).not.toMatch(/This is a bug/);
    expect(r.stderr).not.toMatch(STACK_LINE);
    expect(readdirSync(dir)).not.toContain('openclaw-fix.lock');
    rmSync(path.join(mnt!, 'filler'));
    const again = runCli(['rotate', '--state-dir', dir, ...V, '--yes', '--no-restart'], { env, bin: TEST_BIN });
    expect(again.code, again.stdout + again.stderr).toBe(0);
  });
});
