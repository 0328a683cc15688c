/** `openclaw-fix explain` as users run it: file or stdin, text or --json, exit 0 recognised / 1 nothing recognised. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseJson, ROOT, runCli } from '../helpers.js';

// Real pastes copied into the repo (fixtures/pastes): these run in a bare clone too.
const SAMPLES = path.join(ROOT, 'fixtures', 'pastes');

describe('openclaw-fix explain', () => {
  it('explains a file: mode, why, next step and what to check', () => {
    const r = runCli(['explain', path.join(SAMPLES, '21655-gateway-log.txt'), '--no-color']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('M01 service-device-missing-write');
    expect(r.stdout).toMatch(/Next\s+Upgrade to OpenClaw 2026\.2\.22/);
    expect(r.stdout).toContain('openclaw-fix doctor');
  });

  it('reads stdin with - and prints one JSON document', () => {
    const r = runCli(['explain', '-', '--json'], { input: 'gateway closed (1008): pairing required\r\nSource: local lan 172.18.0.2\r\nBind: lan\r\n' });
    expect(r.code).toBe(0);
    const j = parseJson<{ schemaVersion: number; command: string; verdict: string; modes: { mode: string; confidence: string }[] }>(r.stdout);
    expect(j.schemaVersion).toBe(1);
    expect(j.command).toBe('explain');
    expect(j.verdict).toBe('recognised');
    expect(j.modes[0]).toMatchObject({ mode: 'M05', confidence: 'likely' });
  });

  it('says it recognises nothing and exits 1 on unrelated input', () => {
    const r = runCli(['explain'], { input: 'the weather is nice today\n' });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('Nothing recognised');
    const j = runCli(['explain', '--json'], { input: 'nothing here' });
    expect(parseJson<{ verdict: string; ok: boolean }>(j.stdout)).toMatchObject({ verdict: 'unknown', ok: false });
  });

  it('says a healthy paste is healthy, exit 0', () => {
    const r = runCli(['explain', path.join(SAMPLES, '14774-gateway-log.txt'), '--no-color']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('No pairing failure');
  });

  it('exits 2 with a clear line for a missing file', () => {
    const r = runCli(['explain', '/nonexistent/paste.txt']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Cannot read /nonexistent/paste.txt');
  });

  it('never prints a token pasted with a store entry', () => {
    const token = 'PASTEDTOKEN-abcdefghijklmnopqrstuvwxyz0123';
    const input = JSON.stringify({ dev: { deviceId: 'dev', clientId: 'cli', clientMode: 'probe', scopes: ['operator.read'], tokens: { operator: { token, scopes: ['operator.read'] } } } }, null, 2);
    for (const args of [['explain'], ['explain', '--json']]) {
      const r = runCli(args, { input });
      expect(r.code).toBe(0);
      expect(r.stdout + r.stderr).not.toContain(token);
    }
  });
});
