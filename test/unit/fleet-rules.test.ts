/**
 * M02 and M04 reuse the previous device's answer when its scope list is equal (a fleet mostly holds one list).
 * On a fleet that alternates lists, with and without pending requests, every device must still get its own answer.
 */
import { renderFinding } from '../../src/report/render.js';
import { describe, expect, it } from 'vitest';
import { hostDevice, predictClients } from '../../src/core/clients.js';
import { unsatisfiedScopes } from '../../src/core/knowledge.js';
import type { DeviceRecord, PendingRequest } from '../../src/core/model.js';
import { takeSnapshot } from '../../src/core/snapshot.js';
import { deviceLacksReadWrite } from '../../src/rules/m02-device-lacks-read-write.js';
import { scopeAddedByUpdate } from '../../src/rules/m04-scope-added-by-update.js';
import { copyFixture } from '../helpers.js';

const NARROW = ['operator.admin', 'operator.approvals', 'operator.pairing'];
const FULL = ['operator.admin', 'operator.read', 'operator.write', 'operator.approvals', 'operator.pairing'];
const READ_ONLY = ['operator.read'];
const LISTS = [NARROW, NARROW, FULL, READ_ONLY, READ_ONLY, NARROW, FULL, FULL, READ_ONLY, NARROW];

async function fleet(version: string, count: number, pendingEvery: number) {
  const { dir } = copyFixture('2.19-seed-loop');
  const snapshot = await takeSnapshot({ stateDir: dir, openclawVersion: version, env: {}, nowMs: 1 });
  const template = snapshot.store.devices[0]!;
  const devices: DeviceRecord[] = [];
  const pending: PendingRequest[] = [];
  for (let i = 0; i < count; i++) {
    const deviceId = `device-${String(i).padStart(4, '0')}`.padEnd(64, 'f');
    // Fresh copies, as records are: equal lists are never the same array.
    devices.push({ ...template, deviceId, key: deviceId, roles: ['operator'], role: 'operator', scopes: [...LISTS[i % LISTS.length]!], approvedScopes: null, tokens: [], remoteIp: '10.0.0.1', shapeProblems: [] });
    if (pendingEvery && i % pendingEvery === 0) pending.push({ requestId: `req-${i}`, deviceId, roles: ['operator'], role: 'operator', scopes: FULL, isRepair: true });
  }
  snapshot.store.devices = devices;
  snapshot.store.pendingRequests = pending;
  const ctx = { snapshot, clients: predictClients(snapshot), host: hostDevice(snapshot), command: (name: string) => `openclaw-fix ${name}` };
  return { snapshot, ctx, devices };
}

describe('rules over a fleet with alternating scope lists', () => {
  it.each([
    [40, 0],
    [40, 3],
    [7, 0],
  ])('M02, %i devices, a pending request every %i devices (0: none)', async (count, pendingEvery) => {
    const { snapshot, ctx, devices } = await fleet('2026.2.19', count, pendingEvery);
    const findings = deviceLacksReadWrite.detect(ctx).map((f) => renderFinding(f, []));
    const lacking = devices
      .map((d) => ({ d, missing: unsatisfiedScopes(snapshot.release.scopeRule, d.scopes!, ['operator.read', 'operator.write']) }))
      .filter((x) => x.missing.length > 0);
    const quiet = lacking.filter((x) => !snapshot.store.pendingRequests.some((r) => r.deviceId === x.d.deviceId));
    const grouped = quiet.length > 5;
    const own = findings.filter((f) => f.deviceId);
    const expectOwn = grouped ? lacking.filter((x) => !quiet.includes(x)) : lacking;
    expect(own.map((f) => [f.deviceId, f.title.replace(/^.* lacks /, '')])).toEqual(expectOwn.map((x) => [x.d.deviceId, x.missing.join(', ')]));
    const group = findings.find((f) => !f.deviceId);
    if (!grouped) return expect(group).toBeUndefined();
    expect(group!.title).toBe(`${quiet.length} paired devices lack operator.read, operator.write`);
    expect(group!.evidence.slice(0, 10)).toEqual(quiet.slice(0, 10).map((x) => `${x.d.deviceId} lacks ${x.missing.join(', ')}`));
  });

  it('M04: the whole fleet at once finds what each device finds alone', async () => {
    const NO_ADMIN = ['operator.read', 'operator.write', 'operator.approvals', 'operator.pairing'];
    const lists = [NO_ADMIN, NO_ADMIN, NARROW, READ_ONLY, NO_ADMIN, FULL, READ_ONLY, READ_ONLY, NO_ADMIN];
    const { snapshot, ctx, devices } = await fleet('2026.4.20', 36, 0);
    devices.forEach((d, i) => (d.scopes = [...lists[i % lists.length]!]));
    // Repair requests asking the scope 4.15 added, for two devices in three.
    snapshot.store.pendingRequests = devices
      .filter((_, i) => i % 3 !== 2)
      .map((d) => ({ requestId: `req-${d.deviceId.slice(0, 11)}`, deviceId: d.deviceId, roles: ['operator'], role: 'operator', scopes: [...d.scopes!, 'operator.talk.secrets'], isRepair: true }));
    const together = scopeAddedByUpdate.detect(ctx);
    const alone = devices.flatMap((d) => {
      const one = { ...snapshot, store: { ...snapshot.store, devices: [d], pendingRequests: snapshot.store.pendingRequests.filter((r) => r.deviceId === d.deviceId) } };
      return scopeAddedByUpdate.detect({ ...ctx, snapshot: one });
    });
    expect(together.length).toBeGreaterThan(0);
    expect(together.length).toBeLessThan(devices.length);
    expect(together).toEqual(alone);
  });
});
