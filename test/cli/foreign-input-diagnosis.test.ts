/** Issue 17, wrong diagnoses and crashes on other people's inputs: ports, dates, identity, annotations, --junit. */
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSince } from '../../src/logs/since.js';
import { copyFixture, runCli, tempDir } from '../helpers.js';

const V = ['--openclaw-version', '2026.2.19'];

describe('case 5: an invalid gateway port is a finding, not a crash', () => {
  it.each(['70000', '-1', '3.5', '1e400', '0'])('gateway.port %s: doctor and check name it and still report the store', (port) => {
    const { dir } = copyFixture('2.19-seed-loop');
    writeFileSync(path.join(dir, 'openclaw.json'), `{ gateway: { port: ${port}, mode: "local", auth: { mode: "token", token: "t" } } }`);
    for (const cmd of ['doctor', 'check']) {
      const r = runCli([cmd, '--state-dir', dir, ...V, '--json']);
      expect(r.stderr).not.toMatch(/unexpected error|bug/i);
      expect(r.code, r.stderr).toBe(1);
      const ids = (JSON.parse(r.stdout) as { findings: { id: string }[] }).findings.map((f) => f.id);
      expect(ids).toContain('config-port-invalid');
      expect(ids).toContain('service-device-missing-write'); // the rest is still diagnosed
    }
  });
  it('OPENCLAW_GATEWAY_PORT=99999: doctor names it; rotate refuses to restart-verify, writes nothing, and --no-restart still works', () => {
    const { dir } = copyFixture('2.19-seed-loop');
    const env = { OPENCLAW_GATEWAY_PORT: '99999' };
    const d = runCli(['doctor', '--state-dir', dir, ...V], { env });
    expect(d.code).toBe(1);
    expect(d.stdout).toMatch(/not a valid TCP port: OPENCLAW_GATEWAY_PORT=99999/);
    const before = readFileSync(path.join(dir, 'devices', 'paired.json'));
    const r = runCli(['rotate', '--state-dir', dir, ...V, '--yes'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not a valid TCP port .* nothing was changed.*--no-restart/);
    expect(readFileSync(path.join(dir, 'devices', 'paired.json')).equals(before)).toBe(true);
    expect(runCli(['rotate', '--state-dir', dir, ...V, '--yes', '--no-restart'], { env }).code).toBe(0);
  });
});

describe('case 4: strict dates and durations', () => {
  it.each(['2026-13-45', '2026-02-30', '2026-04-31T10:00', '2026-01-01T24:00', '2026-01-01T10:61', 'yesterday', '5 parsecs'])('--since %s is a usage error (exit 2)', (since) => {
    expect(() => parseSince(since, Date.now())).toThrow(/not a time/);
    const r = runCli(['logs', '--log', '-', '--since', since], { input: '' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--since .* is not a time/);
  });
  it('valid dates still parse, leap days included', () => {
    expect(parseSince('2028-02-29', 0)).toBe(new Date(2028, 1, 29).getTime());
    expect(parseSince('2026-11-23T14:00Z', 0)).toBe(Date.UTC(2026, 10, 23, 14));
    expect(parseSince('2h', 10 * 3_600_000)).toBe(8 * 3_600_000);
  });
  it('doctor --since with an invalid date and rotate --timeout past what a timer holds are usage errors', () => {
    const { dir } = copyFixture('2.19-seed-loop');
    expect(runCli(['doctor', '--state-dir', dir, ...V, '--since', '2026-13-45']).code).toBe(2);
    const r = runCli(['rotate', '--state-dir', dir, ...V, '--yes', '--timeout', '3000000']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not a number of seconds/);
  });
});

describe('case 2: a missing or garbled identity/device.json while pairings exist (M09)', () => {
  it('missing: an error finding that says what the gateway does next, with the fix (exit 1)', () => {
    const { dir } = copyFixture('2.19-fixed');
    rmSync(path.join(dir, 'identity', 'device.json'));
    const r = runCli(['doctor', '--state-dir', dir, ...V, '--json']);
    expect(r.code, r.stdout).toBe(1);
    const f = (JSON.parse(r.stdout) as { findings: { id: string; mode?: string; severity: string; impact?: string; fix?: { steps?: string[] } }[] }).findings.find((x) => x.id === 'identity-missing');
    expect(f).toMatchObject({ mode: 'M09', severity: 'error' });
    expect(f!.impact).toMatch(/NEW identity/);
    expect(f!.fix!.steps!.join(' ')).toMatch(/restore identity\/device.json/i);
  });
  it.each(['{"version":1,', '[]', 'not json'])('garbled (%s): an error, not an exit-0 warning', (text) => {
    const { dir } = copyFixture('2.19-fixed');
    writeFileSync(path.join(dir, 'identity', 'device.json'), text);
    const r = runCli(['doctor', '--state-dir', dir, ...V, '--json']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/"id":"identity-unreadable"[^}]*"severity":"error"|"severity":"error"[^}]*"id":"identity-unreadable"/);
  });
  it('a fresh install without identity and without pairings stays healthy', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'openclaw.json'), '{}');
    const r = runCli(['doctor', '--state-dir', dir, ...V, '--json']);
    expect(r.stdout).not.toContain('identity-missing');
  });
});

describe('case 3: every annotation names its own file', () => {
  it('a broken pending.json is annotated on pending.json, a broken device-auth.json and config on theirs', () => {
    const { dir } = copyFixture('2.19-seed-loop');
    writeFileSync(path.join(dir, 'devices', 'pending.json'), '{"a":');
    writeFileSync(path.join(dir, 'identity', 'device-auth.json'), '{"a":');
    writeFileSync(path.join(dir, 'openclaw.json'), '{gateway: ');
    const r = runCli(['check', '--state-dir', dir, ...V, '--format', 'github']);
    const line = (id: string) => r.stdout.split('\n').find((l) => l.includes(`openclaw-fix ${id}`)) ?? '';
    const pending = r.stdout.split('\n').find((l) => l.includes('store-unreadable') && l.includes('pending.json cannot'));
    expect(pending).toContain(`file=${path.join(dir, 'devices', 'pending.json')}`);
    expect(line('device-auth-unreadable')).toContain(`file=${path.join(dir, 'identity', 'device-auth.json')}`);
    expect(line('config-unreadable')).toContain(`file=${path.join(dir, 'openclaw.json')}`);
  });
});

describe('case 9: --junit to a path that cannot be written', () => {
  it('"Cannot write …", exit 2, nothing half-written; a good path still gets the report', () => {
    const { dir } = copyFixture('2.19-seed-loop');
    const r = runCli(['check', '--state-dir', dir, ...V, '--junit', '/nonexistent/dir/x.xml']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^openclaw-fix: Cannot write \/nonexistent\/dir\/x.xml: \/nonexistent\/dir is not an existing directory\.$/);
    const out = tempDir();
    const j = runCli(['check', '--state-dir', dir, ...V, '--junit', path.join(out, 'x.xml'), '--json']);
    expect(j.code).toBe(1);
    expect(readFileSync(path.join(out, 'x.xml'), 'utf8')).toMatch(/^<\?xml/);
    expect(readdirSync(out)).toEqual(['x.xml']);
    const bad = runCli(['check', '--state-dir', dir, ...V, '--junit', path.join(out, 'missing', 'x.xml'), '--json']);
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.stdout)).toMatchObject({ error: { code: 'write-failed' } });
  });
});

describe('case 14 (part): check says check; --textfile-dir implies prometheus', () => {
  it('the text header names check', () => {
    const { dir } = copyFixture('2.19-seed-loop');
    expect(runCli(['check', '--state-dir', dir, ...V]).stdout.split('\n')[0]).toMatch(/^openclaw-fix check/);
  });
  it('--textfile-dir alone writes the metrics; with --format github it is a usage error', () => {
    const { dir } = copyFixture('2.19-seed-loop');
    const out = tempDir();
    expect(runCli(['check', '--state-dir', dir, ...V, '--textfile-dir', out]).code).toBe(1);
    expect(existsSync(path.join(out, 'openclaw_fix.prom'))).toBe(true);
    const r = runCli(['check', '--state-dir', dir, ...V, '--textfile-dir', out, '--format', 'github']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--textfile-dir writes Prometheus text/);
  });
});
