/**
 * rotate when there is no scope to grant but doctor still finds an error (1.30 without a shared token, the host's
 * cached device token no longer in the record: M08, whose fix is to re-pair). It used to print "✓ Nothing to do"
 * and exit 1: a user reads the check mark as healthy. It must say rotate has nothing to grant, name what remains
 * with its fix and the command to see it, with no check mark; the same in --json, --dry-run and check --fix.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { editJson, hostState, removeOracleStates } from '../oracle-helpers.js';
import { runMain } from '../in-process.js';
import { copyFixture, parseJson } from '../helpers.js';
import { fakeServices } from '../fakes/index.js';

afterAll(removeOracleStates);

const V = ['--openclaw-version', '2026.1.30'];

/** The 1.30 host paired with `scopes` (its token the same, cached in identity/device-auth.json). */
const state = (scopes: string[]) => hostState('2026.1.30', scopes);

/** M08 as an error: no shared token to fall back on, and the record no longer holds the token the host cached. */
async function staleCachedToken(): Promise<string> {
  const dir = await state(['operator.admin', 'operator.approvals', 'operator.pairing']);
  editJson(path.join(dir, 'openclaw.json'), (config) => {
    config.gateway.auth = {};
  });
  editJson(path.join(dir, 'devices', 'paired.json'), (store) => {
    for (const rec of Object.values(store) as Array<{ tokens?: unknown }>) delete rec.tokens;
  });
  return dir;
}

interface RotateDoc {
  exitCode: number;
  ok: boolean;
  plan: { nothingToDo: string | null };
  result: { status: string; remaining: Array<{ id: string; mode: string | null; severity: string; title: string; fix: { steps?: string[]; command?: string } | null }> };
}

describe('rotate with nothing to grant while an error remains', () => {
  it('text, with --yes and with --dry-run: no check mark, "nothing to grant", the M08 error named with its re-pair fix and the doctor command; exit 1, nothing written', async () => {
    const dir = await staleCachedToken();
    const before = readFileSync(path.join(dir, 'devices', 'paired.json'));
    for (const flag of ['--yes', '--dry-run']) {
      const r = await runMain(['rotate', '--state-dir', dir, ...V, flag, '--no-restart', '--no-color']);
      expect(r.code, r.stdout).toBe(1);
      expect(r.stdout, flag).not.toContain('✓');
      expect(r.stdout).not.toContain('Nothing to do');
      expect(r.stdout).toContain('Nothing for rotate to grant');
      expect(r.stdout).toMatch(/1 problem remains/);
      expect(r.stdout).toMatch(/✗ This host's cached device token .*\[device-token-mismatch · M08\]/);
      expect(r.stdout).toMatch(/fix {2}Re-pair this client/);
      expect(r.stdout).toContain(`openclaw-fix doctor --state-dir ${dir} --openclaw-version 2026.1.30`);
      expect(r.stdout).toContain('Nothing was changed.');
    }
    expect(readFileSync(path.join(dir, 'devices', 'paired.json'))).toEqual(before);
  });

  it('--json (and --dry-run --json): result.remaining names the error and its fix, nothingToDo says nothing to grant, exit 1', async () => {
    const dir = await staleCachedToken();
    for (const flags of [['--yes'], ['--dry-run']]) {
      const r = await runMain(['rotate', '--state-dir', dir, ...V, ...flags, '--no-restart', '--json']);
      const doc = parseJson<RotateDoc>(r.stdout);
      expect(r.code).toBe(1);
      expect(doc).toMatchObject({ ok: false, exitCode: 1, result: { status: 'nothing' } });
      expect(doc.plan.nothingToDo).toMatch(/^Nothing for rotate to grant: /);
      expect(doc.result.remaining.map((f) => `${f.severity} ${f.id} ${f.mode}`)).toEqual(['error device-token-mismatch M08']);
      expect(doc.result.remaining[0]!.fix?.steps?.[0]).toMatch(/^Re-pair this client/);
    }
  });

  it('check --fix: rotate\'s report (on stderr) carries no check mark and names the error; exit 1', async () => {
    const dir = await staleCachedToken();
    const r = await runMain(['check', '--fix', '--state-dir', dir, ...V, '--no-restart', '--no-logs', '--no-color']);
    expect(r.code).toBe(1);
    expect(r.stderr).not.toContain('✓');
    expect(r.stderr).toContain('Nothing for rotate to grant');
    expect(r.stderr).toContain('[device-token-mismatch · M08]');
  });

  it('with nothing left (the refusal heals on the retry: a warning), it is still "✓ Nothing to do", exit 0, remaining empty', async () => {
    const dir = await state(['operator.read']);
    const r = await runMain(['rotate', '--state-dir', dir, ...V, '--yes', '--no-restart', '--no-color']);
    expect(r.code).toBe(0);
    // It says the next connects are refused once (doctor's M08 warning), not that no client is refused.
    expect(r.stdout).toContain('✓ Nothing to do: no client of this host is refused for a missing scope (each one\'s next connect is refused once');
    expect(r.stdout).not.toContain('remains');
    const json = parseJson<RotateDoc>((await runMain(['rotate', '--state-dir', dir, ...V, '--yes', '--no-restart', '--json'])).stdout);
    expect(json.result.remaining).toEqual([]);
    expect(json.plan.nothingToDo).toMatch(/^Nothing to do: /);
  });
});

describe('rotate whose only grant left is operator.admin (held back until named)', () => {
  it('no check mark: the admin grant it holds back, the error that remains with its fix (rotate --scope operator.admin), exit 1', async () => {
    const { dir } = copyFixture('2.19-cli-read-only');
    const { env } = await fakeServices();
    const args = ['rotate', '--state-dir', dir, '--openclaw-version', '2026.2.19', '--yes', '--no-restart', '--no-probe', '--no-color'];
    // The first run grants what the device was approved for; operator.admin is a new grant and is held back.
    expect((await runMain(args, { env })).code).toBe(1);
    const again = await runMain(args, { env });
    expect(again.code).toBe(1);
    expect(again.stdout).not.toContain('✓');
    expect(again.stdout).toContain("! this host's device needs operator.admin, which it never had");
    expect(again.stdout).toMatch(/1 problem remains/);
    expect(again.stdout).toContain(`fix  openclaw-fix rotate --scope operator.admin --state-dir ${dir} --openclaw-version 2026.2.19`);
  });
});

describe('restore with nothing to put back', () => {
  it("says doctor's verdict on the state as it is next to its check mark, in text and --json", async () => {
    const dir = await state(['operator.read']);
    editJson(path.join(dir, 'openclaw.json'), (config) => {
      config.gateway.auth = {};
    });
    // rotate grants the missing scopes; restoring its backup twice: the second run has nothing to put back.
    const rotated = await runMain(['rotate', '--state-dir', dir, ...V, '--yes', '--no-restart', '--no-probe', '--json']);
    const name = parseJson<{ result: { backup: { name: string } } }>(rotated.stdout).result.backup.name;
    await runMain(['restore', name, '--state-dir', dir, ...V, '--yes', '--no-restart']);
    const again = await runMain(['restore', name, '--state-dir', dir, ...V, '--yes', '--no-restart', '--no-color']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`The files already hold the bytes of backup ${name}. Nothing was changed.`);
    expect(again.stdout).toMatch(/doctor {3}✗ \d+ problems?/);
    const json = parseJson<{ result: { status: string; findingsAfter: Array<{ id: string; severity: string }> } }>((await runMain(['restore', name, '--state-dir', dir, ...V, '--yes', '--no-restart', '--json'])).stdout);
    expect(json.result.status).toBe('nothing');
    expect(json.result.findingsAfter.some((f) => f.severity === 'error')).toBe(true);
  });
});
