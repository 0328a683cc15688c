// Issue 19 part 3: a client verdict is data too. The connect check (core/clients.ts) says which case decided,
// with its facts; the sentence is the reporters' (report/wording/clients.ts). A case that slips a sentence back into
// the verdict, or a case whose wording is missing or throws on real facts, fails here on every fixture.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { predictClients } from '../../src/core/clients.js';
import type { ClientVerdict } from '../../src/core/model.js';
import { takeSnapshot } from '../../src/core/snapshot.js';
import { verdictExplanation } from '../../src/report/wording/clients.js';
import { copyFixture, fixtureNames } from '../helpers.js';

/** What a verdict may carry: who connects, what it asks, the gateway's answer and the case that decided it. */
const DATA_KEYS = new Set(['client', 'clientId', 'clientMode', 'method', 'requests', 'auth', 'verdict', 'reason', 'why', 'missing', 'healsOnRetry']);
/** The measured release lines (docs/oracle.md). */
const VERSIONS = ['2026.1.30', '2026.2.17', '2026.2.19', '2026.2.26', '2026.3.13', '2026.4.15', '2026.4.29', '2026.6.33', '2026.7.35', '2026.8.2', '2026.9.6'];

/** Config shapes that lead the connect check into its other cases: remote, approval off, no shared secret. */
const SHAPES: Record<string, (gateway: Record<string, unknown>) => void> = {
  'as it is': () => {},
  'bind lan': (g) => void (g.bind = 'lan'),
  'autoApproveLocal false, auth none': (g) => {
    g.nodes = { pairing: { autoApproveLocal: false } };
    g.auth = { mode: 'none' };
  },
  'no shared secret': (g) => void delete g.auth,
};

/** Facts only: scope and role names, booleans; never a sentence. */
function isFact(value: unknown): boolean {
  if (typeof value === 'boolean') return true;
  return Array.isArray(value) && value.every((v) => typeof v === 'string' && !/\s/.test(v));
}

function expectData(v: ClientVerdict, where: string): void {
  expect(Object.keys(v).filter((k) => !DATA_KEYS.has(k)), where).toEqual([]);
  expect(Object.keys(v.why).sort(), where).toEqual(['args', 'id']);
  for (const [key, value] of Object.entries(v.why.args)) expect(isFact(value), `${where}: ${v.why.id}.${key} = ${JSON.stringify(value)}`).toBe(true);
  const words = verdictExplanation(v.why);
  expect(words.length, where).toBeGreaterThan(0);
}

describe("client verdicts are data; the wording is the reporters'", () => {
  it.each(fixtureNames())('%s: every verdict is facts only, and each renders to an explanation', async (name) => {
    const { dir } = copyFixture(name);
    const config = path.join(dir, 'openclaw.json');
    const original = existsSync(config) ? readFileSync(config, 'utf8') : null;
    for (const [shape, edit] of Object.entries(SHAPES)) {
      let parsed: { gateway?: Record<string, unknown> } | null = null;
      try {
        parsed = original === null ? {} : (JSON.parse(original) as { gateway?: Record<string, unknown> });
      } catch {
        if (shape !== 'as it is') continue; // an unreadable config stays as the fixture has it
      }
      if (parsed) {
        edit((parsed.gateway ??= {}));
        if (shape !== 'as it is') writeFileSync(config, JSON.stringify(parsed), { mode: 0o600 });
      }
      for (const version of VERSIONS) {
        const snapshot = await takeSnapshot({ stateDir: dir, openclawVersion: version, env: {} });
        for (const v of predictClients(snapshot)) expectData(v, `${name}, ${shape}, ${version}, ${v.client}`);
      }
      if (original === null) rmSync(config, { force: true });
      else writeFileSync(config, original, { mode: 0o600 });
    }
  });

  it('the same verdict reads the same in every reporter: the sentence is made in one place', async () => {
    const { dir } = copyFixture('2.19-seed-loop');
    const snapshot = await takeSnapshot({ stateDir: dir, openclawVersion: '2026.2.19', env: {} });
    const write = predictClients(snapshot).find((c) => c.client === 'internal-write')!;
    expect(write).toMatchObject({ verdict: 'refused', reason: 'scope-upgrade', why: { id: 'scope-upgrade', args: { missing: ['operator.write'] } } });
    expect(verdictExplanation(write.why)).toBe(
      'asks for operator.write, which the device does not hold; the gateway files a repair request only a human can approve and closes the socket (1008 pairing required)',
    );
  });
});
