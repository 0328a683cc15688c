/**
 * `--ignore` takes what the docs say: a finding id, as doctor prints it in [brackets] and --json in findings[].id.
 * A finding that is not its rule's first id (device-auth-unreadable comes from the config-unreadable rule) is left
 * out on its own; a typo is a usage error, not a silent no-op that leaves the CI gate failing for another reason.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyFixture, parseJson, runCli } from '../helpers.js';

const V = ['--openclaw-version', '2026.2.19'];

function brokenSideFiles(): string {
  const { dir } = copyFixture('2.19-seed-loop');
  writeFileSync(path.join(dir, 'identity', 'device-auth.json'), '{"a":');
  writeFileSync(path.join(dir, 'openclaw.json'), '{gateway: ');
  return dir;
}

const ids = (stdout: string) => parseJson<{ findings: { id: string }[] }>(stdout).findings.map((f) => f.id);

describe('--ignore FINDING-ID', () => {
  it('leaves out exactly the findings with that id, in doctor and check, in every report', () => {
    const dir = brokenSideFiles();
    const all = ids(runCli(['doctor', '--state-dir', dir, ...V, '--json']).stdout);
    expect(all).toEqual(expect.arrayContaining(['service-device-missing-write', 'config-unreadable', 'device-auth-unreadable']));

    const doctor = runCli(['doctor', '--state-dir', dir, ...V, '--json', '--ignore', 'device-auth-unreadable']);
    expect(doctor.code).toBe(1);
    expect(ids(doctor.stdout)).toEqual(all.filter((id) => id !== 'device-auth-unreadable'));

    const text = runCli(['doctor', '--state-dir', dir, ...V, '--ignore', 'device-auth-unreadable', '--ignore', 'config-unreadable']).stdout;
    expect(text).not.toContain('[device-auth-unreadable');
    expect(text).not.toContain('[config-unreadable');
    expect(text).toContain('[service-device-missing-write · M01]');

    const github = runCli(['check', '--state-dir', dir, ...V, '--format', 'github', '--ignore', 'device-auth-unreadable']).stdout;
    expect(github).not.toContain('openclaw-fix device-auth-unreadable');
    expect(github).toContain('openclaw-fix config-unreadable');

    // The loop itself can be ignored too: then check passes on what is left (warnings only).
    const gate = runCli(['check', '--state-dir', dir, ...V, '--ignore', 'service-device-missing-write', '--format', 'prometheus']);
    expect(gate.stdout).not.toMatch(/rule="service-device-missing-write"/);
    expect(gate.stdout).toMatch(/rule="config-unreadable"\} 1/);
  });

  it('rejects an id that is not a finding, with one line and exit 2, in text and in --json', () => {
    const dir = brokenSideFiles();
    for (const command of ['doctor', 'check']) {
      const r = runCli([command, '--state-dir', dir, ...V, '--ignore', 'svc-missing-write']);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain('--ignore takes a finding id');
      expect(r.stderr).toContain('"svc-missing-write"');
      const j = runCli([command, '--state-dir', dir, ...V, '--json', '--ignore', 'M01']);
      expect(j.code).toBe(2);
      expect(parseJson<{ error: { code: string } }>(j.stdout).error.code).toBe('usage');
    }
  });

  it("refuses to ignore the probe's findings: they are the gateway's answer, not a rule", () => {
    const dir = brokenSideFiles();
    const r = runCli(['check', '--state-dir', dir, ...V, '--ignore', 'probe-disagrees']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--ignore cannot leave out probe-disagrees');
  });

  it('shows an untrusted --ignore value escaped', () => {
    const r = runCli(['doctor', '--demo', '--ignore', 'x\u001b]0;owned\u0007']);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain('\u001b');
    expect(r.stderr).toContain('x\\x1b]0;owned\\x07');
  });
});
