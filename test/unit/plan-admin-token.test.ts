/**
 * Issue 16, case 5: operator.admin found only in a token's scope list is not an approval. No plan adds it (or a
 * role) to any list of a device whose approved `scopes` lack it unless --scope operator.admin names it, and then
 * the plan marks it an escalation.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../src/core/diagnose.js';
import { takeSnapshot } from '../../src/core/snapshot.js';
import { planRotate, type RotateOptions } from '../../src/repair/plan.js';
import { copyState, SAMPLE } from '../helpers.js';

const BASE = ['operator.read', 'operator.write', 'operator.pairing', 'operator.approvals'];
const ADMIN = 'operator.admin';

type Entry = { scopes: string[]; tokens: { operator: { scopes: string[] } } };

/** The host device approved for BASE; the admin grant planted in one token list (paired.json or device-auth.json). */
async function planWithAdminIn(where: 'paired-token' | 'device-auth', options: RotateOptions = {}) {
  const dir = copyState(SAMPLE);
  const pairedPath = path.join(dir, 'devices', 'paired.json');
  const paired = JSON.parse(readFileSync(pairedPath, 'utf8')) as Record<string, Entry>;
  const host = Object.values(paired)[0]!;
  host.scopes = [...BASE];
  host.tokens.operator.scopes = where === 'paired-token' ? [...BASE, ADMIN] : [...BASE];
  writeFileSync(pairedPath, JSON.stringify(paired, null, 2));
  if (where === 'device-auth') {
    const authPath = path.join(dir, 'identity', 'device-auth.json');
    const auth = JSON.parse(readFileSync(authPath, 'utf8')) as { tokens: Record<string, { scopes: string[] }> };
    auth.tokens.operator!.scopes = [...BASE, ADMIN];
    writeFileSync(authPath, JSON.stringify(auth, null, 2));
  }
  const snapshot = await takeSnapshot({ stateDir: dir, openclawVersion: '2026.2.19', env: {} });
  const diagnosis = diagnose(snapshot);
  return planRotate(snapshot, diagnosis, options);
}

describe.each(['paired-token', 'device-auth'] as const)('operator.admin only in a token list (%s)', (where) => {
  it('a plain plan adds it to no list and does not count it as held', async () => {
    const plan = await planWithAdminIn(where);
    for (const a of plan.arrays) expect(a.added, `${a.file} ${a.field}`).not.toContain(ADMIN);
    expect(plan.addRole).toBeUndefined();
    expect(plan.escalation).toEqual([]);
  });

  it('named with --scope operator.admin, it is added and marked an escalation', async () => {
    const plan = await planWithAdminIn(where, { scopes: [ADMIN] });
    expect(plan.arrays.find((a) => a.field === 'scopes')?.added).toContain(ADMIN);
    expect(plan.escalation).toContain(ADMIN);
  });
});
