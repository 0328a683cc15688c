/** A gateway rewriting paired.json (read-modify-write, tmp + rename, as OpenClaw does) while rotate applies: no lost update is accepted silently. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyState, HOOKED_BIN, SAMPLE } from '../helpers.js';
import { fakeServices, runCliAsync, runGateway } from '../fakes/index.js';

describe('rotate against a concurrent writer', () => {
  // [read-to-write gap, idle between rewrites]: a gateway rewriting constantly, and one that connects now and then.
  it.each([
    [40, 5],
    [40, 5],
    [5, 400],
    [5, 400],
  ])('gap %i ms, idle %i ms: exit 0 only when the change is in the file; exit 1 naming a write it replaced; otherwise exit 2 naming the race', async (gap, idle) => {
    const dir = copyState(SAMPLE);
    const paired = path.join(dir, 'devices/paired.json');
    const fakes = await fakeServices();
    const gateway = await runGateway({ FAKE_GATEWAY_PORT: String(fakes.port), FAKE_PAIRED_JSON: paired, FAKE_GATEWAY_WRITER: '1', FAKE_GATEWAY_WRITER_GAP_MS: String(gap), FAKE_GATEWAY_WRITER_IDLE_MS: String(idle) });
    // rotate starts after the writer's first update, however late the scheduler lets it come: that update must survive.
    while (!readFileSync(paired, 'utf8').includes('lastUsedAtMs')) await new Promise((resolve) => setTimeout(resolve, 20));
    const r = await runCliAsync(['rotate', '--state-dir', dir, '--openclaw-version', '2026.2.19', '--yes', '--json'], { env: fakes.env });
    gateway.kill('SIGTERM');
    await new Promise((resolve) => gateway.once('exit', resolve));
    const host = Object.values(JSON.parse(readFileSync(paired, 'utf8')))[0] as { scopes: string[]; tokens: { operator: { scopes: string[]; lastUsedAtMs?: number } } };
    if (r.code === 0) {
      expect(host.scopes).toEqual(expect.arrayContaining(['operator.write', 'operator.read']));
      expect(host.tokens.operator.scopes).toEqual(expect.arrayContaining(['operator.write', 'operator.read']));
      // The writer's own updates went on around ours: both survive.
      expect(host.tokens.operator.lastUsedAtMs).toBeGreaterThan(0);
    } else if (r.code === 1) {
      // A write renamed onto the file between rotate's compare and its rename, the one interleaving compare-and-swap
      // cannot prevent: the change is applied and the lost write is reported, never accepted silently.
      const result = JSON.parse(r.stdout).result as { status: string; replacedGatewayWrites: unknown[] };
      expect(result.status, r.stdout).toBe('applied');
      expect(result.replacedGatewayWrites.length, r.stdout).toBeGreaterThan(0);
      expect(host.scopes).toEqual(expect.arrayContaining(['operator.write', 'operator.read']));
    } else {
      expect(r.code, r.stdout + r.stderr).toBe(2);
      expect(JSON.parse(r.stdout).error.message).toMatch(/kept changing|keeps changing/);
    }
  });
});

describe('a gateway write replaced in the instant between compare and rename', () => {
  // OPENCLAW_FIX_TEST_RACE=1 renames a "gateway" write onto each file right between rotate's compare and its
  // rename: the one interleaving compare-and-swap cannot prevent. It must be reported, never accepted silently.
  it('is reported: exit 1, a note naming the lost write, result.replacedGatewayWrites in --json', async () => {
    const dir = copyState(SAMPLE);
    const fakes = await fakeServices();
    const gateway = await runGateway({ FAKE_GATEWAY_PORT: String(fakes.port) });
    const r = await runCliAsync(['rotate', '--state-dir', dir, '--openclaw-version', '2026.2.19', '--yes', '--json'], { env: { ...fakes.env, OPENCLAW_FIX_TEST_RACE: '1' }, bin: HOOKED_BIN });
    gateway.kill('SIGTERM');
    expect(r.code, r.stderr).toBe(1);
    const result = JSON.parse(r.stdout).result as { status: string; replacedGatewayWrites: { file: string; writes: number }[]; notes: string[] };
    expect(result.status).toBe('applied');
    expect(result.replacedGatewayWrites).toContainEqual({ file: 'devices/paired.json', writes: 1 });
    expect(result.notes.join('\n')).toMatch(/wrote devices\/paired\.json, .* in the same instant openclaw-fix replaced them \(\d writes\), and those writes are lost/);
    // The fix itself is in place.
    const host = Object.values(JSON.parse(readFileSync(path.join(dir, 'devices/paired.json'), 'utf8')))[0] as { scopes: string[] };
    expect(host.scopes).toEqual(expect.arrayContaining(['operator.write', 'operator.read']));
  });

  it('the same run with nobody writing at that instant: nothing reported, exit 0', async () => {
    const dir = copyState(SAMPLE);
    const fakes = await fakeServices();
    const gateway = await runGateway({ FAKE_GATEWAY_PORT: String(fakes.port) });
    const r = await runCliAsync(['rotate', '--state-dir', dir, '--openclaw-version', '2026.2.19', '--yes'], { env: fakes.env });
    gateway.kill('SIGTERM');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).not.toMatch(/same instant/);
  });
});
