/** check: the CI/server contract. Never prompts; the exit code means the same in every format. */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyFixture, copyState, parseJson, ROOT, runCli, SAMPLE, tempDir } from '../helpers.js';

describe('check', () => {
  it('exits 1 on the seed loop and 0 on a healthy state, in every format', () => {
    const broken = copyState(SAMPLE);
    const { dir: healthy } = copyFixture('2.19-fixed');
    for (const format of ['text', 'json', 'github', 'prometheus']) {
      expect(runCli(['check', '--state-dir', broken, '--openclaw-version', '2026.2.19', '--format', format]).code).toBe(1);
      expect(runCli(['check', '--state-dir', healthy, '--openclaw-version', '2026.2.19', '--format', format]).code).toBe(0);
    }
  });

  it('--fail-on warning fails on warnings; --ignore skips a rule', () => {
    const dir = copyState(SAMPLE);
    const args = ['check', '--state-dir', dir, '--openclaw-version', '2026.2.22'];
    expect(runCli(args).code).toBe(0);
    expect(runCli([...args, '--fail-on', 'warning']).code).toBe(1);
    expect(runCli([...args, '--fail-on', 'warning', '--ignore', 'pending-repair-request']).code).toBe(0);
    expect(runCli([...args, '--fail-on', 'fatal']).code).toBe(2);
  });

  it('--quiet prints nothing when healthy and only problems otherwise', () => {
    const { dir } = copyFixture('2.19-fixed');
    const ok = runCli(['check', '--state-dir', dir, '--openclaw-version', '2026.2.19', '--quiet']);
    expect(ok.stdout).toBe('');
    const broken = runCli(['check', '--state-dir', copyState(SAMPLE), '--openclaw-version', '2026.2.19', '--quiet']);
    expect(broken.stdout).toContain('service-device-missing-write');
    expect(broken.stdout).not.toContain('What the gateway does');
  });

  it('writes GitHub annotations that cannot inject workflow commands', () => {
    const result = runCli(['check', '--state-dir', copyState(SAMPLE), '--openclaw-version', '2026.2.19', '--format', 'github']);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^::error title=openclaw-fix service-device-missing-write \(M01\)::/);
    expect(lines.find((l) => l.startsWith('::warning'))).toContain('pending-repair-request');
    for (const line of lines.filter((l) => l.startsWith('::'))) expect(line.split('::').length).toBe(3);
  });

  it('writes a JUnit report with one failing case for the seed rule', () => {
    const junit = path.join(tempDir(), 'report.xml');
    runCli(['check', '--state-dir', copyState(SAMPLE), '--openclaw-version', '2026.2.19', '--junit', junit]);
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toMatch(/^<\?xml/);
    expect(xml).toContain('<testcase classname="openclaw-fix" name="service-device-missing-write">');
    expect(xml).toMatch(/failures="1"/);
    expect(xml).toContain('<testcase classname="openclaw-fix" name="store-unreadable"></testcase>');
  });

  it('writes Prometheus textfile metrics atomically into the collector directory', () => {
    const collector = tempDir();
    const result = runCli(['check', '--state-dir', copyState(SAMPLE), '--openclaw-version', '2026.2.19', '--format', 'prometheus', '--textfile-dir', collector]);
    expect(result.code).toBe(1);
    expect(readdirSync(collector)).toEqual(['openclaw_fix.prom']);
    const text = readFileSync(path.join(collector, 'openclaw_fix.prom'), 'utf8');
    expect(text).toMatch(/openclaw_fix_healthy\{state_dir="[^"]+",openclaw_version="2026.2.19"\} 0/);
    expect(text).toMatch(/openclaw_fix_rule_status\{[^}]*rule="service-device-missing-write"\} 1/);
    expect(text).toMatch(/openclaw_fix_finding\{[^}]*rule="service-device-missing-write",severity="error",device="33fbb228/);
    expect(text).toMatch(/openclaw_fix_client_allowed\{[^}]*client="internal-write",reason="scope-upgrade"\} 0/);
    expect(text).toMatch(/openclaw_fix_last_check_timestamp_seconds\{[^}]*\} \d{10}/);
  });

  it('JSON output is the doctor document with command "check"', () => {
    const result = runCli(['check', '--state-dir', copyState(SAMPLE), '--openclaw-version', '2026.2.19', '--json']);
    const json = parseJson<{ command: string; exitCode: number; failOn: string; findings: unknown[] }>(result.stdout);
    expect(json).toMatchObject({ command: 'check', exitCode: 1, failOn: 'error' });
  });

  it('never offers the demo or prompts when there is no state: exit 2', () => {
    const result = runCli(['check'], { input: 'y\n' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('No OpenClaw state directory');
  });
});

describe('check --fix', () => {
  it('repairs the seed loop without prompting, reports on stdout only its own document, and exits 0 once healthy', () => {
    const dir = copyState(SAMPLE);
    const result = runCli(['check', '--state-dir', dir, '--openclaw-version', '2026.2.19', '--fix', '--no-restart', '--json', '--no-logs']);
    expect(result.code, result.stderr).toBe(0);
    const json = parseJson<{ exitCode: number; repair: { attempted: boolean; rotateExitCode: number }; findings: { severity: string }[] }>(result.stdout);
    expect(json.repair).toEqual({ attempted: true, rotateExitCode: 0 });
    expect(json.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(result.stderr).toContain('granted operator.write, operator.read');
    expect(runCli(['doctor', '--state-dir', dir, '--openclaw-version', '2026.2.19', '--no-logs']).code).toBe(0);
  });

  it('--fix --dry-run changes nothing and still exits 1', () => {
    const dir = copyState(SAMPLE);
    const before = readFileSync(path.join(dir, 'devices', 'paired.json'));
    const result = runCli(['check', '--state-dir', dir, '--openclaw-version', '2026.2.19', '--fix', '--dry-run', '--no-logs']);
    expect(result.code).toBe(1);
    expect(readFileSync(path.join(dir, 'devices', 'paired.json'))).toEqual(before);
  });

  it('--fix on the demo works on a copy and leaves the bundled demo untouched', () => {
    const demoPaired = path.join(ROOT, 'fixtures', 'demo', 'devices', 'paired.json');
    const before = readFileSync(demoPaired);
    const result = runCli(['check', '--demo', '--fix', '--no-restart', '--no-logs']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('working on a copy of the demo state');
    expect(readFileSync(demoPaired)).toEqual(before);
  });
});
