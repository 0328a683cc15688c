/**
 * Issue 16, case 9: "no other device is touched" includes the bytes of its numbers. A number JSON.stringify
 * would write differently (1e400 -> null, 1.0 -> 1, a 20-digit integer rounded) must keep its text in every
 * file rotate rewrites: paired.json (spliced, or rewritten whole when not in OpenClaw's own layout),
 * pending.json and device-auth.json.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyState, runCli, SAMPLE } from '../helpers.js';
import { fakeServices } from '../fakes/index.js';

const V = ['--openclaw-version', '2026.2.19'];
const ODD = ['1e400', '1.0', '-0', '12345678901234567890123'];

/** Appends a member holding the odd numbers to the top-level object in `text` (2-space or compact layout). */
function withOddMember(text: string, key: string, compact: boolean): string {
  const member = `{"deviceId":"${key}","n0":${ODD[0]},"n1":${ODD[1]},"n2":${ODD[2]},"n3":${ODD[3]}}`;
  const value = JSON.parse(text) as Record<string, unknown>;
  const body = JSON.stringify(value, null, compact ? 0 : 2);
  return compact ? `${body.slice(0, -1)},"${key}":${member}}` : `${body.slice(0, -2)},\n  "${key}": ${member}\n}`;
}

describe('rotate keeps the number bytes of everything it does not change', () => {
  it.each([
    ['OpenClaw layout (paired.json spliced)', false],
    ['compact layout (every file rewritten whole)', true],
  ])('%s', async (_name, compact) => {
    const dir = copyState(SAMPLE);
    const { env } = await fakeServices();
    const other = 'f'.repeat(64);
    for (const rel of ['devices/paired.json', 'devices/pending.json']) {
      const file = path.join(dir, rel);
      writeFileSync(file, withOddMember(readFileSync(file, 'utf8'), rel.includes('pending') ? 'other-request' : other, compact));
    }
    const authFile = path.join(dir, 'identity', 'device-auth.json');
    const auth = readFileSync(authFile, 'utf8');
    writeFileSync(authFile, `${auth.trimEnd().slice(0, -1).trimEnd()},\n  "future": ${ODD[0]},\n  "ratio": ${ODD[1]}\n}`);
    const r = runCli(['rotate', '--state-dir', dir, ...V, '--yes', '--no-restart'], { env });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const paired = readFileSync(path.join(dir, 'devices/paired.json'), 'utf8');
    expect(paired).toMatch(/operator\.write/);
    for (const n of ODD) expect(paired).toMatch(new RegExp(`"n\\d": ?${n.replace(/[.+-]/g, '\\$&')}[,\\n}]`));
    const pending = readFileSync(path.join(dir, 'devices/pending.json'), 'utf8');
    for (const n of ODD) expect(pending).toMatch(new RegExp(`"n\\d": ?${n.replace(/[.+-]/g, '\\$&')}[,\\n}]`));
    const authAfter = readFileSync(authFile, 'utf8');
    expect(authAfter).toContain('"future": 1e400');
    expect(authAfter).toContain('"ratio": 1.0');
  });
});
