/**
 * rotate verified by the probe (issue 22), with a stand-in release whose client chunk models 2.19's gateway over
 * the real state (test/fakes/release): the order of stop / start / probe / rollback under a service manager, and
 * the rollback with a gateway run by hand, whose answers to the probe's own connects rewrite paired.json.
 * The same on real gateways: test/e2e/probe.e2e.test.ts.
 */
import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyState, parseJson, ROOT, runCli, SAMPLE, tempDir } from '../helpers.js';
import { fakeServices, runGateway } from '../fakes/index.js';

const UNIT = 'openclaw-gateway.service';
const RELEASE = path.join(ROOT, 'test', 'fakes', 'release');

/** `openclaw` on PATH is the stand-in release, so the probe finds its package and client chunk as a user's would. */
function releaseOnPath(env: Record<string, string>): Record<string, string> {
  const bin = path.join(tempDir('ocf-release-bin-'), 'bin');
  mkdirSync(bin);
  symlinkSync(path.join(RELEASE, 'openclaw.mjs'), path.join(bin, 'openclaw'));
  return { ...env, PATH: `${bin}:${env.PATH}` };
}

type Doc = Record<string, any>;
const paired = (dir: string) => readFileSync(path.join(dir, 'devices/paired.json'), 'utf8');
const pending = (dir: string) => readFileSync(path.join(dir, 'devices/pending.json'), 'utf8');
const hostScopes = (dir: string): string[] => (Object.values(JSON.parse(paired(dir)))[0] as { scopes: string[] }).scopes;

describe('rotate + probe under a service manager (stand-in systemctl)', () => {
  it('stops, writes, starts, then asks the gateway: done when every connect is accepted', async () => {
    const dir = copyState(SAMPLE);
    const fakes = await fakeServices({ units: [`user:${UNIT}`], paired: path.join(dir, 'devices/paired.json') });
    fakes.startUnit();
    const r = runCli(['rotate', '--state-dir', dir, '--openclaw-version', '2026.2.19', '--yes', '--timeout', '10', '--json'], { env: releaseOnPath(fakes.env) });
    const doc = parseJson<Doc>(r.stdout);
    expect(doc.result.status, r.stderr).toBe('applied');
    expect(doc.result.probe.verdict.real).toBe('accepted');
    expect(doc.result.probeSkipped).toBeNull();
    expect(r.code).toBe(0);
    const calls = fakes.calls();
    const stop = calls.indexOf(`systemctl --user stop ${UNIT}`);
    const start = calls.indexOf(`systemctl --user start ${UNIT}`);
    const probes = calls.map((c, i) => (c.startsWith('probe ') ? i : -1)).filter((i) => i >= 0);
    expect(stop).toBeGreaterThanOrEqual(0);
    expect(start).toBeGreaterThan(stop);
    // The real connects are made after the gateway is back, and they are what "done" rests on.
    expect(probes.length).toBeGreaterThanOrEqual(3);
    expect(probes[0]).toBeGreaterThan(start);
    expect(calls.filter((c) => c.startsWith('probe ')).every((c) => c.endsWith(' accepted'))).toBe(true);
    expect(calls.slice(start + 1).filter((c) => c.startsWith('systemctl') && / (stop|start) /.test(c))).toEqual([]);
    expect(hostScopes(dir)).toEqual(expect.arrayContaining(['operator.write', 'operator.read']));
  });

  it('a connect still refused after the change: stop, roll back, start again; the seed is back', async () => {
    const dir = copyState(SAMPLE);
    const seed = paired(dir);
    const fakes = await fakeServices({ units: [`user:${UNIT}`], paired: path.join(dir, 'devices/paired.json') });
    fakes.startUnit();
    const env = { ...releaseOnPath(fakes.env), FAKE_RELEASE_REFUSE: 'operator.read' };
    const r = runCli(['rotate', '--state-dir', dir, '--openclaw-version', '2026.2.19', '--yes', '--timeout', '10', '--json'], { env });
    const doc = parseJson<Doc>(r.stdout);
    expect(doc.result.status, r.stderr).toBe('rolled-back');
    expect(doc.result.problems.join('\n')).toMatch(/the gateway still refuses gateway-client \(internal-read\): refused \(1008 pairing required/);
    expect(r.code).toBe(1);
    const calls = fakes.calls().filter((c) => / (stop|start) /.test(c) || c.startsWith('probe '));
    const refused = calls.findIndex((c) => c.startsWith('probe ') && c.endsWith(' refused'));
    // stop, start, the probe's connects (one refused), then stop for the rollback and start again.
    expect(calls.slice(0, 2)).toEqual([`systemctl --user stop ${UNIT}`, `systemctl --user start ${UNIT}`]);
    expect(refused).toBeGreaterThan(1);
    expect(calls.slice(-2)).toEqual([`systemctl --user stop ${UNIT}`, `systemctl --user start ${UNIT}`]);
    expect(calls.slice(2, -2).every((c) => c.startsWith('probe '))).toBe(true);
    expect(paired(dir)).toBe(seed);
  });
});

describe('rotate + probe with a gateway run by hand (no service manager)', () => {
  const run = async (extra: Record<string, string>) => {
    const dir = copyState(SAMPLE);
    const fakes = await fakeServices({ paired: path.join(dir, 'devices/paired.json') });
    await runGateway(fakes.env);
    const before = { paired: paired(dir), pending: pending(dir) };
    const env = { ...releaseOnPath(fakes.env), ...extra };
    const r = runCli(['rotate', '--state-dir', dir, '--openclaw-version', '2026.2.19', '--yes', '--json'], { env });
    return { dir, before, r, doc: parseJson<Doc>(r.stdout), fakes };
  };

  it('the refusal is rolled back cleanly: what the probe\'s own connects made the gateway write is undone too', async () => {
    const { dir, before, r, doc, fakes } = await run({ FAKE_RELEASE_REFUSE: 'operator.read' });
    expect(doc.result?.status, r.stdout + r.stderr).toBe('rolled-back');
    expect(doc.result.problems.join('\n')).toMatch(/still refuses gateway-client \(internal-read\)/);
    expect(r.code).toBe(1);
    // The gateway did rewrite paired.json on the probe's accepted connects (last use): those writes were put back.
    expect(fakes.calls().filter((c) => c.endsWith(' accepted')).length).toBeGreaterThan(0);
    expect(r.stderr).toMatch(/probe: put back devices\/paired\.json as before its connects/);
    expect(paired(dir)).toBe(before.paired);
    expect(pending(dir)).toBe(before.pending);
    expect(fakes.calls().filter((c) => c.startsWith('systemctl'))).not.toContainEqual(expect.stringMatching(/ (stop|start) /));
  });

  it('a write nobody here made (another device changed while the probe connected) still refuses: conflict, exit 1', async () => {
    const { dir, r, doc } = await run({ FAKE_RELEASE_REFUSE: 'operator.read', FAKE_RELEASE_FOREIGN_WRITE: '1' });
    expect(doc.error?.code, r.stdout + r.stderr).toBe('conflict');
    expect(doc.error.message).toMatch(/^Verification failed \(.*still refuses gateway-client \(internal-read\)/);
    expect(doc.error.message).toMatch(/not rolled back over the gateway's write/);
    expect(r.stderr).toMatch(/probe: not put back, not only the probe's connects changed it: devices\/paired\.json: the \w+ connect came with a change to another device's record/);
    expect(r.code).toBe(1);
    // Left as the gateway wrote it: the other device's record is there, and so is rotate's change.
    const now = JSON.parse(paired(dir)) as Record<string, { scopes: string[] }>;
    expect(now['f'.repeat(64)]).toBeDefined();
    expect(hostScopes(dir)).toContain('operator.write');
  });

  it('accepted: applied, and the gateway\'s own writes on the probe\'s connects are left (they are not undone on success)', async () => {
    const { dir, r, doc } = await run({});
    expect(doc.result?.status, r.stdout + r.stderr).toBe('applied');
    expect(doc.result.probe.verdict.real).toBe('accepted');
    expect(r.code).toBe(0);
    const host = Object.values(JSON.parse(paired(dir)))[0] as { tokens: { operator: { lastUsedAtMs?: number } } };
    expect(host.tokens.operator.lastUsedAtMs).toBeGreaterThan(0);
  });
});
