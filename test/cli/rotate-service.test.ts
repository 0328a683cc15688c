/** rotate with a gateway run by a (fake) service manager: stop before the write, start after, verify, roll back. */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyState, parseJson, runCli, SAMPLE } from '../helpers.js';
import { fakeServices, runGateway } from '../fakes/index.js';

const V = ['--openclaw-version', '2026.2.19'];
const UNIT = 'openclaw-gateway.service';

function scopes(dir: string): string[] {
  const paired = JSON.parse(readFileSync(path.join(dir, 'devices/paired.json'), 'utf8'));
  return (Object.values(paired)[0] as { scopes: string[] }).scopes;
}

describe('rotate with a systemd user unit', () => {
  it('stops the unit before writing, starts it after, waits for the port and verifies', async () => {
    const dir = copyState(SAMPLE);
    const fakes = await fakeServices({ units: [`user:${UNIT}`], paired: path.join(dir, 'devices/paired.json') });
    fakes.startUnit();
    const r = runCli(['rotate', '--state-dir', dir, ...V, '--yes', '--timeout', '10'], { env: fakes.env });
    expect(r.code).toBe(0);
    const calls = fakes.calls();
    expect(calls).toContain(`systemctl --user stop ${UNIT}`);
    expect(calls.indexOf(`systemctl --user start ${UNIT}`)).toBeGreaterThan(calls.indexOf(`systemctl --user stop ${UNIT}`));
    expect(r.stdout).toMatch(/restarted \(systemd user unit openclaw-gateway.service\); back on its port after/);
    // Not a TTY: one line per step, no spinner control codes.
    expect(r.stderr).toContain('waiting for the gateway on 127.0.0.1:');
    expect(r.stderr).not.toContain('\r');
    expect(scopes(dir)).toContain('operator.write');
  });

  it('honours OPENCLAW_SYSTEMD_UNIT and the profile unit name', async () => {
    const dir = copyState(SAMPLE);
    const fakes = await fakeServices({ units: ['user:my-gw.service'], env: { OPENCLAW_SYSTEMD_UNIT: 'my-gw.service' } });
    fakes.startUnit('my-gw.service');
    const r = runCli(['rotate', '--state-dir', dir, ...V, '--yes', '--timeout', '10'], { env: fakes.env });
    expect(r.code).toBe(0);
    expect(fakes.calls()).toContain('systemctl --user stop my-gw.service');
  });

  it('--no-restart leaves the unit alone and says the edit may be overwritten', async () => {
    const dir = copyState(SAMPLE);
    const fakes = await fakeServices({ units: [`user:${UNIT}`] });
    fakes.startUnit();
    const r = runCli(['rotate', '--state-dir', dir, ...V, '--yes', '--no-restart'], { env: fakes.env });
    expect(r.code).toBe(0);
    expect(fakes.calls().filter((c) => / (stop|start|restart) /.test(c))).toEqual([]);
    expect(r.stdout).toMatch(/--no-restart: the running gateway was left alone; its next connect may rewrite the file/);
  });

  it('a gateway that does not come back: rolls back to the original bytes, starts it again, exit 1', async () => {
    const dir = copyState(SAMPLE);
    const original = readFileSync(path.join(dir, 'devices/paired.json'), 'utf8');
    const fakes = await fakeServices({ units: [`user:${UNIT}`], env: { FAKE_GATEWAY_DEAD: '1' } });
    fakes.startUnit();
    const r = runCli(['rotate', '--state-dir', dir, ...V, '--yes', '--timeout', '1'], { env: fakes.env });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/Rolled back: the gateway did not answer on port \d+ within 1 s/);
    expect(readFileSync(path.join(dir, 'devices/paired.json'), 'utf8')).toBe(original);
    expect(fakes.calls().filter((c) => c.includes(' start ')).length).toBe(2);
    const [name] = readdirSync(path.join(dir, 'backups/openclaw-fix'));
    expect(JSON.parse(readFileSync(path.join(dir, 'backups/openclaw-fix', name!, 'manifest.json'), 'utf8')).status).toBe('rolled-back');
  });

  it('a gateway that undoes the change at start: the finding persists, so it rolls back (exit 1)', async () => {
    const dir = copyState(SAMPLE);
    const original = readFileSync(path.join(dir, 'devices/paired.json'), 'utf8');
    const fakes = await fakeServices({ units: [`user:${UNIT}`], paired: path.join(dir, 'devices/paired.json') });
    fakes.startUnit();
    const r = runCli(['rotate', '--state-dir', dir, ...V, '--yes', '--timeout', '10', '--json'], { env: { ...fakes.env, FAKE_GATEWAY_DROP: 'operator.write' } });
    expect(r.code).toBe(1);
    const json = parseJson<{ result: { status: string; problems: string[] } }>(r.stdout);
    expect(json.result.status).toBe('rolled-back');
    expect(json.result.problems.join(' ')).toMatch(/lacks operator.write/);
    // The rollback restored our backup; the stand-in gateway then rewrote it once more at its second start.
    expect(scopes(dir)).toEqual(JSON.parse(original)[Object.keys(JSON.parse(original))[0]!].scopes);
  });

  it('a unit that cannot be stopped (no user bus): exit 2, nothing changed', async () => {
    const dir = copyState(SAMPLE);
    const original = readFileSync(path.join(dir, 'devices/paired.json'), 'utf8');
    const fakes = await fakeServices({ units: [`user:${UNIT}`] });
    fakes.startUnit();
    const r = runCli(['rotate', '--state-dir', dir, ...V, '--yes'], { env: { ...fakes.env, FAKE_SYSTEMCTL_FAIL: 'stop' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Could not stop the systemd user unit openclaw-gateway.service: Failed to connect to bus/);
    expect(readFileSync(path.join(dir, 'devices/paired.json'), 'utf8')).toBe(original);
  });

  it('a gateway outside any service manager: compare-and-swap, and it says the gateway may rewrite the file', async () => {
    const dir = copyState(SAMPLE);
    const fakes = await fakeServices();
    await runGateway({ FAKE_GATEWAY_PORT: String(fakes.port) });
    const r = runCli(['rotate', '--state-dir', dir, ...V, '--yes'], { env: fakes.env });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/no service manager runs it, so it was not stopped: its next connect may rewrite the file/);
    expect(scopes(dir)).toContain('operator.write');
  });
});

describe('the lock', () => {
  it('a second openclaw-fix waits, then refuses git-style; a stale lock from a dead pid is recovered', async () => {
    const dir = copyState(SAMPLE);
    const { env } = await fakeServices();
    const lock = path.join(dir, 'openclaw-fix.lock');
    writeFileSync(lock, JSON.stringify({ pid: process.pid, startedAt: 'earlier', command: 'rotate' }));
    const busy = runCli(['rotate', '--state-dir', dir, ...V, '--yes', '--no-restart'], { env });
    expect(busy.code).toBe(2);
    expect(busy.stderr).toMatch(/Another openclaw-fix seems to be running .*pid \d+.*remove the file manually to continue/);
    expect(scopes(dir)).not.toContain('operator.write');
    writeFileSync(lock, JSON.stringify({ pid: 2 ** 22 + 7, startedAt: 'earlier', command: 'rotate' }));
    const stale = runCli(['rotate', '--state-dir', dir, ...V, '--yes', '--no-restart'], { env });
    expect(stale.code).toBe(0);
    expect(stale.stdout).toMatch(/Recovered a stale lock/);
    expect(() => readFileSync(lock)).toThrow();
  });
});
