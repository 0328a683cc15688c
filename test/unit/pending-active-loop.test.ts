/** A paired device of someone else, refused right now: its fresh repair request is an error, an old one a warning. */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../src/core/diagnose.js';
import { takeSnapshot } from '../../src/core/snapshot.js';
import { copyFixture } from '../helpers.js';

describe('pending-repair-request for another device', () => {
  it('is an error while the request is fresh (the device retries and is refused), a warning once it is stale', async () => {
    const { dir } = copyFixture('2.19-remote-device-narrow');
    const host = (JSON.parse(readFileSync(path.join(dir, 'identity', 'device.json'), 'utf8')) as { deviceId: string }).deviceId;
    const paired = JSON.parse(readFileSync(path.join(dir, 'devices', 'paired.json'), 'utf8')) as Record<string, { publicKey: string }>;
    const remote = Object.keys(paired).find((id) => id !== host)!;
    const ts = Date.parse('2026-11-25T10:00:00Z');
    const request = {
      requestId: 'f1e2d3c4-0000-4000-8000-000000000001',
      deviceId: remote,
      publicKey: paired[remote]!.publicKey,
      clientId: 'openclaw-control-ui',
      clientMode: 'webchat',
      role: 'operator',
      roles: ['operator'],
      scopes: ['operator.read'],
      silent: false,
      isRepair: true,
      ts,
    };
    writeFileSync(path.join(dir, 'devices', 'pending.json'), JSON.stringify({ [request.requestId]: request }, null, 2), { mode: 0o600 });
    const judge = async (nowMs: number) => {
      const snapshot = await takeSnapshot({ stateDir: dir, openclawVersion: '2026.2.19', env: {}, nowMs });
      return diagnose(snapshot).findings.find((f) => f.id === 'pending-repair-request' && f.deviceId === remote);
    };
    expect((await judge(ts + 60_000))?.severity).toBe('error');
    expect((await judge(ts + 10 * 60_000))?.severity).toBe('warning');
  });
});
