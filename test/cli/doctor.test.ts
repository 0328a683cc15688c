/** doctor as a user runs it: the sample state, output modes, bad input, discovery of state and version. */
import { mkdirSync, writeFileSync, chmodSync, symlinkSync, chownSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyFixture, copyState, IS_ROOT, leakedSecrets, parseJson, runCli, SAMPLE, tempDir } from '../helpers.js';

const SAMPLE_SECRETS = ['REDACTED-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'REDACTED-IN-SAMPLE'];
const HOST = '33fbb2283a2d9639ce4763ed43535809c27c2e67f420b5342c45fb76406408f0';

interface Report {
  exitCode: number;
  schemaVersion: number;
  findings: { id: string; severity: string; deviceId: string | null; fix: { command?: string } | null }[];
  clients: { client: string; verdict: string; reason: string }[];
  openclaw: { version: string | null; versionSource: string };
  state: { dir: string; source: string };
  error?: { code: string; message: string };
}

describe('doctor on the real 2026.2.19 sample state', () => {
  it('names the service device, the seed rule and the repair request on 2026.2.19, and exits 1', () => {
    const dir = copyState(SAMPLE);
    const text = runCli(['doctor', '--state-dir', dir, '--openclaw-version', '2026.2.19']);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('service-device-missing-write');
    expect(text.stdout).toContain('pending-repair-request');
    expect(text.stdout).toContain(HOST);
    expect(text.stdout).toContain(`openclaw-fix rotate --state-dir ${dir} --openclaw-version 2026.2.19`);
    const json = parseJson<Report>(runCli(['doctor', '--state-dir', dir, '--openclaw-version', '2026.2.19', '--json']).stdout);
    expect(json.findings.find((f) => f.id === 'service-device-missing-write')).toMatchObject({ severity: 'error', deviceId: HOST });
    expect(json.clients).toEqual([
      expect.objectContaining({ client: 'cli', verdict: 'allowed' }),
      expect.objectContaining({ client: 'internal-write', verdict: 'refused', reason: 'scope-upgrade' }),
      expect.objectContaining({ client: 'internal-read', verdict: 'refused', reason: 'scope-upgrade' }),
      // Issue 20: one verdict per CLI command class; on 2.19 every command asks the bundle, so all three as `cli`.
      expect.objectContaining({ client: 'cli-read', verdict: 'allowed' }),
      expect.objectContaining({ client: 'cli-write', verdict: 'allowed' }),
      expect.objectContaining({ client: 'cli-admin', verdict: 'allowed' }),
    ]);
    expect(leakedSecrets(SAMPLE_SECRETS, text.stdout, text.stderr, JSON.stringify(json))).toEqual([]);
  });

  it('reports no error on 2026.2.22 (admin covers write) and only a stale-request warning, exit 0', () => {
    const dir = copyState(SAMPLE);
    const result = runCli(['doctor', '--state-dir', dir, '--openclaw-version', '2026.2.22', '--json']);
    expect(result.code).toBe(0);
    const json = parseJson<Report>(result.stdout);
    expect(json.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(json.findings.find((f) => f.id === 'pending-repair-request')?.severity).toBe('warning');
    expect(json.clients.every((c) => c.verdict === 'allowed')).toBe(true);
  });

  it('on 2026.2.21 the health probe passes (read is covered by admin) but send is still refused', () => {
    const dir = copyState(SAMPLE);
    const json = parseJson<Report>(runCli(['doctor', '--state-dir', dir, '--openclaw-version', '2026.2.21', '--json']).stdout);
    expect(json.clients.find((c) => c.client === 'internal-read')?.verdict).toBe('allowed');
    expect(json.clients.find((c) => c.client === 'internal-write')?.verdict).toBe('refused');
  });

  it('runs on the bundled demo with no OpenClaw installed', () => {
    const result = runCli(['doctor', '--demo']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('[demo state]');
    expect(result.stdout).toContain('service-device-missing-write');
  });
});

describe('output contract', () => {
  it('prints no colour when NO_COLOR is set, with --no-color, or when piped; JSON is pure JSON on stdout', () => {
    const dir = copyState(SAMPLE);
    for (const env of [{ NO_COLOR: '1', FORCE_COLOR: '1' }, {}]) {
      const result = runCli(['doctor', '--state-dir', dir, '--openclaw-version', '2026.2.19'], { env });
      expect(result.stdout).not.toMatch(/\x1b\[/);
    }
    expect(runCli(['doctor', '--state-dir', dir, '--openclaw-version', '2026.2.19', '--no-color'], { env: { FORCE_COLOR: '1' } }).stdout).not.toMatch(/\x1b\[/);
    expect(runCli(['doctor', '--state-dir', dir, '--openclaw-version', '2026.2.19'], { env: { FORCE_COLOR: '1' } }).stdout).toMatch(/\x1b\[/);
    const json = runCli(['doctor', '--state-dir', dir, '--openclaw-version', '2026.2.19', '--json'], { env: { FORCE_COLOR: '1' } });
    expect(() => JSON.parse(json.stdout)).not.toThrow();
    expect(json.stdout).not.toMatch(/\x1b\[/);
    expect(parseJson<Report>(json.stdout).schemaVersion).toBe(1);
    // For a program (a pipe, a file): one line, one document.
    expect(json.stdout.trimEnd().split('\n')).toHaveLength(1);
  });

  it('--json to a terminal is indented for a person to read', async () => {
    const { Output } = await import('../../src/report/output.js');
    const { Writable } = await import('node:stream');
    let printed = '';
    const tty = Object.assign(new Writable({ write: (chunk, _e, cb) => ((printed += String(chunk)), cb()) }), { isTTY: true });
    new Output({ json: true }, {}, tty, tty).printJson({ schemaVersion: 1, findings: [] });
    expect(printed).toBe('{\n  "schemaVersion": 1,\n  "findings": []\n}\n');
  });

  it('--json lists every paired device once, in the order paired.json holds them', () => {
    const dir = copyState(SAMPLE);
    const file = path.join(dir, 'devices', 'paired.json');
    const paired = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Record<string, unknown>>;
    const [hostEntry] = Object.values(paired);
    // Ids in no sorted order, around the host's entry.
    for (const id of ['f0', '0a', 'c3', '5b'].map((p) => p.repeat(32))) paired[id] = { ...hostEntry, deviceId: id, publicKey: `${id.slice(0, 43)}` };
    writeFileSync(file, JSON.stringify(paired, null, 2));
    const json = parseJson<{ devices: { deviceId: string }[] }>(runCli(['doctor', '--state-dir', dir, '--openclaw-version', '2026.2.19', '--json']).stdout);
    expect(json.devices.map((d) => d.deviceId)).toEqual(Object.keys(paired));
  });

  it('exits 2 with one plain line on usage errors, never 1', () => {
    const unknown = runCli(['doctor', '--no-such-flag']);
    expect(unknown.code).toBe(2);
    const badVersion = runCli(['doctor', '--demo', '--openclaw-version', 'latest']);
    expect(badVersion.code).toBe(2);
    expect(badVersion.stderr).toContain('--openclaw-version "latest" is not an OpenClaw version');
    expect(runCli(['--version']).code).toBe(0);
    expect(runCli(['--help']).stdout).toContain('doctor');
  });
});

describe('when there is no OpenClaw state', () => {
  it('says so, names the directory and offers the demo; exit 2; JSON mode gives a JSON error', () => {
    const home = tempDir();
    const result = runCli(['doctor'], { home });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`No OpenClaw state directory at ${path.join(home, '.openclaw')}`);
    expect(result.stderr).toContain('--demo');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    const json = runCli(['doctor', '--json'], { home });
    expect(json.code).toBe(2);
    expect(parseJson<Report>(json.stdout).error?.code).toBe('no-state');
  });

  it('rejects a state dir that is a file', () => {
    const file = path.join(tempDir(), 'not-a-dir');
    writeFileSync(file, 'x');
    const result = runCli(['doctor', '--state-dir', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('is not a directory');
  });
});

describe('finding the state the way OpenClaw does', () => {
  function homeWith(dirName: string): { home: string; state: string } {
    const home = tempDir();
    const state = path.join(home, dirName);
    const { dir } = copyFixture('2.19-seed-loop');
    mkdirSync(state, { recursive: true });
    copyInto(dir, state);
    return { home, state };
  }
  function copyInto(from: string, to: string) {
    for (const rel of ['devices/paired.json', 'devices/pending.json', 'identity/device.json', 'identity/device-auth.json', 'openclaw.json']) {
      mkdirSync(path.dirname(path.join(to, rel)), { recursive: true });
      writeFileSync(path.join(to, rel), readFileSync(path.join(from, rel)), { mode: 0o600 });
    }
  }
  const where = (r: ReturnType<typeof runCli>) => parseJson<Report>(r.stdout).state;

  it('uses ~/.openclaw, a profile, OPENCLAW_STATE_DIR, OPENCLAW_HOME and legacy dirs', () => {
    const plain = homeWith('.openclaw');
    expect(where(runCli(['doctor', '--json', '--openclaw-version', '2026.2.19'], { home: plain.home }))).toMatchObject({ dir: plain.state, source: 'default' });

    const profiled = homeWith('.openclaw-work');
    expect(where(runCli(['doctor', '--json', '--profile', 'work', '--openclaw-version', '2026.2.19'], { home: profiled.home })).dir).toBe(profiled.state);
    expect(where(runCli(['doctor', '--json', '--openclaw-version', '2026.2.19'], { home: profiled.home, env: { OPENCLAW_PROFILE: 'work' } })).dir).toBe(profiled.state);

    const dev = homeWith('.openclaw-dev');
    expect(where(runCli(['doctor', '--json', '--dev', '--openclaw-version', '2026.2.19'], { home: dev.home })).dir).toBe(dev.state);

    const custom = homeWith('somewhere/else');
    expect(where(runCli(['doctor', '--json', '--openclaw-version', '2026.2.19'], { home: custom.home, env: { OPENCLAW_STATE_DIR: '~/somewhere/else' } }))).toMatchObject({ dir: custom.state, source: 'OPENCLAW_STATE_DIR' });

    const other = homeWith('.openclaw');
    expect(where(runCli(['doctor', '--json', '--openclaw-version', '2026.2.19'], { home: tempDir(), env: { OPENCLAW_HOME: other.home } })).dir).toBe(other.state);

    const legacy = homeWith('.clawdbot');
    expect(where(runCli(['doctor', '--json', '--openclaw-version', '2026.2.19'], { home: legacy.home }))).toMatchObject({ dir: legacy.state, source: 'legacy directory' });
  });

  it('finds the installed OpenClaw version from the package behind `openclaw` on PATH, without running it', () => {
    const { dir } = copyFixture('2.19-seed-loop');
    const prefix = tempDir();
    const pkg = path.join(prefix, 'lib', 'node_modules', 'openclaw');
    mkdirSync(pkg, { recursive: true });
    writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name: 'openclaw', version: '2026.2.22' }));
    // A launcher that would fail loudly if doctor ran it.
    writeFileSync(path.join(pkg, 'openclaw.mjs'), '#!/bin/sh\necho ran >&2; exit 99\n', { mode: 0o755 });
    mkdirSync(path.join(prefix, 'bin'));
    symlinkSync(path.join(pkg, 'openclaw.mjs'), path.join(prefix, 'bin', 'openclaw'));
    const result = runCli(['doctor', '--state-dir', dir, '--json'], { env: { PATH: `${path.join(prefix, 'bin')}:${process.env.PATH}` } });
    const report = parseJson<Report>(result.stdout);
    expect(report.openclaw).toMatchObject({ version: '2026.2.22', versionSource: 'package' });
    expect(result.code).toBe(0);
    expect(result.stderr).not.toContain('ran');
  });

  it('falls back to `openclaw --version` when no package.json is found', () => {
    const { dir } = copyFixture('2.19-seed-loop');
    const bin = tempDir();
    writeFileSync(path.join(bin, 'openclaw'), '#!/bin/sh\necho "OpenClaw 2026.2.19 (45d9b20)"\n', { mode: 0o755 });
    const report = parseJson<Report>(runCli(['doctor', '--state-dir', dir, '--json'], { env: { PATH: `${bin}:${process.env.PATH}` } }).stdout);
    expect(report.openclaw).toMatchObject({ version: '2026.2.19', versionSource: 'cli' });
  });
});

describe('files this user cannot read', () => {
  // A file root owns, read as nobody: only root can set that up (IS_ROOT).
  it.runIf(IS_ROOT)('refuses with one line naming the file, its owner and how to run instead; exit 2', () => {
    const { dir } = copyFixture('2.19-fixed');
    chmodSync(path.dirname(dir), 0o755);
    chmodSync(dir, 0o755);
    for (const sub of ['devices', 'identity']) chmodSync(path.join(dir, sub), 0o755);
    chmodSync(path.join(dir, 'identity', 'device.json'), 0o644);
    chownSync(path.join(dir, 'devices', 'paired.json'), 0, 0);
    const result = runCli(['doctor', '--state-dir', dir, '--openclaw-version', '2026.2.19'], { uid: 65534, gid: 65534, home: '/tmp' });
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(`Cannot read ${path.join(dir, 'devices', 'paired.json')}: it belongs to root (uid 0)`);
    expect(result.stderr).toContain('sudo -u root');
  });
});
