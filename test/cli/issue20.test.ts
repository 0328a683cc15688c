/**
 * Issue 20, as a user sees it: the verdict is the real gateway's. Measured releases are judged from the table the
 * oracle test checks cell by cell (test/unit/oracle.test.ts); these tests cover what the user reads around it:
 * unmeasured releases are "unverified", logs that contradict the prediction win, rotate's "nothing to do" says
 * only true things, restore says where a backup came from, doctor's JSON log groups carry isHost/failure.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MEASURED_RELEASES } from '../../src/core/knowledge.js';
import { oracleDocs, removeOracleStates, stateFor, type OracleCell, type OracleDoc } from '../oracle-helpers.js';
import { parseJson, runCli, tempDir } from '../helpers.js';

afterAll(removeOracleStates);

interface Finding {
  id: string;
  severity: string;
  title: string;
  explanation: string;
  deviceId: string | null;
  fix: { command?: string } | null;
}
interface Doc {
  exitCode: number;
  findings: Finding[];
  clients: Array<{ client: string; verdict: string; reason: string }>;
  logs: { groups: Array<{ kind: string; isHost: boolean; failure: boolean; deviceId?: string }> } | null;
}

const W = 'operator.write';
const R = 'operator.read';

/** A JSON-store state like the sweep's, for any release string (the layout does not depend on it). */
async function state(release: string, before: OracleCell['before'], pending?: { clientId: string; clientMode: string; scopes: string[] }): Promise<string> {
  const doc = { format: 1, release, measuredAt: '', store: 'json', states: [{ name: 's', ...(pending ? { pending } : {}) }], cells: [] } as unknown as OracleDoc;
  return stateFor(doc, { state: 's', client: 'cli-read', allowed: true, auditReason: null, autoApprovedLogged: false, clientSaid: '', before, after: before, pendingAfter: [], log: [] });
}
const lists = (scopes: string[], approvedScopes: string[] | null = scopes) => ({ scopes, approvedScopes, tokenScopes: scopes });
function hostOf(dir: string): string {
  return (JSON.parse(readFileSync(path.join(dir, 'identity', 'device.json'), 'utf8')) as { deviceId: string }).deviceId;
}
function doctor(dir: string, version: string, extra: string[] = ['--no-logs']): Doc {
  return parseJson<Doc>(runCli(['doctor', '--state-dir', dir, '--openclaw-version', version, '--json', ...extra]).stdout);
}

describe('releases nobody measured are unverified, never healthy', () => {
  it('a healthy-looking state on an unmeasured release: exit 1, "Unverified for this release", the measured neighbours named', async () => {
    expect(MEASURED_RELEASES['2026.6.12']).toBeUndefined();
    const dir = await state('2026.6.12', lists(['operator.admin', R, W, 'operator.approvals', 'operator.pairing']));
    const json = doctor(dir, '2026.6.12');
    expect(json.exitCode).toBe(1);
    expect(json.findings.filter((f) => f.severity !== 'info').map((f) => f.id)).toEqual(['release-unverified']);
    const text = runCli(['doctor', '--state-dir', dir, '--openclaw-version', '2026.6.12', '--no-logs']);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('Unverified for this release');
    expect(text.stdout).not.toContain('Healthy');
  });

  it('the same state on a measured release is healthy (exit 0)', async () => {
    const measured = oracleDocs()[0]!.release;
    const dir = await state(measured, lists(['operator.admin', R, W, 'operator.approvals', 'operator.pairing']));
    const json = doctor(dir, measured);
    expect(json.findings.filter((f) => f.severity !== 'info')).toEqual([]);
    expect(json.exitCode).toBe(0);
  });
});

describe('logs beat the prediction', () => {
  it("refused CLI connects of this host in the log, on a release where the CLI is predicted to skip pairing: an error, exit 1, and doctor's JSON log groups carry isHost/failure", async () => {
    // 7.35's CLI omits the device with the shared token (docs/e2e-notes.md): predicted allowed (skips-pairing).
    const dir = await state('2026.7.35', lists([]));
    const host = hostOf(dir);
    const log = path.join(tempDir('ocf-i20-log-'), 'openclaw.log');
    const now = Date.now();
    const lines = [0, 1, 2, 3, 4, 5].map((i) => {
      const iso = new Date(now + 60_000 + i * 1000).toISOString();
      const name = JSON.stringify({ subsystem: 'gateway' });
      const message = `security audit: device access upgrade requested reason=scope-upgrade device=${host} ip=unknown-ip auth=token roleFrom=operator roleTo=operator scopesFrom=<none> scopesTo=operator.read client=cli conn=c${i}`;
      return JSON.stringify({ 0: name, 1: message, _meta: { runtime: 'node', name, date: iso, logLevelId: 4, logLevelName: 'WARN' }, time: iso });
    });
    writeFileSync(log, `${lines.join('\n')}\n`);
    const before = doctor(dir, '2026.7.35');
    expect(before.clients.find((c) => c.client === 'cli-read')).toMatchObject({ verdict: 'allowed', reason: 'skips-pairing' });
    const json = doctor(dir, '2026.7.35', ['--log', log]);
    const finding = json.findings.find((f) => f.id === 'log-contradicts-prediction');
    expect(finding, JSON.stringify(json.findings.map((f) => f.id))).toMatchObject({ severity: 'error', deviceId: host });
    expect(finding!.title).toContain('6 times');
    expect(finding!.title).toContain('trusting the log');
    expect(json.exitCode).toBe(1);
    const group = json.logs!.groups.find((g) => g.kind === 'access-upgrade');
    expect(group).toMatchObject({ isHost: true, failure: true });
  });
});

describe('the fix line for refused internal calls clears them', () => {
  it('before 2.19 internal calls ask the CLI bundle: a host without admin gets `rotate --scope operator.admin`, and running it clears the finding', async () => {
    // Without a shared token: with one, 2.16's client falls back to it after the refusal and is let in on the retry
    // (the 1.30 row, measured), so there is no loop to fix.
    const dir = await state('2026.2.16', lists([R, W], null));
    writeFileSync(path.join(dir, 'openclaw.json'), JSON.stringify({ gateway: { mode: 'local', port: 9, bind: 'loopback' } }));
    const before = doctor(dir, '2026.2.16');
    const finding = before.findings.find((f) => f.id === 'service-device-missing-write');
    expect(finding).toMatchObject({ severity: 'error' });
    expect(finding!.fix!.command).toContain('--scope operator.admin');
    const argv = finding!.fix!.command!.split(/\s+/).slice(1);
    expect(runCli([...argv, '--yes', '--no-restart']).code).toBe(0);
    expect(doctor(dir, '2026.2.16').findings.filter((f) => f.id === 'service-device-missing-write' && f.severity !== 'info')).toEqual([]);
  });
});

describe("rotate's nothing-to-do says only true things", () => {
  it('a host holding nothing: no "((none))", and an open repair request is named, not called satisfied', async () => {
    // 7.35: every local client skips pairing, so an empty host is refused nothing; the request on file asks write.
    const dir = await state('2026.7.35', lists([]), { clientId: 'gateway-client', clientMode: 'backend', scopes: [W] });
    const r = runCli(['rotate', '--state-dir', dir, '--openclaw-version', '2026.7.35', '--yes', '--no-restart']);
    expect(r.stdout).toContain('Nothing to do');
    expect(r.stdout).not.toContain('((none))');
    expect(r.stdout).toContain('holding no scope');
    expect(r.stdout).not.toContain('already satisfied');
    expect(r.stdout).toMatch(/repair request on file asks for operator\.write/);
  });

  it('a request the device does cover is still called satisfied', async () => {
    const dir = await state('2026.7.35', lists([R, W]), { clientId: 'gateway-client', clientMode: 'backend', scopes: [W] });
    const r = runCli(['rotate', '--state-dir', dir, '--openclaw-version', '2026.7.35', '--yes', '--no-restart']);
    expect(r.stdout).toContain('already satisfied');
  });
});

describe('restore says where a backup came from', () => {
  it('shows which run made it and when; a bare restore refuses a backup that is not the latest change', async () => {
    const release = oracleDocs().find((d) => d.release === '2026.5.28')?.release ?? '2026.5.28';
    const dir = await state(release, lists([]));
    const V = ['--state-dir', dir, '--openclaw-version', release];
    expect(runCli(['rotate', ...V, '--yes', '--no-restart']).code).toBe(1); // read+write granted, admin commands still refused
    const root = path.join(dir, 'backups', 'openclaw-fix');
    const first = readdirSync(root).sort()[0]!;
    const shown = runCli(['restore', ...V, '--dry-run']);
    expect(shown.stdout).toMatch(/made by +openclaw-fix \S+ rotate, \d{4}-\d\d-\d\dT/);
    expect(shown.stdout).toContain('undoes');
    // The latest run left a backup it never applied (rolled back): a bare restore would bring back the OLDER change.
    expect(runCli(['rotate', ...V, '--scope', 'operator.admin', '--yes', '--no-restart']).code).toBe(0);
    const second = readdirSync(root).sort().find((n) => n !== first)!;
    const manifest = path.join(root, second, 'manifest.json');
    writeFileSync(manifest, JSON.stringify({ ...JSON.parse(readFileSync(manifest, 'utf8')), status: 'rolled-back' }, null, 2));
    const bare = runCli(['restore', ...V, '--yes', '--no-restart']);
    expect(bare.code).toBe(1);
    expect(bare.stderr + bare.stdout).toContain(`Backup ${first} was not made by the latest change`);
    expect(bare.stderr + bare.stdout).toContain(`openclaw-fix restore ${first}`);
    // Pasted, it names this state (the run's location flags), not the default one.
    expect(bare.stderr + bare.stdout).toContain(`openclaw-fix restore ${first} ${V.join(' ')}.`);
    const named = runCli(['restore', first, ...V, '--yes', '--no-restart', '--json']);
    expect(parseJson<{ backup: { provenance: { madeBy: string; createdAt: string } } }>(named.stdout).backup.provenance).toMatchObject({ madeBy: expect.stringContaining('rotate') });
  });
});
