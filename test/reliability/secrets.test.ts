/**
 * Secrets over every state fixture (fixtures/states; fixtures/bad is scanned by the bad-input tests): every
 * output a user can get (doctor text with --verbose --debug, rotate --json with its plan, result or error,
 * explain of the raw files pasted, logs; restore --list is scanned in test/cli/rotate.test.ts) and every file
 * name openclaw-fix creates (backups) is scanned for the fixture's token values, private key and gateway auth
 * token: zero hits. Backups are 0600 in
 * 0700 directories, and hold the secrets only inside the copied files, never in a name or the manifest.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyFixture, fixtureNames, leakedSecrets, ROOT, runCli } from '../helpers.js';
import { runMain } from '../in-process.js';
import { fakeServices } from '../fakes/index.js';
import { STACK_LINE, TEST_BIN } from './corpus.js';

function walk(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => (e.isDirectory() ? [path.join(dir, e.name), ...walk(path.join(dir, e.name))] : [path.join(dir, e.name)]));
}

const RAW = ['devices/paired.json', 'devices/pending.json', 'identity/device.json', 'identity/device-auth.json', 'openclaw.json'];

describe.each(fixtureNames())('secrets: fixture %s', (name) => {
  it('no token, private key or gateway token in any output, backup name or manifest', async () => {
    const { dir, meta } = copyFixture(name);
    expect(meta.secrets.length).toBeGreaterThan(0);
    const { env } = await fakeServices();
    const v = meta.openclawVersion ? ['--openclaw-version', meta.openclawVersion] : [];
    const at = ['--state-dir', dir, ...v];
    const opts = { env, bin: TEST_BIN };
    const paste = RAW.map((rel) => {
      try {
        return readFileSync(path.join(dir, rel), 'utf8');
      } catch {
        return '';
      }
    }).join('\n');
    const runs = [
      await runMain(['doctor', ...at, '--verbose', '--debug', '--no-logs'], { env }),
      await runMain(['rotate', ...at, '--yes', '--no-restart', '--json', '--debug'], { env }),
      // Pasted on stdin: the spawned binary (runMain has no stdin).
      runCli(['explain', '-'], { ...opts, input: paste }),
    ];
    const outputs = runs.flatMap((r) => [r.stdout, r.stderr]);
    for (const r of runs) expect(`${r.stdout}${r.stderr}`).not.toMatch(STACK_LINE);
    // Everything openclaw-fix left behind: names anywhere in the state, and the manifests' text.
    const created = walk(path.join(dir, 'backups'));
    const names = walk(dir).map((p) => path.relative(dir, p));
    const manifests = created.filter((p) => p.endsWith('manifest.json')).map((p) => readFileSync(p, 'utf8'));
    expect(leakedSecrets(meta.secrets, ...outputs, ...names, ...manifests)).toEqual([]);
    for (const p of created) expect(statSync(p).mode & 0o777, p).toBe(statSync(p).isDirectory() ? 0o700 : 0o600);
    if (created.length) expect(statSync(path.join(dir, 'backups')).mode & 0o777).toBe(0o700);
  });
});

describe('secrets in the gateway logs', () => {
  it('a log quoting token values (this state\'s, another host\'s, one cut at the sample length): logs, doctor and explain print none', async () => {
    const { dir, meta } = copyFixture('2.19-seed-loop');
    const [, hostToken, gatewayToken] = meta.secrets as [string, string, string];
    // Not in this state: only the key=value redaction can catch it.
    const foreign = 'TOKEN-from-another-host-zzzzzzzzzzzzzzzzzzzzz';
    const demo = readFileSync(path.join(ROOT, 'fixtures', 'demo', 'gateway-file-log.jsonl'), 'utf8').trimEnd().split('\n');
    const audit = demo.find((l) => l.includes('security audit'))!;
    const log = [
      ...demo,
      audit.replace('conn=', `token=${hostToken} auth=${gatewayToken} conn=`),
      `2026-11-23T23:31:53.000Z [gateway] device token mismatch for device 6bfe5d78ca46392f9e7c9afa979cbf45beda05873d30d5dc48d9f5cb164dd130 token ${hostToken} (gateway token ${gatewayToken})`,
      `gateway closed (1008): pairing required password: ${foreign}`,
      // The token starts just before the sample is cut (400 characters).
      `gateway closed (1008): pairing required ${'.'.repeat(350)} token=${foreign}`,
    ].join('\n');
    const file = path.join(dir, 'gateway.log');
    writeFileSync(file, log);
    const secrets = [...meta.secrets, foreign];
    const runs = [
      await runMain(['logs', '--log', file]),
      await runMain(['logs', '--log', file, '--json', '--verbose']),
      await runMain(['logs', '--log', file, '--json', '--state-dir', dir]),
      await runMain(['doctor', '--state-dir', dir, '--openclaw-version', '2026.2.19', '--log', file, '--verbose', '--debug']),
      await runMain(['doctor', '--state-dir', dir, '--openclaw-version', '2026.2.19', '--log', file, '--json']),
      await runMain(['explain', file, '--json']),
      await runMain(['explain', file]),
    ];
    expect(runs[1]!.stdout).toContain('[redacted]');
    expect(leakedSecrets(secrets, ...runs.flatMap((r) => [r.stdout, r.stderr]))).toEqual([]);
  });
});
