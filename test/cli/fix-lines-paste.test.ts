/**
 * A printed fix line is pasted into bash, often as root. A paired remote client chooses its own device id, and
 * whoever can write the state shapes request ids and the state directory's path: when those hold control
 * characters, the line bash runs must still carry exactly the original bytes (not a visible `\x1b` passed as a
 * literal backslash-x, which targets another device or none), and the printed line must hold no raw control
 * character. Every format that carries a command is pasted here into a real bash.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cliEnv, copyFixture, HOOKED_BIN, parseJson, tempDir } from '../helpers.js';
import { runMain } from '../in-process.js';
import { fakeServices } from '../fakes/index.js';

/** A device id a remote client could choose: OSC retitle, CR/LF, TAB, DEL, C1 CSI, a bidi override, quotes, a literal `\x41`. */
const DEVICE = "ab\u001b]0;x\u0007\r\n\tc\u007f\u009b\u202e d'e\\x41";
/** A request id of the same kind, with spaces where a wrapped line would break. */
const REQUEST = 'req \u001b[2J two  spaces\u2028and a no-break\u00a0space';
/** The state directory's last component: ESC, TAB, a bidi override, a space, a quote, a newline. */
const DIR_NAME = "state \u001b[31m\t\u202e x'y\nz";
const V = ['--openclaw-version', '2026.2.22'];

/** Characters a terminal or CI runner would act on: none may be printed raw. */
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/** The 2.22 fixture with a remote device DEVICE whose token is wider than its lists (M10: rotate --device) and a refused repair request REQUEST. */
function hostileState(ids: { device: string; request: string; dirName: string } = { device: DEVICE, request: REQUEST, dirName: DIR_NAME }): { dir: string; home: string } {
  const { device: DEVICE, request: REQUEST } = ids;
  const { dir: fixture } = copyFixture('2.22-token-diverge');
  const dir = path.join(path.dirname(fixture), ids.dirName);
  renameSync(fixture, dir);
  const pairedPath = path.join(dir, 'devices', 'paired.json');
  const paired = JSON.parse(readFileSync(pairedPath, 'utf8'));
  paired[DEVICE] = {
    deviceId: DEVICE,
    publicKey: 'PUBKEY-remote',
    displayName: 'laptop',
    clientId: 'openclaw-control-ui',
    clientMode: 'webchat',
    role: 'operator',
    roles: ['operator'],
    scopes: ['operator.read'],
    tokens: { operator: { token: 'tok-remote-aaaaaaaaaaaaaaaaaaaa', role: 'operator', scopes: ['operator.read', 'operator.write'], createdAtMs: 1 } },
    createdAtMs: 1,
    approvedAtMs: 1,
  };
  writeFileSync(pairedPath, JSON.stringify(paired, null, 2), { mode: 0o600 });
  const request = { requestId: REQUEST, deviceId: DEVICE, publicKey: 'PUBKEY-remote', clientId: 'openclaw-control-ui', clientMode: 'webchat', role: 'operator', roles: ['operator'], scopes: ['operator.read', 'operator.admin'], silent: false, isRepair: true, ts: Date.now() - 1000 };
  writeFileSync(path.join(dir, 'devices', 'pending.json'), JSON.stringify({ [REQUEST]: request }, null, 2), { mode: 0o600 });
  return { dir, home: tempDir('ocf-home-') };
}

/**
 * The words bash gives `program` when `line` (starting with `program`) is pasted: a function of that name prints
 * each argument, NUL-terminated, so the exact bytes come back.
 */
function pasted(line: string, program: string): string[] {
  expect(line.startsWith(`${program} `), line).toBe(true);
  const script = `${program}() { printf '%s\\0' "$@"; }\n${line}\n`;
  const r = spawnSync('bash', ['--norc', '--noprofile', '-c', script], { env: { PATH: process.env.PATH, LANG: 'C.UTF-8' } });
  expect(r.status, `bash: ${String(r.stderr)}\n${line}`).toBe(0);
  const words: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < r.stdout.length; i++) {
    if (r.stdout[i] === 0) {
      words.push(r.stdout.subarray(start, i));
      start = i + 1;
    }
  }
  // Decoded for a readable diff: our ids are valid UTF-8, so equal text is equal bytes (a stray byte decodes to U+FFFD).
  return words.map((w) => w.toString('utf8'));
}

const bytes = (...words: string[]) => words;

/** The fix line as a user copies it out of text output: from `from` to the end of its line. */
function lineFrom(text: string, from: string): string {
  const at = text.indexOf(from);
  expect(at, `no "${from}" in\n${text}`).toBeGreaterThanOrEqual(0);
  const end = text.indexOf('\n', at);
  return text.slice(at, end < 0 ? undefined : end);
}

describe('printed fix lines pasted into bash carry the exact device id, request id and state path', () => {
  it('doctor (text and --json) and check (text, --json, --format github, --junit): rotate --device and the approve step', async () => {
    const { dir, home } = hostileState();
    const rotateArgs = bytes('rotate', '--device', DEVICE, '--scope', 'operator.write', '--state-dir', dir, ...V);

    const doctor = await runMain(['doctor', '--state-dir', dir, ...V, '--no-logs'], { home });
    expect(doctor.stdout).not.toMatch(RAW_CONTROL);
    expect(pasted(lineFrom(doctor.stdout, 'openclaw-fix rotate --device'), 'openclaw-fix')).toEqual(rotateArgs);
    // The approve step is wrapped to the terminal width: the command (between backticks) is never broken or squeezed.
    expect(pasted(lineFrom(doctor.stdout, 'openclaw devices approve').replace(/`\.?$/, ''), 'openclaw')).toEqual(bytes('devices', 'approve', REQUEST));

    const check = await runMain(['check', '--state-dir', dir, ...V, '--no-logs'], { home });
    expect(check.stdout).not.toMatch(RAW_CONTROL);
    expect(pasted(lineFrom(check.stdout, 'openclaw-fix rotate --device'), 'openclaw-fix')).toEqual(rotateArgs);

    for (const command of ['doctor', 'check']) {
      const json = await runMain([command, '--state-dir', dir, ...V, '--no-logs', '--json'], { home });
      const findings = parseJson<{ findings: { id: string; deviceId?: string; fix?: { command?: string; steps?: string[] } }[] }>(json.stdout).findings;
      const diverge = findings.find((f) => f.id === 'token-scopes-diverge' && f.deviceId === DEVICE);
      expect(pasted(diverge!.fix!.command!, 'openclaw-fix'), command).toEqual(rotateArgs);
      const repair = findings.find((f) => f.id === 'pending-repair-request');
      expect(pasted(lineFrom(repair!.fix!.steps![0]!, 'openclaw devices approve').replace(/`\.?$/, ''), 'openclaw'), command).toEqual(bytes('devices', 'approve', REQUEST));
    }

    // GitHub shows an annotation decoded (%0A, %0D, %25); the fix is its last sentence.
    const github = await runMain(['check', '--state-dir', dir, ...V, '--no-logs', '--format', 'github'], { home });
    expect(github.stdout).not.toMatch(RAW_CONTROL);
    const annotation = github.stdout.split('\n').find((l) => l.includes('Fix: openclaw-fix rotate --device'))!;
    const decoded = annotation.replace(/%0A/g, '\n').replace(/%0D/g, '\r').replace(/%25/g, '%');
    expect(pasted(decoded.slice(decoded.indexOf('Fix: ') + 5), 'openclaw-fix')).toEqual(rotateArgs);

    // A JUnit report as a CI page shows it: XML entities decoded.
    const junit = path.join(home, 'junit.xml');
    await runMain(['check', '--state-dir', dir, ...V, '--no-logs', '--fail-on', 'warning', '--junit', junit], { home });
    const xml = readFileSync(junit, 'utf8');
    expect(xml).not.toMatch(RAW_CONTROL);
    const text = xml.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
    expect(pasted(lineFrom(text, 'openclaw-fix rotate --device').replace(/<\/failure>$/, ''), 'openclaw-fix')).toEqual(rotateArgs);
  });

  it('the pasted doctor line runs rotate on that very device, and the pasted undo line restores the exact bytes', async () => {
    const { dir, home } = hostileState();
    const fakes = await fakeServices();
    // `openclaw-fix` in the pasted line is the built CLI (through the test entry, as runCli runs it).
    const env = cliEnv(home, fakes.env);
    const run = (line: string) => spawnSync('bash', ['--norc', '--noprofile', '-c', `openclaw-fix() { ${JSON.stringify(process.execPath)} ${JSON.stringify(HOOKED_BIN)} "$@"; }\n${line}`], { env, encoding: 'utf8', cwd: home });

    const doctor = await runMain(['doctor', '--state-dir', dir, ...V, '--no-logs'], { home });
    const fix = lineFrom(doctor.stdout, 'openclaw-fix rotate --device');
    const dry = run(`${fix} --dry-run --json`);
    const plan = JSON.parse(dry.stdout).plan;
    expect(plan.target.deviceId).toBe(DEVICE);
    expect(plan.arrays).toMatchObject([{ field: 'scopes', added: ['operator.write'] }]);

    const original = readFileSync(path.join(dir, 'devices', 'paired.json'), 'utf8');
    const rotated = run(`${fix} --yes --no-restart --no-probe`);
    // Exit 1: the refused repair request for operator.admin is a new grant rotate holds back.
    expect(rotated.status, rotated.stdout + rotated.stderr).toBe(1);
    expect(rotated.stdout).toContain('✓ Done');
    expect(rotated.stdout + rotated.stderr).not.toMatch(RAW_CONTROL);
    expect(JSON.parse(readFileSync(path.join(dir, 'devices', 'paired.json'), 'utf8'))[DEVICE].scopes).toEqual(['operator.read', 'operator.write']);
    const undo = lineFrom(rotated.stdout, 'openclaw-fix restore ');
    const [backup] = readdirSync(path.join(dir, 'backups', 'openclaw-fix'));
    expect(pasted(undo, 'openclaw-fix')).toEqual(bytes('restore', backup!, '--state-dir', dir, ...V));
    const restored = run(`${undo} --yes --no-restart`);
    expect(restored.stdout, restored.stdout + restored.stderr).toContain('✓ Done');
    expect(restored.stdout + restored.stderr).not.toMatch(RAW_CONTROL);
    expect(readFileSync(path.join(dir, 'devices', 'paired.json'), 'utf8')).toBe(original);
  });

  it('the chmod line for a store others can read names the exact path', async () => {
    const { dir, home } = hostileState();
    const paired = path.join(dir, 'devices', 'paired.json');
    chmodSync(paired, 0o644);
    const doctor = await runMain(['doctor', '--state-dir', dir, ...V, '--no-logs'], { home });
    expect(doctor.stdout).not.toMatch(RAW_CONTROL);
    expect(pasted(lineFrom(doctor.stdout, 'chmod 600 '), 'chmod')).toEqual(['600', paired]);
  });

  it('any device id, request id and state dir name (fast-check): the pasted doctor lines carry them exactly, and nothing raw is printed', async () => {
    const pieces = ['\u001b[2J', '\u009b', '\r', '\n', '\t', '\u007f', '\u202e', '\u200b', '\u00a0', "'", '"', '\\', '`', '$(id)', '!', ' ', '  ', '::', 'é'];
    // No NUL (no command line can carry one) and no lone surrogate; a fixed prefix keeps a name like __proto__ out.
    const text = fc
      .array(fc.oneof(fc.constantFrom(...pieces), fc.string({ maxLength: 3 }), fc.string({ unit: 'binary', maxLength: 3 })), { maxLength: 6 })
      .map((parts) => parts.join('').replace(/\u0000/g, '').replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, ''));
    await fc.assert(
      fc.asyncProperty(text, text, text.map((t) => t.replace(/\//g, '')), async (d, q, n) => {
        const ids = { device: `dev-${d}`, request: `req-${q}`, dirName: `state-${n}` };
        const { dir, home } = hostileState(ids);
        const doctor = await runMain(['doctor', '--state-dir', dir, ...V, '--no-logs'], { home });
        expect(doctor.stdout).not.toMatch(RAW_CONTROL);
        expect(pasted(lineFrom(doctor.stdout, 'openclaw-fix rotate --device'), 'openclaw-fix')).toEqual(['rotate', '--device', ids.device, '--scope', 'operator.write', '--state-dir', dir, ...V]);
        expect(pasted(lineFrom(doctor.stdout, 'openclaw devices approve').replace(/`\.?$/, ''), 'openclaw')).toEqual(['devices', 'approve', ids.request]);
      }),
      { numRuns: 15 },
    );
  });
});
