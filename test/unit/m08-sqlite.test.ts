/** M08 on the SQLite store names where the stale copy lives there: the device_auth_tokens row, not identity/device-auth.json. */
import { renderFinding } from '../../src/report/render.js';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain .mjs generator shared with scripts/
import { createStateDb, newIdentity } from '../../scripts/gen-sqlite-fixtures.mjs';
import { diagnose } from '../../src/core/diagnose.js';
import { takeSnapshot } from '../../src/core/snapshot.js';
import { tempDir } from '../helpers.js';

const PAIRED = 'TOKEN-m08-sqlite-paired-'.padEnd(43, 'p');
const CACHED = 'TOKEN-m08-sqlite-cached-'.padEnd(43, 'c');

describe('device-token-mismatch (M08) on the SQLite store', () => {
  it('the fix names the device_auth_tokens row of state/openclaw.sqlite and never identity/device-auth.json', async () => {
    const dir = path.join(tempDir(), 'state');
    const host = newIdentity() as { deviceId: string; publicKey: string };
    const scopes = ['operator.pairing', 'operator.read'];
    await createStateDb(dir, {
      identity: host,
      devices: [{ deviceId: host.deviceId, publicKey: host.publicKey, scopes, approvedScopes: scopes, tokens: { operator: { token: PAIRED, role: 'operator', scopes, createdAtMs: 1 } } }],
      authTokens: [{ deviceId: host.deviceId, token: CACHED, scopes }],
    });
    writeFileSync(path.join(dir, 'openclaw.json'), JSON.stringify({ gateway: { mode: 'local', auth: { mode: 'token', token: 'GATEWAYTOKEN-m08-sqlite-gggggggggggggggggggg' } } }), { mode: 0o600 });
    const snapshot = await takeSnapshot({ stateDir: dir, openclawVersion: '2026.8.2', env: {} });
    const found = diagnose(snapshot).findings.find((f) => f.id === 'device-token-mismatch');
    if (!found) throw new Error('device-token-mismatch not found');
    const m08 = renderFinding(found, []);
    const text = JSON.stringify(m08);
    expect(m08.fix?.steps?.join(' ')).toMatch(/device_auth_tokens table of .*state\/openclaw\.sqlite/);
    expect(text).not.toMatch(/device-auth\.json|paired\.json/);
    expect(text).not.toContain(PAIRED);
    expect(text).not.toContain(CACHED);
  });
});
