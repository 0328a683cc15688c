/** restore as a user runs it: list, the newest or a named backup, exact bytes back, the current state backed up first. */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyFixture, copyState, leakedSecrets, parseJson, runCli, SAMPLE } from '../helpers.js';
import { fakeServices } from '../fakes/index.js';

const V = ['--openclaw-version', '2026.2.19'];
const read = (dir: string, rel = 'devices/paired.json') => readFileSync(path.join(dir, rel), 'utf8');

describe('restore', () => {
  it('--list shows time, files and what rotate changed; text and --json', async () => {
    const dir = copyState(SAMPLE);
    const { env } = await fakeServices();
    expect(runCli(['restore', '--list', '--state-dir', dir], { env }).stdout).toContain('No openclaw-fix backups');
    expect(runCli(['rotate', '--state-dir', dir, ...V, '--yes', '--no-restart'], { env }).code).toBe(0);
    const list = runCli(['restore', '--list', '--state-dir', dir], { env });
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}Z {2}rotate applied {2}devices\/paired.json, identity\/device-auth.json, devices\/pending.json/);
    expect(list.stdout).toContain('granted operator.write, operator.read');
    const json = parseJson<{ backups: { name: string; command: string; status: string; description: string; files: { path: string; sha256Before: string }[] }[] }>(
      runCli(['restore', '--list', '--state-dir', dir, '--json'], { env }).stdout,
    );
    expect(json.backups).toHaveLength(1);
    expect(json.backups[0]).toMatchObject({ command: 'rotate', status: 'applied' });
  });

  it('restores a named backup atomically after backing up the current state; that backup undoes the restore', async () => {
    const dir = copyState(SAMPLE);
    const { env } = await fakeServices();
    const original = read(dir);
    runCli(['rotate', '--state-dir', dir, ...V, '--yes', '--no-restart'], { env });
    const fixed = read(dir);
    const [name] = readdirSync(path.join(dir, 'backups/openclaw-fix'));
    const r = runCli(['restore', name!, '--state-dir', dir, '--yes', '--no-restart', '--json'], { env });
    expect(r.code).toBe(0);
    const json = parseJson<{ result: { status: string; backup: { name: string }; written: string[] } }>(r.stdout);
    expect(json.result.status).toBe('applied');
    expect(read(dir)).toBe(original);
    // The state before the restore was backed up: restoring that one brings the fix back, byte for byte.
    const undo = runCli(['restore', json.result.backup.name, '--state-dir', dir, '--yes', '--no-restart'], { env });
    expect(undo.code).toBe(0);
    expect(read(dir)).toBe(fixed);
  });

  it('--dry-run and no-terminal refusals change nothing; an unknown backup name is exit 2', async () => {
    const dir = copyState(SAMPLE);
    const { env } = await fakeServices();
    runCli(['rotate', '--state-dir', dir, ...V, '--yes', '--no-restart'], { env });
    const fixed = read(dir);
    const dry = runCli(['restore', '--state-dir', dir, '--dry-run'], { env });
    // Issue 17: one rule for --dry-run, as rotate: a change shown but not made exits 1.
    expect(dry.code).toBe(1);
    expect(dry.stdout).toContain('Dry run: nothing was changed.');
    const refused = runCli(['restore', '--state-dir', dir], { env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--yes');
    expect(runCli(['restore', 'no-such-backup', '--state-dir', dir, '--yes'], { env }).code).toBe(2);
    expect(read(dir)).toBe(fixed);
  });

  it('a backup whose copy was altered is not restored', async () => {
    const dir = copyState(SAMPLE);
    const { env } = await fakeServices();
    runCli(['rotate', '--state-dir', dir, ...V, '--yes', '--no-restart'], { env });
    const fixed = read(dir);
    const [name] = readdirSync(path.join(dir, 'backups/openclaw-fix'));
    writeFileSync(path.join(dir, 'backups/openclaw-fix', name!, 'devices/paired.json'), '{}');
    const r = runCli(['restore', '--state-dir', dir, '--yes', '--no-restart'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/does not match its manifest/);
    expect(read(dir)).toBe(fixed);
  });

  it('stops and starts the service around the restore, and never prints a secret', async () => {
    const { dir, meta } = copyFixture('2.19-seed-loop');
    const fakes = await fakeServices({ units: ['user:openclaw-gateway.service'] });
    const original = read(dir);
    runCli(['rotate', '--state-dir', dir, ...V, '--yes', '--no-restart'], { env: fakes.env });
    fakes.startUnit();
    const r = runCli(['restore', '--state-dir', dir, '--yes', '--timeout', '10'], { env: fakes.env });
    expect(r.code).toBe(0);
    expect(fakes.calls()).toEqual(expect.arrayContaining(['systemctl --user stop openclaw-gateway.service', 'systemctl --user start openclaw-gateway.service']));
    expect(read(dir)).toBe(original);
    expect(leakedSecrets(meta.secrets, r.stdout, r.stderr)).toEqual([]);
  });
});
