// `logs` reads the state through the same reader as doctor: on a 2026.8+ install (SQLite store) it knows the
// host device and never prints a secret the database holds, even one quoted by a log line.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyFixture, parseJson, runCli } from '../helpers.js';

// fixtures/states/sqlite-9.6-fresh: the host identity lives only in state/openclaw.sqlite.
const HOST = 'c54bc74bceb2d0a6115d13ffcc87308c2c2b87520ba0df6a623a923d8e3f6423';

function tslog(iso: string, message: string): string {
  const name = JSON.stringify({ subsystem: 'gateway' });
  return JSON.stringify({ 0: name, 1: message, _meta: { runtime: 'node', name, date: iso, logLevelId: 4, logLevelName: 'WARN' }, time: iso });
}

describe('logs on a SQLite-era state', () => {
  it('names the host device from the database and redacts the database secrets a line quotes', () => {
    const { dir, meta } = copyFixture('sqlite-9.6-fresh');
    const key = meta.secrets.find((s) => s.startsWith('MC4C'))!;
    const log = path.join(dir, 'gateway.log');
    const line = (iso: string) =>
      tslog(iso, `security audit: device access upgrade requested reason=scope-upgrade device=${HOST} ip=unknown-ip auth=device-token roleFrom=operator roleTo=operator scopesFrom=operator.admin scopesTo=operator.write client=gateway-client conn=${key}`);
    writeFileSync(log, `${line('2026-11-23T23:31:38.000Z')}\n${line('2026-11-23T23:31:53.000Z')}\n`);
    const json = runCli(['logs', '--state-dir', dir, '--log', log, '--json'], { env: { TZ: 'UTC' } });
    expect(json.code, json.stderr).toBe(1);
    const doc = parseJson<{ hostDeviceId: string | null; groups: { deviceId?: string; isHost: boolean }[] }>(json.stdout);
    expect(doc.hostDeviceId).toBe(HOST);
    expect(doc.groups.find((g) => g.deviceId === HOST)?.isHost).toBe(true);
    const text = runCli(['logs', '--state-dir', dir, '--log', log, '--verbose'], { env: { TZ: 'UTC' } });
    expect(text.code).toBe(1);
    for (const out of [json.stdout, json.stderr, text.stdout, text.stderr]) expect(out).not.toContain(key);
    expect(text.stdout).toMatch(/\(this\s+host\)/);
  });
});
