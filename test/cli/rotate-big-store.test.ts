/**
 * A busy install's paired.json (10,000 devices, ~12 MiB) that someone edited by hand: rotate rewrites only the
 * target device's bytes, and it does so on a small server. Locating the device once built a tree of the whole
 * file (over a GiB of heap, so a 1 GiB VPS ran out of memory mid-rotate); the V8 heap here is capped at 256 MiB,
 * about twice what the edit needs now and a quarter of what the tree took.
 */
import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers.js';

const DEVICES = 10_000;
const SEED = ['operator.admin', 'operator.approvals', 'operator.pairing'];

function device(id: string, publicKey: string, i: number): Record<string, unknown> {
  return {
    deviceId: id,
    publicKey,
    displayName: `device ${i} of a busy fleet`,
    platform: i % 3 ? 'linux' : 'macOS 26.3.1',
    clientId: i % 2 ? 'openclaw-control-ui' : 'cli',
    clientMode: i % 2 ? 'webchat' : 'cli',
    role: 'operator',
    roles: ['operator'],
    scopes: SEED,
    tokens: { operator: { token: createHash('sha256').update(`t-${i}`).digest('base64url'), role: 'operator', scopes: SEED, createdAtMs: 1795476674149 } },
    createdAtMs: 1795476674149,
    approvedAtMs: 1795476674149,
  };
}

/** The host in the middle of the fleet, written as OpenClaw writes it; hand edits before and after it. */
function bigHandEditedState(): { dir: string; text: string; hostId: string } {
  const dir = tempDir('ocf-big-');
  mkdirSync(path.join(dir, 'devices'), { recursive: true });
  mkdirSync(path.join(dir, 'identity'), { recursive: true });
  const { publicKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ type: 'spki', format: 'der' }).subarray(12);
  const hostId = createHash('sha256').update(raw).digest('hex');
  const members: string[] = [];
  for (let i = 0; i < DEVICES; i++) {
    const host = i === DEVICES / 2;
    const id = host ? hostId : createHash('sha256').update(`device-${i}`).digest('hex');
    const record = device(id, host ? raw.toString('base64url') : createHash('sha256').update(`pk-${i}`).digest('base64url'), i);
    // Hand edits: one device squeezed onto one line, one written with 4 spaces, a blank line between two others.
    const value = i === 10 ? JSON.stringify(record) : i === DEVICES - 10 ? JSON.stringify(record, null, 4) : JSON.stringify(record, null, 2).replace(/\n/g, '\n  ');
    members.push(`${i === 20 ? '\n' : ''}  ${JSON.stringify(id)}: ${value}`);
  }
  const text = `{\n${members.join(',\n')}\n}\n\n`;
  writeFileSync(path.join(dir, 'devices', 'paired.json'), text, { mode: 0o600 });
  writeFileSync(path.join(dir, 'devices', 'pending.json'), '{}', { mode: 0o600 });
  const identity = { version: 1, deviceId: hostId, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }), createdAtMs: 1 };
  writeFileSync(path.join(dir, 'identity', 'device.json'), JSON.stringify(identity, null, 2), { mode: 0o600 });
  return { dir, text, hostId };
}

describe('rotate on a big hand-edited store', () => {
  it('grants the host its scope in 256 MiB of heap and keeps every byte outside the host device', () => {
    const { dir, text, hostId } = bigHandEditedState();
    const r = runCli(['rotate', '--state-dir', dir, '--openclaw-version', '2026.2.19', '--yes', '--no-restart', '--no-probe'], {
      env: { NODE_OPTIONS: '--max-old-space-size=256' },
    });
    expect(r.code, r.stderr).toBe(0);

    const after = readFileSync(path.join(dir, 'devices', 'paired.json'), 'utf8');
    const key = `\n  ${JSON.stringify(hostId)}: `;
    const start = text.indexOf(key) + key.length;
    const end = text.indexOf('\n  }', start) + '\n  }'.length;
    expect(after.slice(0, start)).toBe(text.slice(0, start));
    expect(after.slice(after.length - (text.length - end))).toBe(text.slice(end));
    const before = JSON.parse(text) as Record<string, { scopes: string[] }>;
    const now = JSON.parse(after) as Record<string, { scopes: string[] }>;
    expect(now[hostId]!.scopes).toContain('operator.write');
    expect({ ...now, [hostId]: before[hostId] }).toEqual(before);
  }, 240_000);
});
