/**
 * `--probe` on a 2026.1.30 state whose refusal heals on the retry: the release's client leads with its cached device
 * token, is refused (token mismatch), drops it and is let in with the shared token. The probe makes that retry as the
 * client does, says "refused once, then let in" as doctor does, and exits 0 as doctor does. The stand-in release
 * (test/fakes/release, FAKE_RELEASE_CACHED_TOKEN_FIRST) models 1.30's client and gateway; the same against the real
 * 1.30 gateway: test/e2e/probe-heals-on-retry.e2e.test.ts.
 */
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseJson, ROOT, runCli, tempDir } from '../helpers.js';
import { fakeServices, runGateway } from '../fakes/index.js';
import { removeOracleStates, stateFor, type OracleDoc } from '../oracle-helpers.js';

afterAll(removeOracleStates);

const RELEASE = path.join(ROOT, 'test', 'fakes', 'release');
type Doc = Record<string, any>;

/** The sweep's layout on 1.30: the host paired with operator.read only, that token cached, the shared token set. */
async function healingState(port: number): Promise<string> {
  const doc = { format: 1, release: '2026.1.30', measuredAt: '', store: 'json', states: [{ name: 's' }], cells: [] } as unknown as OracleDoc;
  const before = { scopes: ['operator.read'], approvedScopes: null, tokenScopes: ['operator.read'] };
  const dir = await stateFor(doc, { state: 's', client: 'cli', allowed: true, auditReason: null, autoApprovedLogged: false, clientSaid: '', before, after: before, pendingAfter: [], log: [] });
  const config = JSON.parse(readFileSync(path.join(dir, 'openclaw.json'), 'utf8'));
  config.gateway.port = port;
  writeFileSync(path.join(dir, 'openclaw.json'), JSON.stringify(config));
  return dir;
}

async function probe(command: 'check' | 'doctor', extra: Record<string, string> = {}, args: string[] = ['--json']) {
  const fakes = await fakeServices();
  const dir = await healingState(fakes.port);
  await runGateway(fakes.env);
  const bin = path.join(tempDir('ocf-release-bin-'), 'bin');
  mkdirSync(bin);
  symlinkSync(path.join(RELEASE, 'openclaw.mjs'), path.join(bin, 'openclaw'));
  const env = { ...fakes.env, PATH: `${bin}:${fakes.env.PATH}`, FAKE_PAIRED_JSON: path.join(dir, 'devices', 'paired.json'), FAKE_RELEASE_CACHED_TOKEN_FIRST: '1', ...extra };
  const auth = readFileSync(path.join(dir, 'identity', 'device-auth.json'));
  const r = runCli([command, '--probe', '--state-dir', dir, '--openclaw-version', '2026.1.30', '--no-logs', ...args], { env });
  return { r, dir, auth, calls: fakes.calls() };
}

const row = (doc: Doc, client: string): Doc => (doc.probe.clients as Doc[]).find((c) => c.client === client)!;

describe('--probe where the first refusal heals on the retry (2026.1.30)', () => {
  it.each(['check', 'doctor'] as const)('%s --probe: refused once, then let in; verdict accepted; exit 0 as doctor', async (command) => {
    const { r, dir, auth, calls } = await probe(command);
    const doc = parseJson<Doc>(r.stdout);
    expect(doc.probe.ran, r.stderr).toBe(true);
    const cli = row(doc, 'cli');
    expect(cli.predicted).toMatchObject({ verdict: 'refused', reason: 'device-token-mismatch', healsOnRetry: true });
    expect(cli.real).toMatchObject({ outcome: 'accepted', firstRefusal: { closeCode: 1008 } });
    expect(cli.real.firstRefusal.reason).toMatch(/^unauthorized: gateway token mismatch/);
    expect(cli.agree).toBe(true);
    for (const client of ['internal-write', 'internal-read']) expect(row(doc, client)).toMatchObject({ real: { outcome: 'accepted' }, agree: true });
    expect(doc.probe.verdict).toEqual({ predicted: 'healthy', real: 'accepted' });
    expect((doc.findings as Doc[]).map((f) => `${f.severity} ${f.id}`)).toEqual(['warning device-token-mismatch']);
    expect(r.code).toBe(0);
    // The first connect and the client's own retry, nothing more; the state's token cache is not the probe's to touch.
    expect(calls.filter((c) => c.startsWith('probe cli/cli'))).toEqual([expect.stringMatching(/refused token-mismatch$/), expect.stringMatching(/accepted$/)]);
    expect(readFileSync(path.join(dir, 'identity', 'device-auth.json'))).toEqual(auth);
  });

  it('text: the gateway column says what the client met, in doctor\'s words', async () => {
    const { r } = await probe('doctor', {}, ['--no-color']);
    const said = r.stdout.slice(r.stdout.indexOf('What the gateway answered'));
    expect(said, r.stdout).toMatch(/cli\s+cli\s+refused once, then let in\s+refused once \(1008 unauthorized: gateway token mismatch[^\n]*\), then, without the cached device token, let in/);
    // The connects after it meet no cached token: the client dropped it (one file for every client).
    expect(said).toMatch(/gateway-client internal-write\s+refused once, then let in\s+accepted \(the cached device token was already dropped after the cli connect's refusal\)/);
    expect(said).toMatch(/real verdict: accepted/);
    expect(r.stdout).not.toContain('≠');
    expect(r.code).toBe(0);
  });

  it('a retry the gateway refuses too is a refusal, against a prediction of "let in": probe-disagrees, exit 1', async () => {
    const { r } = await probe('check', { FAKE_RELEASE_RETRY_REFUSED: '1' });
    const doc = parseJson<Doc>(r.stdout);
    const cli = row(doc, 'cli');
    expect(cli.real).toMatchObject({ outcome: 'refused', reason: 'pairing required', firstRefusal: { closeCode: 1008 } });
    expect(cli.agree).toBe(false);
    expect(doc.probe.verdict.real).toBe('refused');
    expect((doc.findings as Doc[]).some((f) => f.id === 'probe-disagrees' && f.severity === 'error')).toBe(true);
    expect(r.code).toBe(1);
  });
});
