/** clients.ts: gateway.nodes.pairing.autoApproveLocal false (8.1+) stops silent FIRST local pairing too, not only upgrades. */
import { renderFinding } from '../../src/report/render.js';
import { verdictExplanation } from '../../src/report/wording/clients.js';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain .mjs generator shared with scripts/
import { createStateDb, newIdentity } from '../../scripts/gen-sqlite-fixtures.mjs';
import { cliClient, predictClients } from '../../src/core/clients.js';
import { takeSnapshot } from '../../src/core/snapshot.js';
import { tempDir } from '../helpers.js';

/** A SQLite-era state whose host identity exists but is not paired (auth none: the CLI presents the identity). */
async function unpairedHost(autoApproveLocal: boolean | undefined) {
  const dir = path.join(tempDir(), 'state');
  await createStateDb(dir, { identity: newIdentity() });
  const gateway: Record<string, unknown> = { mode: 'local', bind: 'loopback', auth: { mode: 'none' } };
  if (autoApproveLocal !== undefined) gateway.nodes = { pairing: { autoApproveLocal } };
  writeFileSync(path.join(dir, 'openclaw.json'), JSON.stringify({ gateway }), { mode: 0o600 });
  return dir;
}

async function cli(dir: string, version: string) {
  const snapshot = await takeSnapshot({ stateDir: dir, openclawVersion: version, env: {} });
  // From 5.28 there is no bundle client: the CLI verdict is its commands' (cliClient).
  return cliClient(predictClients(snapshot))!;
}

describe('first local pairing and autoApproveLocal', () => {
  it.each(['2026.8.2', '2026.9.6'])('%s, autoApproveLocal false: the CLI is refused (device pairing required), not paired silently', async (version) => {
    const v = await cli(await unpairedHost(false), version);
    expect(v).toMatchObject({ verdict: 'refused', reason: 'not-paired' });
    expect(verdictExplanation(v.why)).toMatch(/autoApproveLocal is false.*device pairing required/);
  });

  it.each([undefined, true])('8.2, autoApproveLocal %s: the first local pairing is silent', async (setting) => {
    expect(await cli(await unpairedHost(setting), '2026.8.2')).toMatchObject({ verdict: 'allowed', reason: 'auto-approved' });
  });

  it('7.x has no such setting: the same config changes nothing there (knowledge: autoApproveLocalSetting)', async () => {
    expect((await cli(await unpairedHost(false), '2026.7.35')).verdict).toBe('allowed');
  });
});

describe('doctor never calls a host healthy while its CLI would be refused', () => {
  it('8.2, autoApproveLocal false, host not paired: an error finding with the approve step', async () => {
    const { diagnose } = await import('../../src/core/diagnose.js');
    const snapshot = await takeSnapshot({ stateDir: await unpairedHost(false), openclawVersion: '2026.8.2', env: {} });
    const diagnosis = diagnose(snapshot);
    const data = diagnosis.findings.find((f) => f.id === 'service-device-missing-read');
    const finding = data && renderFinding(data, []);
    expect(finding).toMatchObject({ severity: 'error', deviceId: snapshot.identity.deviceId });
    expect(finding?.fix?.steps?.join(' ')).toContain('openclaw devices approve <requestId>');
    expect(diagnosis.summary.error).toBeGreaterThan(0);
  });
});
