/**
 * The crash, failing-disk and race tests inject faults through test/support/hooked-cli.mjs. The shipped CLI
 * must not: a user (or a CI job) with OPENCLAW_FIX_TEST_* in the environment gets an ordinary rotate, not a
 * process that kills itself, fails its writes, or rewrites the state file behind its own compare-and-swap.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyState, HOOKED_BIN, ROOT, SAMPLE } from '../helpers.js';
import { fakeServices, runCliAsync, runGateway } from '../fakes/index.js';

const HOOK_VARS = {
  OPENCLAW_FIX_TEST_CRASH_AT: 'renamed',
  OPENCLAW_FIX_TEST_FAIL_WRITE: 'ENOSPC:1',
  OPENCLAW_FIX_TEST_RACE: '1',
  OPENCLAW_FIX_TEST_SETTLE_MS: '1',
};

/** Every file the package ships that runs: the launcher and the bundle. */
function shippedCode(): string[] {
  const bundle = path.join(ROOT, 'dist', 'bundle');
  return [path.join(ROOT, 'bin', 'openclaw-fix.js'), ...readdirSync(bundle).filter((n) => n.endsWith('.js')).map((n) => path.join(bundle, n))];
}

describe('the shipped CLI ignores the test hooks', () => {
  it('no shipped file names a test hook variable', () => {
    const naming = shippedCode().filter((f) => readFileSync(f, 'utf8').includes('OPENCLAW_FIX_TEST'));
    expect(naming).toEqual([]);
  });

  it('rotate beside a running gateway with every hook variable set: no crash, no injected failure, no foreign write, exit 0', async () => {
    const dir = copyState(SAMPLE);
    const paired = path.join(dir, 'devices/paired.json');
    const fakes = await fakeServices();
    const gateway = await runGateway({ FAKE_GATEWAY_PORT: String(fakes.port) });
    const r = await runCliAsync(['rotate', '--state-dir', dir, '--openclaw-version', '2026.2.19', '--yes', '--json'], { env: { ...fakes.env, ...HOOK_VARS } });
    gateway.kill('SIGTERM');
    expect(r.signal, 'not killed by the crash hook').toBeNull();
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout).result as { status: string; replacedGatewayWrites: unknown[] };
    expect(result.status).toBe('applied');
    expect(result.replacedGatewayWrites, 'the race writer did not touch the state').toEqual([]);
    // What rotate wrote is what stays: no extra newline from a "gateway" write renamed in behind it.
    expect(readFileSync(paired, 'utf8').endsWith('}')).toBe(true);
    const host = Object.values(JSON.parse(readFileSync(paired, 'utf8')))[0] as { scopes: string[] };
    expect(host.scopes).toEqual(expect.arrayContaining(['operator.write', 'operator.read']));
  });

  it('the same variables through the test entry do inject (so the test above can fail)', async () => {
    const dir = copyState(SAMPLE);
    const fakes = await fakeServices();
    const r = await runCliAsync(['rotate', '--state-dir', dir, '--openclaw-version', '2026.2.19', '--yes', '--no-restart'], { env: { ...fakes.env, OPENCLAW_FIX_TEST_CRASH_AT: 'renamed' }, bin: HOOKED_BIN });
    expect(r.signal).toBe('SIGKILL');
  });
});
