/**
 * The crash, failing-disk and race tests inject faults, and every test stands in for this machine's /tmp file
 * logs and system unit directory, through test/support/hooked-cli.mjs. The shipped CLI must not: a user (or a CI
 * job) with OPENCLAW_FIX_TEST_* in the environment gets an ordinary rotate, not a process that kills itself,
 * fails its writes, or rewrites the state file behind its own compare-and-swap, and reads the gateway's real logs.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, copyState, HOOKED_BIN, ROOT, runCli, SAMPLE, tempDir } from '../helpers.js';
import { TEST_HOOK_VARS } from '../support/test-hooks.mjs';
import { fakeServices, runCliAsync, runGateway } from '../fakes/index.js';

/**
 * The only OPENCLAW_FIX_* variables shipped code may read, none of them a test hook: the probe passes its request
 * to the release client it starts, and the launcher marks its own re-run on the project's pinned Node.
 */
const SHIPPED_VARS = ['OPENCLAW_FIX_PINNED_NODE', 'OPENCLAW_FIX_PROBE'];
/** The test variables, plus the names the file-log root, unit dir and SQLite wait had when shipped code read them. */
const HOOK_VARS = { ...TEST_HOOK_VARS, OPENCLAW_FIX_LOG_ROOT: '/nonexistent', OPENCLAW_FIX_SYSTEM_UNIT_DIR: '/nonexistent', OPENCLAW_FIX_SQLITE_BUSY_MS: '1' };

/** Every file the package ships that runs: the launcher and the bundle. */
function shippedCode(): string[] {
  const bundle = path.join(ROOT, 'dist', 'bundle');
  return [path.join(ROOT, 'bin', 'openclaw-fix.js'), ...readdirSync(bundle).filter((n) => n.endsWith('.js')).map((n) => path.join(bundle, n))];
}

describe('the shipped CLI ignores the test hooks', () => {
  it('shipped code reads no OPENCLAW_FIX_* variable but the two it needs', () => {
    const named = new Set(shippedCode().flatMap((f) => readFileSync(f, 'utf8').match(/OPENCLAW_FIX_[A-Z0-9_]+/g) ?? []));
    expect([...named].sort()).toEqual(SHIPPED_VARS);
  });

  it("logs with the file-log stand-in variables set reads the machine's log places, not the test's", () => {
    const home = tempDir('ocf-home-');
    const root = tempDir();
    mkdirSync(path.join(root, 'openclaw'), { mode: 0o700 });
    const planted = path.join(root, 'openclaw', `openclaw-${new Date().toISOString().slice(0, 10)}.log`);
    writeFileSync(planted, `${JSON.stringify({ time: new Date().toISOString(), 0: 'pairing required' })}\n`);
    const env = { OPENCLAW_FIX_TEST_LOG_ROOT: root, OPENCLAW_FIX_LOG_ROOT: root, PATH: '/nonexistent' };
    const shipped = runCli(['logs', '--json'], { home, env, bin: BIN });
    expect(shipped.stdout + shipped.stderr).not.toContain(planted);
    // The test entry does use it (so the assertion above can fail).
    const hooked = runCli(['logs', '--json'], { home, env, bin: HOOKED_BIN });
    expect(JSON.parse(hooked.stdout).sources).toEqual([planted]);
  });

  it('rotate beside a running gateway with every hook variable set: no crash, no injected failure, no foreign write, exit 0', async () => {
    const dir = copyState(SAMPLE);
    const paired = path.join(dir, 'devices/paired.json');
    const fakes = await fakeServices();
    const gateway = await runGateway({ FAKE_GATEWAY_PORT: String(fakes.port) });
    const r = await runCliAsync(['rotate', '--state-dir', dir, '--openclaw-version', '2026.2.19', '--yes', '--json'], { env: { ...fakes.env, ...HOOK_VARS }, bin: BIN });
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
