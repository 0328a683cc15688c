/**
 * 2026.1.x as the user sees it (measured on 2026.1.30): the client leads with the device token it cached, so a cached
 * token approved for less than the clients ask is refused ("unauthorized: gateway token mismatch"). With a shared
 * token the client then drops it and its next connect is let in: a warning that one attempt fails, not the seed
 * loop, and nothing to rotate. Without a shared token nothing falls back: the same state is the loop (error).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { editJson, hostState, removeOracleStates } from '../oracle-helpers.js';
import { runMain } from '../in-process.js';
import { parseJson } from '../helpers.js';

afterAll(removeOracleStates);

interface Doc {
  exitCode: number;
  findings: Array<{ id: string; severity: string; title: string }>;
  clients: Array<{ client: string; verdict: string; reason: string; healsOnRetry: boolean }>;
}

/** The 1.30 host paired with `scopes` (its token the same, cached in identity/device-auth.json). */
const state = (scopes: string[]) => hostState('2026.1.30', scopes);

function setAuth(dir: string, auth: Record<string, string>): void {
  editJson(path.join(dir, 'openclaw.json'), (config) => {
    config.gateway.auth = auth;
  });
}

async function doctor(dir: string): Promise<Doc> {
  const r = await runMain(['doctor', '--state-dir', dir, '--openclaw-version', '2026.1.30', '--no-logs', '--json']);
  return { ...parseJson<Doc>(r.stdout), exitCode: r.code };
}

describe('2026.1.30: a cached device token short of the bundle', () => {
  it('with the shared token: each client is refused once and let in on its retry; a warning, not the loop', async () => {
    const doc = await doctor(await state(['operator.read']));
    expect(doc.clients.every((c) => c.verdict === 'refused' && c.reason === 'device-token-mismatch' && c.healsOnRetry)).toBe(true);
    expect(doc.findings.map((f) => `${f.severity} ${f.id}`)).toEqual(['warning device-token-mismatch']);
    expect(doc.exitCode).toBe(0);
    const text = await runMain(['doctor', '--state-dir', await state(['operator.read']), '--openclaw-version', '2026.1.30', '--no-logs', '--no-color']);
    expect(text.stdout).toContain('refused once, then let in');
    expect(text.stdout).not.toMatch(/loop on "pairing required"/);
  });

  it('without a shared token the client cannot fall back: the internal calls and the CLI loop (errors, exit 1)', async () => {
    const dir = await state(['operator.read']);
    setAuth(dir, {});
    const doc = await doctor(dir);
    expect(doc.clients.every((c) => c.verdict === 'refused' && !c.healsOnRetry)).toBe(true);
    expect(doc.findings.filter((f) => f.severity === 'error').map((f) => f.id)).toEqual(expect.arrayContaining(['service-device-missing-write', 'service-device-missing-read']));
    expect(doc.exitCode).toBe(1);
  });

  it('with the shared token but a gateway bound beyond loopback: the retry is an upgrade nobody approves, so it loops', async () => {
    const dir = await state(['operator.read']);
    editJson(path.join(dir, 'openclaw.json'), (config) => {
      config.gateway.bind = 'lan';
    });
    const doc = await doctor(dir);
    expect(doc.clients.every((c) => c.verdict === 'refused' && !c.healsOnRetry)).toBe(true);
    expect(doc.exitCode).toBe(1);
  });

  it('with a password the shared check passes whatever token is presented: no token refusal', async () => {
    const dir = await state(['operator.read']);
    setAuth(dir, { mode: 'password', password: 'oracle-password-0123456789' });
    const doc = await doctor(dir);
    expect(doc.clients.some((c) => c.reason === 'device-token-mismatch')).toBe(false);
  });

  it('rotate grants nothing where the refusal heals on the retry (the gateway approves the retry itself)', async () => {
    const dir = await state(['operator.read']);
    const before = readFileSync(path.join(dir, 'devices', 'paired.json'));
    const r = await runMain(['rotate', '--state-dir', dir, '--openclaw-version', '2026.1.30', '--yes', '--no-restart', '--no-color']);
    expect(r.stdout).toContain('Nothing to do');
    expect(readFileSync(path.join(dir, 'devices', 'paired.json'))).toEqual(before);
  });

  it('without a shared token, a cached token the record no longer holds: M08 names it (error), not a scope loop rotate cannot fix', async () => {
    const dir = await state(['operator.admin', 'operator.approvals', 'operator.pairing']);
    setAuth(dir, {});
    editJson(path.join(dir, 'devices', 'paired.json'), (store) => {
      for (const rec of Object.values(store) as Array<{ tokens?: unknown }>) delete rec.tokens;
    });
    const doc = await doctor(dir);
    expect(doc.clients.every((c) => c.verdict === 'refused' && c.reason === 'device-token-mismatch')).toBe(true);
    expect(doc.findings.filter((f) => f.severity === 'error').map((f) => f.id)).toEqual(['device-token-mismatch']);
    expect(doc.findings.map((f) => f.id)).not.toContain('service-device-missing-write');
    expect(doc.exitCode).toBe(1);
  });

  it('a password and a token with no auth mode: the gateway takes the password, so no token refusal either', async () => {
    const dir = await state(['operator.read']);
    setAuth(dir, { password: 'oracle-password-0123456789', token: 'oracle-shared-token-0123456789' });
    const doc = await doctor(dir);
    expect(doc.clients.some((c) => c.reason === 'device-token-mismatch')).toBe(false);
  });

  it('a cached token that covers the bundle is let in', async () => {
    const doc = await doctor(await state(['operator.admin', 'operator.approvals', 'operator.pairing']));
    expect(doc.clients.every((c) => c.verdict === 'allowed')).toBe(true);
    expect(doc.exitCode).toBe(0);
  });
});
