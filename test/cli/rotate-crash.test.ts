/**
 * Crash safety: rotate SIGKILLs itself at every step (test hook OPENCLAW_FIX_TEST_CRASH_AT). Afterwards each
 * file holds the old bytes or the new ones, never a mix; a backup with a manifest is complete; a re-run finishes.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CRASH_STEPS } from '../../src/repair/crash.js';
import { copyState, HOOKED_BIN, runCli, SAMPLE } from '../helpers.js';
import { fakeServices } from '../fakes/index.js';

const V = ['--openclaw-version', '2026.2.19'];
const FILES = ['devices/paired.json', 'devices/pending.json', 'identity/device-auth.json'];
const UNIT = 'openclaw-gateway.service';

function read(dir: string): Record<string, string> {
  return Object.fromEntries(FILES.map((f) => [f, readFileSync(path.join(dir, f), 'utf8')]));
}

describe('a crash at every step of rotate', () => {
  it.each(CRASH_STEPS)('killed at "%s": old or new bytes, a complete backup, and a re-run finishes', async (step) => {
    const reference = copyState(SAMPLE);
    const fakes = await fakeServices({ units: [`user:${UNIT}`] });
    const ref = runCli(['rotate', '--state-dir', reference, ...V, '--yes', '--no-restart'], { env: fakes.env });
    expect(ref.code, ref.stderr).toBe(0);
    const expected = read(reference);

    const dir = copyState(SAMPLE);
    const old = read(dir);
    fakes.startUnit();
    const crashed = runCli(['rotate', '--state-dir', dir, ...V, '--yes', '--timeout', '10'], { env: { ...fakes.env, OPENCLAW_FIX_TEST_CRASH_AT: step }, bin: HOOKED_BIN });
    expect(crashed.code).toBe(-1); // killed by the signal
    const now = read(dir);
    for (const f of FILES) expect([old[f], expected[f]]).toContain(now[f]);
    // No temp file of ours is left visible as a state file; any leftover is ours by name and the re-run removes it.
    const root = path.join(dir, 'backups/openclaw-fix');
    for (const name of existsSync(root) ? readdirSync(root) : []) {
      const manifestPath = path.join(root, name, 'manifest.json');
      if (!existsSync(manifestPath)) continue;
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { files: { path: string }[] };
      for (const f of manifest.files) expect(readFileSync(path.join(root, name, f.path), 'utf8')).toBe(old[f.path]);
    }

    // Killed between stopping and starting the gateway, the run left it down: the re-run starts it again, or,
    // with nothing left to change, says exactly how.
    const stoppedByCrash = !fakes.calls().slice(-1)[0]?.includes(' start ') && fakes.calls().some((c) => c.includes(' stop '));
    const rerun = runCli(['rotate', '--state-dir', dir, ...V, '--yes', '--timeout', '10'], { env: fakes.env });
    expect(rerun.code, rerun.stdout + rerun.stderr).toBe(0);
    if (stoppedByCrash) {
      const started = fakes.calls().slice(-1)[0]?.includes(`start ${UNIT}`);
      expect(started || rerun.stdout.includes(`did not start it again: run systemctl --user start ${UNIT}`), rerun.stdout).toBe(true);
    }
    const final = read(dir);
    const scopes = (text: string) => (Object.values(JSON.parse(text))[0] as { scopes: string[] }).scopes;
    expect(scopes(final['devices/paired.json']!)).toEqual(scopes(expected['devices/paired.json']!));
    // A lock left by the killed run is either taken over and removed, or reported (when nothing was left to change).
    expect(!existsSync(path.join(dir, 'openclaw-fix.lock')) || /interrupted/.test(rerun.stdout)).toBe(true);
    const leftovers = readdirSync(path.join(dir, 'devices')).filter((n) => n.endsWith('.tmp'));
    expect(leftovers).toEqual([]);
  });
});
