/**
 * token-scopes-diverge (M10) knows what the release's own token writer does: from 7.x the gateway writes token
 * scopes normalized (admin brings read+write), so the state a real 8.2 `devices approve` leaves is not a divergence.
 */
import { renderFinding } from '../../src/report/render.js';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain .mjs generator shared with scripts/
import { createStateDb, newIdentity } from '../../scripts/gen-sqlite-fixtures.mjs';
import { diagnose } from '../../src/core/diagnose.js';
import { knowledgeForString } from '../../src/core/knowledge.js';
import { takeSnapshot } from '../../src/core/snapshot.js';
import { tempDir } from '../helpers.js';

const TOKEN = 'TOKEN-m10-approve-test-'.padEnd(43, 'm');

/** What 8.2 wrote after `openclaw devices approve <requestId>` (docs/e2e-notes.md §7), with the token's scopes as given. */
async function approvedState(tokenScopes: string[]) {
  const dir = path.join(tempDir(), 'state');
  const host = newIdentity() as { deviceId: string; publicKey: string };
  const scopes = ['operator.pairing', 'operator.read', 'operator.admin'];
  await createStateDb(dir, {
    identity: host,
    devices: [{ deviceId: host.deviceId, publicKey: host.publicKey, scopes, approvedScopes: scopes, approvedVia: 'owner', tokens: { operator: { token: TOKEN, role: 'operator', scopes: tokenScopes, createdAtMs: 1 } } }],
  });
  return dir;
}

async function m10(dir: string, version: string) {
  const snapshot = await takeSnapshot({ stateDir: dir, openclawVersion: version, env: {} });
  return diagnose(snapshot).findings.filter((f) => f.id === 'token-scopes-diverge').map((f) => renderFinding(f, []));
}

describe('token-scopes-diverge is release-aware (knowledge: tokenScopesImplied)', () => {
  it('the table says which releases write token scopes normalized', () => {
    expect(knowledgeForString('2026.2.22').tokenScopesImplied).toBe(false);
    expect(knowledgeForString('2026.7.35').tokenScopesImplied).toBe(true);
    expect(knowledgeForString('2026.8.2').tokenScopesImplied).toBe(true);
    expect(knowledgeForString('2026.9.6').tokenScopesImplied).toBe(true);
  });

  it.each(['2026.8.2', '2026.9.6'])('%s: the state the gateway itself wrote after `devices approve` is not reported', async (version) => {
    const dir = await approvedState(['operator.admin', 'operator.pairing', 'operator.read', 'operator.write']);
    expect(await m10(dir, version)).toEqual([]);
  });

  it('a real divergence is still reported there: the token lacks what the record grants', async () => {
    const dir = await approvedState(['operator.pairing', 'operator.read']);
    const found = await m10(dir, '2026.8.2');
    expect(found).toHaveLength(1);
    expect(found[0]!.evidence).toEqual(expect.arrayContaining(['tokens.operator.scopes: operator.pairing, operator.read']));
  });

  it('with the version unknown (strictest), the implied scopes count as a divergence', async () => {
    const dir = await approvedState(['operator.admin', 'operator.pairing', 'operator.read', 'operator.write']);
    const snapshot = await takeSnapshot({ stateDir: dir, env: {} });
    expect(diagnose(snapshot).findings.some((f) => f.id === 'token-scopes-diverge')).toBe(true);
  });
});
