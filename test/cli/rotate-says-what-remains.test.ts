/**
 * rotate's words match doctor's (found by review): with nothing to grant on a release nobody measured it does not
 * print a check mark (the prediction is not a fact: exit 1, release-unverified named); on 1.x it says the next
 * connects are refused once; a plan that leaves an error (a stale cached token) names it and does not call the
 * client's cached copy valid.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyFixture, parseJson } from '../helpers.js';
import { runMain } from '../in-process.js';

const FIXTURE = 'm08-2.15-cached-token-stale';

async function rotate(dir: string, version: string, ...extra: string[]) {
  return runMain(['rotate', '--dry-run', '--state-dir', dir, '--openclaw-version', version, '--no-color', ...extra]);
}

describe('rotate says what remains', () => {
  it('nothing to grant on an unmeasured release: no check mark, release-unverified named, exit 1 (text and --json)', async () => {
    const { dir } = copyFixture(FIXTURE);
    const r = await rotate(dir, '2026.2.15');
    expect(r.code).toBe(1);
    expect(r.stdout).not.toContain('✓');
    expect(r.stdout).toContain('! Nothing for rotate to grant');
    expect(r.stdout).toContain('[release-unverified]');
    const json = parseJson<{ exitCode: number; result: { remaining: Array<{ id: string }> } }>((await rotate(dir, '2026.2.15', '--json')).stdout);
    expect(json.exitCode).toBe(1);
    expect(json.result.remaining.map((f) => f.id)).toContain('release-unverified');
  });

  it('nothing to grant on 1.30 with a shared token: the check mark says the next connects are refused once', async () => {
    const { dir } = copyFixture(FIXTURE);
    const r = await rotate(dir, '2026.1.30');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('✓ Nothing to do: no client of this host is refused for a missing scope');
    expect(r.stdout).toContain('refused once for its cached device token and let in on the retry');
  });

  it('a plan beside a stale cached token names the error it leaves and does not call the cached copy valid', async () => {
    const { dir } = copyFixture(FIXTURE);
    const config = path.join(dir, 'openclaw.json');
    const value = JSON.parse(readFileSync(config, 'utf8'));
    delete value.gateway.auth;
    writeFileSync(config, JSON.stringify(value));
    const r = await rotate(dir, '2026.2.19');
    expect(r.stdout).toContain('[device-token-mismatch; not fixed by this plan]');
    expect(r.stdout).not.toContain("the client's stored copy stays valid");
    expect(r.stdout).toContain("the client's cached copy is already stale");
  });
});
