// A device id or request id is whatever the store says; a fix line is what a user pastes into a root shell. Every
// command doctor suggests must carry those ids as one quoted word, never as shell syntax (issue 19: a placeholder is
// a typed marker, not "a word starting with '<'", which let a device id named `<$(...)>` through unquoted).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../src/core/diagnose.js';
import { takeSnapshot } from '../../src/core/snapshot.js';
import { renderFinding } from '../../src/report/render.js';
import { copyFixture } from '../helpers.js';

const DEVICE = '<$(touch /tmp/openclaw-fix-pwned)>';
const REQUEST = '$(touch /tmp/openclaw-fix-pwned)';
const REMOTE = 'bc9da99ed7b8c36c38fd8a4cb687f988b465437081f4ae9d8fd6cf1f0a0db9ee';

/** The remote device of the fixture renamed to DEVICE, its token wider than its lists, and a repair request REQUEST on file. */
async function hostileState() {
  const { dir } = copyFixture('2.19-remote-device-narrow');
  const pairedPath = path.join(dir, 'devices', 'paired.json');
  const paired = JSON.parse(readFileSync(pairedPath, 'utf8'));
  const device = paired[REMOTE];
  delete paired[REMOTE];
  device.deviceId = DEVICE;
  device.tokens.operator.scopes = [...device.tokens.operator.scopes, 'operator.read'];
  paired[DEVICE] = device;
  writeFileSync(pairedPath, JSON.stringify(paired, null, 2));
  const request = { requestId: REQUEST, deviceId: DEVICE, publicKey: device.publicKey, clientId: 'openclaw-control-ui', clientMode: 'webchat', role: 'operator', roles: ['operator'], scopes: ['operator.read', 'operator.write'], isRepair: true, ts: Date.now() };
  writeFileSync(path.join(dir, 'devices', 'pending.json'), JSON.stringify({ [REQUEST]: request }, null, 2), { mode: 0o600 });
  return dir;
}

describe('fix commands quote what came from the state', () => {
  it('a device id and a request id with shell syntax appear only as single-quoted words', async () => {
    const dir = await hostileState();
    const snapshot = await takeSnapshot({ stateDir: dir, openclawVersion: '2026.2.19', env: {} });
    const findings = diagnose(snapshot, { commandArgs: ['--state-dir', dir] }).findings.map((f) => renderFinding(f, ['--state-dir', dir]));
    const advice = findings.flatMap((f) => [f.fix?.command ?? '', ...(f.fix?.steps ?? []), f.fix?.alternative ?? '']).filter((line) => line.includes('$('));
    // The rotate line for the divergent device, and the approve lines for its request.
    expect(advice.some((line) => line.includes(`openclaw-fix rotate --device '${DEVICE}'`))).toBe(true);
    expect(advice.some((line) => line.includes(`openclaw devices approve '${REQUEST}'`))).toBe(true);
    // Nowhere unquoted: every `$(` sits inside a single-quoted word.
    for (const line of advice) expect(line.replace(/'[^']*'/g, "''")).not.toContain('$(');
  });
});
