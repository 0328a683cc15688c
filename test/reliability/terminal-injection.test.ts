/**
 * Terminal and CI-log injection (issue 16, case 4): a remote client chooses its own display name and client id,
 * and whoever can write the state shapes logs, manifests and the lock. Control characters put into every string
 * field of the store, the pending requests, a gateway log, a backup manifest and a paste must never reach text
 * output raw: no ESC, no CR, no other control byte, no line a CI runner would read as a workflow command (`::`).
 */
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { copyState, runCli, SAMPLE, tempDir } from '../helpers.js';
import { fakeServices } from '../fakes/index.js';
import { TEST_BIN } from './corpus.js';

const V = ['--openclaw-version', '2026.2.19'];
const HOST = '33fbb2283a2d9639ce4763ed43535809c27c2e67f420b5342c45fb76406408f0';

/** Pieces an attacker would use: OSC retitle, clear screen, CSI from C1, CR overwrite, a workflow command. */
const NASTY = ['\u001b]0;pwned\u0007', '\u001b[2J\u001b[H', '\u009b31m', '\rOK    ', '\n::error title=x::y\n', '\n::add-mask::z', '\u2028::warning::w', '\u0000', '\u007f', '\u202etxt.exe'];
const nasty = fc
  .tuple(fc.string({ maxLength: 6 }), fc.subarray(NASTY, { minLength: 1 }), fc.string({ maxLength: 6 }))
  .map(([a, parts, b]) => `${a}${parts.join('x')}${b}`);

/** Every byte a terminal or a CI runner would act on. */
function injected(text: string): string[] {
  const found: string[] = [];
  if (/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e]/.test(text)) found.push(`control character ${JSON.stringify(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e]/.exec(text)![0])}`);
  for (const line of text.split('\n')) if (line.trimStart().startsWith('::')) found.push(`workflow command line ${JSON.stringify(line)}`);
  return found;
}

function plant(dir: string, s: string[]): { log: string; paste: string } {
  const at = (i: number) => s[i % s.length]!;
  const pairedPath = path.join(dir, 'devices', 'paired.json');
  const paired = JSON.parse(readFileSync(pairedPath, 'utf8')) as Record<string, Record<string, unknown>>;
  const host = paired[HOST]!;
  host.displayName = at(0);
  host.platform = at(1);
  const otherId = `${at(2)}remote`;
  paired[otherId] = {
    deviceId: otherId,
    publicKey: at(3),
    displayName: at(4),
    platform: at(5),
    clientId: at(6),
    clientMode: at(7),
    role: 'operator',
    roles: ['operator', at(8)],
    scopes: ['operator.read', at(9)],
    tokens: { operator: { token: 'tok-aaaaaaaaaaaaaaaaaaaaaaaa', role: 'operator', scopes: ['operator.read', at(10)], createdAtMs: 1 } },
    createdAtMs: 1,
    approvedAtMs: 1,
  };
  writeFileSync(pairedPath, JSON.stringify(paired, null, 2));
  const pendingPath = path.join(dir, 'devices', 'pending.json');
  const pending = JSON.parse(readFileSync(pendingPath, 'utf8')) as Record<string, Record<string, unknown>>;
  pending[`${at(11)}req`] = { requestId: `${at(11)}req`, deviceId: otherId, displayName: at(12), platform: at(13), clientId: at(14), clientMode: at(15), role: 'operator', roles: ['operator'], scopes: ['operator.write', at(16)], silent: false, isRepair: true, ts: Date.now() - 1000 };
  for (const entry of Object.values(pending)) if (entry.deviceId === HOST) entry.clientId = at(17);
  writeFileSync(pendingPath, JSON.stringify(pending, null, 2));

  // A backup another run (or the state's owner) left: its manifest's words and names are shown by restore --list.
  const backup = path.join(dir, 'backups', 'openclaw-fix', '2026-01-01T00-00-00.000Z');
  mkdirSync(path.join(backup, 'devices'), { recursive: true, mode: 0o700 });
  cpSync(pairedPath, path.join(backup, 'devices', 'paired.json'));
  writeFileSync(
    path.join(backup, 'manifest.json'),
    JSON.stringify({ tool: 'openclaw-fix', version: at(18), command: 'rotate', createdAt: at(19), status: at(20), description: at(21), deviceId: at(22), files: [{ path: `devices/paired.json`, sha256Before: at(23), sha256After: null, mode: at(24) }] }),
  );

  const time = new Date(Date.now() - 60_000).toISOString();
  const meta = (level: string) => ({ runtime: 'node', name: 'openclaw', date: time, logLevelId: 5, logLevelName: level });
  const lines = [
    { 0: `gateway connect failed: Error: pairing required ${at(25)}`, _meta: meta('ERROR'), time },
    { 0: '{"subsystem":"gateway/ws"}', 1: { cause: 'pairing-required', handshake: 'failed', deviceId: at(26), requestId: at(27), reason: at(28), host: at(29) }, 2: `closed before connect conn=${at(30)} remote=${at(31)} code=1008 reason=${at(32)}`, _meta: meta('WARN'), time },
    { 0: `unauthorized: device token mismatch client=${at(33)} ${at(34)} v1 ip=${at(35)} device=${at(36)}`, _meta: meta('WARN'), time },
  ];
  const log = path.join(path.dirname(dir), 'gateway.jsonl');
  writeFileSync(log, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
  const paste = [`gateway closed (1008): pairing required ${at(37)}`, `client=${at(38)} scope-upgrade requested ${at(39)}`, `device=${at(40)} reason=${at(41)}`, at(42)].join('\n');
  return { log, paste };
}

describe('no control character from the state, logs, manifests or a paste reaches text output', () => {
  it('doctor, check, rotate, restore --list, logs and explain, over generated strings in every field', async () => {
    const { env } = await fakeServices();
    await fc.assert(
      fc.asyncProperty(fc.array(nasty, { minLength: 43, maxLength: 43 }), async (strings) => {
        const dir = copyState(SAMPLE);
        const { log, paste } = plant(dir, strings);
        const home = tempDir('ocf-home-');
        const opts = { env: { ...env, COLUMNS: '100' }, home, bin: TEST_BIN };
        const runs = {
          doctor: runCli(['doctor', '--state-dir', dir, ...V, '--verbose', '--log', log, '--since', '30d'], opts),
          check: runCli(['check', '--state-dir', dir, ...V, '--log', log, '--since', '30d'], opts),
          'rotate --dry-run': runCli(['rotate', '--state-dir', dir, ...V, '--dry-run', '--device', `${strings[2]}remote`.replace(/\0/g, ''), '--yes'], opts),
          'restore --list': runCli(['restore', '--list', '--state-dir', dir, ...V], opts),
          logs: runCli(['logs', '--state-dir', dir, ...V, '--log', log, '--since', '30d', '--verbose'], opts),
          explain: runCli(['explain', ...V], { ...opts, input: paste }),
          rotate: runCli(['rotate', '--state-dir', dir, ...V, '--yes', '--no-restart'], opts),
        };
        // The planted values are really shown (escaped), not just absent.
        for (const name of ['doctor', 'restore --list', 'logs'] as const) expect(runs[name].stdout, `${name} shows the planted values escaped`).toMatch(/\\(x[0-9a-f]{2}|u[0-9a-f]{4}|[nrt])/);
        for (const [name, r] of Object.entries(runs)) {
          expect(r.stdout + r.stderr, `${name} printed "This is a bug"`).not.toMatch(/This is a bug/);
          expect(injected(r.stdout), `${name} stdout:\n${r.stdout}`).toEqual([]);
          expect(injected(r.stderr), `${name} stderr:\n${r.stderr}`).toEqual([]);
        }
      }),
      // Each run spawns seven commands: a few runs, and no shrinking (a failure prints the whole output anyway).
      { numRuns: 3, endOnFailure: true },
    );
  });
});
