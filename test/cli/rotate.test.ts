/** rotate as a user runs it: the sample state end to end, dry runs, refusals, and secrets. */
import { chmodSync, chownSync, lstatSync, readdirSync, readFileSync, renameSync, statSync, symlinkSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, copyFixture, copyState, IS_ROOT, leakedSecrets, parseJson, ROOT, runCli, SAMPLE, tempDir } from '../helpers.js';
import { fakeServices } from '../fakes/index.js';

const SAMPLE_TOKEN = 'REDACTED-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx';
const V = ['--openclaw-version', '2026.2.19'];

function bytes(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const rel of ['devices/paired.json', 'devices/pending.json', 'identity/device-auth.json', 'identity/device.json']) {
    try {
      out[rel] = readFileSync(path.join(dir, rel), 'utf8');
    } catch {
      // absent in this fixture
    }
  }
  return out;
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? [path.join(dir, e.name), ...walk(path.join(dir, e.name))] : [path.join(dir, e.name)]));
}

describe('rotate on the real 2026.2.19 sample (the issue\'s "done when")', () => {
  it('adds write and read to both arrays, keeps the token, clears the request, leaves a backup; doctor then exits 0; restore brings back the exact bytes', async () => {
    const dir = copyState(SAMPLE);
    const original = bytes(dir);
    const fakes = await fakeServices();
    const env = fakes.env;
    const before = runCli(['doctor', '--state-dir', dir, ...V, '--no-logs'], { env });
    expect(before.code).toBe(1);

    const r = runCli(['rotate', '--state-dir', dir, ...V, '--yes', '--no-restart'], { env });
    expect(r.stderr).not.toMatch(/unexpected/);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Done');
    const paired = JSON.parse(readFileSync(path.join(dir, 'devices/paired.json'), 'utf8'));
    const host = Object.values(paired)[0] as { scopes: string[]; tokens: { operator: { scopes: string[]; token: string } } };
    expect(host.scopes).toEqual(['operator.admin', 'operator.approvals', 'operator.pairing', 'operator.write', 'operator.read']);
    expect(host.tokens.operator.scopes).toEqual(host.scopes);
    expect(host.tokens.operator.token).toBe(SAMPLE_TOKEN);
    expect(JSON.parse(readFileSync(path.join(dir, 'devices/pending.json'), 'utf8'))).toEqual({});
    expect(statSync(path.join(dir, 'devices/paired.json')).mode & 0o777).toBe(0o600);
    // Written exactly as OpenClaw writes: 2-space JSON, no trailing newline.
    const text = readFileSync(path.join(dir, 'devices/paired.json'), 'utf8');
    expect(text).toBe(JSON.stringify(JSON.parse(text), null, 2));

    const backups = readdirSync(path.join(dir, 'backups/openclaw-fix'));
    expect(backups).toHaveLength(1);
    const bdir = path.join(dir, 'backups/openclaw-fix', backups[0]!);
    expect(statSync(bdir).mode & 0o777).toBe(0o700);
    expect(readFileSync(path.join(bdir, 'devices/paired.json'), 'utf8')).toBe(original['devices/paired.json']);
    expect(statSync(path.join(bdir, 'devices/paired.json')).mode & 0o777).toBe(0o600);
    const manifest = JSON.parse(readFileSync(path.join(bdir, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ command: 'rotate', status: 'applied' });
    expect(manifest.description).toMatch(/granted operator.write, operator.read/);

    const after = runCli(['doctor', '--state-dir', dir, ...V, '--no-logs'], { env });
    expect(after.code).toBe(0);

    const again = runCli(['rotate', '--state-dir', dir, ...V, '--yes', '--no-restart'], { env });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Nothing to do');

    const restored = runCli(['restore', '--state-dir', dir, '--yes', '--no-restart'], { env });
    expect(restored.code).toBe(0);
    const now = bytes(dir);
    for (const rel of ['devices/paired.json', 'devices/pending.json', 'identity/device-auth.json']) expect(now[rel]).toBe(original[rel]);
    expect(leakedSecrets([SAMPLE_TOKEN], before.stdout, r.stdout, r.stderr, restored.stdout, restored.stderr)).toEqual([]);
  });

  it('--json: one document with the plan and the result', async () => {
    const dir = copyState(SAMPLE);
    const { env } = await fakeServices();
    const r = runCli(['rotate', '--state-dir', dir, ...V, '--yes', '--no-restart', '--json'], { env });
    expect(r.code).toBe(0);
    const json = parseJson<{ command: string; ok: boolean; plan: { files: string[]; arrays: { field: string; added: string[] }[]; newToken: boolean }; result: { status: string; backup: { name: string }; written: string[]; undo: string } }>(r.stdout);
    expect(json).toMatchObject({ command: 'rotate', ok: true, plan: { newToken: false }, result: { status: 'applied' } });
    expect(json.plan.arrays.find((a) => a.field === 'scopes')?.added).toEqual(['operator.write', 'operator.read']);
    expect(json.result.written).toEqual(['devices/paired.json', 'identity/device-auth.json', 'devices/pending.json']);
    expect(json.result.undo).toContain(`restore ${json.result.backup.name}`);
    expect(r.stdout).not.toContain(SAMPLE_TOKEN);
  });
});

describe('rotate changes nothing when it should not', () => {
  it('--dry-run prints the plan and leaves bytes, mode and mtime alone', async () => {
    const dir = copyState(SAMPLE);
    const { env } = await fakeServices();
    const file = path.join(dir, 'devices/paired.json');
    const st = statSync(file);
    const before = bytes(dir);
    const r = runCli(['rotate', '--state-dir', dir, ...V, '--dry-run'], { env });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('+ operator.write, operator.read');
    expect(r.stdout).toContain('Dry run: nothing was changed.');
    expect(bytes(dir)).toEqual(before);
    expect(statSync(file).mtimeMs).toBe(st.mtimeMs);
    expect(statSync(file).mode).toBe(st.mode);
    expect(() => statSync(path.join(dir, 'backups'))).toThrow();
  });

  it('without a terminal and without --yes: refuses with exit 2, nothing changed', async () => {
    const dir = copyState(SAMPLE);
    const { env } = await fakeServices();
    const before = bytes(dir);
    const r = runCli(['rotate', '--state-dir', dir, ...V], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Refusing to change');
    expect(r.stderr).toContain('--yes');
    expect(bytes(dir)).toEqual(before);
  });

  it('on a terminal, the confirmation defaults to no: declining exits 1 and changes nothing', async () => {
    const dir = copyState(SAMPLE);
    const { env } = await fakeServices();
    const before = bytes(dir);
    // `script` gives the CLI a real terminal. The answer is typed every half second until the CLI is gone: a
    // loaded machine may put the prompt up late, and whatever comes after the first answer is never read.
    const cmd = `for i in $(seq 1 400); do sleep 0.5; printf 'n\\r' 2>/dev/null || exit 0; done`;
    const r = spawnSync('bash', ['-c', `(${cmd}) | script -qec "${process.execPath} ${BIN} rotate --state-dir ${dir} --openclaw-version 2026.2.19 --no-color; echo EXIT=\\$?" /dev/null`], {
      env: { ...process.env, ...env },
      encoding: 'utf8',
      timeout: 240_000,
    });
    expect(r.stdout).toContain('Apply this change');
    expect(r.stdout).toContain('Declined. Nothing was changed.');
    expect(r.stdout).toMatch(/EXIT=1/);
    expect(bytes(dir)).toEqual(before);
  });

  it('an unknown --scope is refused (exit 2) and a healthy state says "nothing to do" (exit 0)', async () => {
    const { env } = await fakeServices();
    const dir = copyState(SAMPLE);
    const bad = runCli(['rotate', '--state-dir', dir, ...V, '--yes', '--scope', 'operator.root'], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Unknown scope "operator.root"');
    const healthy = copyFixture('2.22-seed-scopes');
    const before = bytes(healthy.dir);
    const r = runCli(['rotate', '--state-dir', healthy.dir, '--openclaw-version', '2026.2.22', '--yes'], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Nothing to do');
    expect(bytes(healthy.dir)).toEqual(before);
  });

  it('a remote device is not touched unless named with --device; named, the plan says it is remote', async () => {
    const { dir, meta } = copyFixture('2.19-remote-device-narrow');
    const { env } = await fakeServices();
    const before = bytes(dir);
    const r = runCli(['rotate', '--state-dir', dir, ...V, '--yes'], { env });
    expect(r.code).toBe(0);
    expect(bytes(dir)).toEqual(before);
    const paired = JSON.parse(before['devices/paired.json']!) as Record<string, { remoteIp?: string }>;
    const remote = Object.keys(paired).find((k) => paired[k]!.remoteIp)!;
    const named = runCli(['rotate', '--state-dir', dir, ...V, '--device', remote.slice(0, 12), '--scope', 'operator.write', '--yes', '--no-restart'], { env });
    expect(named.code).toBe(0);
    expect(named.stdout).toContain('REMOTE device (remoteIp 192.168.1.20');
    const after = JSON.parse(readFileSync(path.join(dir, 'devices/paired.json'), 'utf8'));
    expect(after[remote].scopes).toContain('operator.write');
    // The host's own record is untouched.
    const hostId = Object.keys(paired).find((k) => k !== remote)!;
    expect(after[hostId]).toEqual(JSON.parse(before['devices/paired.json']!)[hostId]);
    expect(leakedSecrets(meta.secrets, named.stdout, named.stderr)).toEqual([]);
  });

  it.each(['store-truncated', 'store-bom', 'store-empty', 'store-list-shape'])('%s: refused with exit 2, nothing written', async (name) => {
    const { dir, meta } = copyFixture(name);
    const { env } = await fakeServices();
    const before = bytes(dir);
    const r = runCli(['rotate', '--state-dir', dir, '--openclaw-version', meta.openclawVersion!, '--yes'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/does not write a store it cannot read; nothing was changed/);
    expect(bytes(dir)).toEqual(before);
    expect(() => statSync(path.join(dir, 'backups'))).toThrow();
    expect(leakedSecrets(meta.secrets, r.stdout, r.stderr)).toEqual([]);
  });

  it('a symlinked paired.json is refused with an explanation', async () => {
    const dir = copyState(SAMPLE);
    const { env } = await fakeServices();
    const real = path.join(dir, 'paired.real.json');
    renameSync(path.join(dir, 'devices/paired.json'), real);
    symlinkSync(real, path.join(dir, 'devices/paired.json'));
    const r = runCli(['rotate', '--state-dir', dir, ...V, '--yes'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/symbolic link/);
    expect(lstatSync(path.join(dir, 'devices/paired.json')).isSymbolicLink()).toBe(true);
  });

  // Root's store, rotate run as nobody: only root can set that up (IS_ROOT).
  it.runIf(IS_ROOT)("another user's file: refused, nothing written", async () => {
    const dir = copyState(SAMPLE);
    const { env } = await fakeServices();
    // Readable by uid 65534, owned by root: rotate as 65534 must not write root's store.
    for (const p of [path.dirname(path.dirname(dir)), path.dirname(dir), dir, path.join(dir, 'devices'), path.join(dir, 'identity')]) chmodSync(p, 0o755);
    for (const f of ['devices/paired.json', 'devices/pending.json', 'identity/device-auth.json', 'identity/device.json']) chmodSync(path.join(dir, f), 0o644);
    const home = tempDir('ocf-home-');
    chownSync(home, 65534, 65534);
    const before = bytes(dir);
    const r = runCli(['rotate', '--state-dir', dir, ...V, '--yes', '--no-restart'], { env, uid: 65534, gid: 65534, home });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/belongs to root \(uid 0\).*Run openclaw-fix as that user/);
    expect(bytes(dir)).toEqual(before);
  });

  it('a read-only devices directory: refused before anything is stopped or written', async () => {
    const dir = copyState(SAMPLE);
    const { env } = await fakeServices();
    for (const p of [path.dirname(path.dirname(dir)), path.dirname(dir)]) chmodSync(p, 0o755);
    const home = tempDir('ocf-home-');
    // As root, nobody's state run as nobody (root ignores modes); anyone else is refused by the mode as themselves.
    if (IS_ROOT) {
      chownSync(home, 65534, 65534);
      for (const p of walk(dir).concat(dir)) chownSync(p, 65534, 65534);
    }
    chmodSync(path.join(dir, 'devices'), 0o555);
    const before = bytes(dir);
    const r = runCli(['rotate', '--state-dir', dir, ...V, '--yes', '--no-restart'], { env, home, ...(IS_ROOT ? { uid: 65534, gid: 65534 } : {}) });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/read-only/);
    expect(bytes(dir)).toEqual(before);
    chmodSync(path.join(dir, 'devices'), 0o700);
  });

  it('--demo works on a temp copy and never writes into the package', async () => {
    const { env } = await fakeServices();
    const demo = path.join(ROOT, 'fixtures/demo');
    const before = bytes(demo);
    const r = runCli(['rotate', '--demo', '--yes', '--no-restart'], { env });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/working on a copy of the demo state in \S+/);
    expect(bytes(demo)).toEqual(before);
    expect(() => statSync(path.join(demo, 'backups'))).toThrow();
  });
});

describe('secrets', () => {
  it('no token or private key in any output mode, error path or backup file name', async () => {
    const { dir, meta } = copyFixture('2.19-seed-loop');
    const { env } = await fakeServices();
    const outs: string[] = [];
    for (const args of [['--dry-run'], ['--dry-run', '--json'], [], ['--scope', 'nope'], ['--yes', '--no-restart', '--json', '--verbose']]) {
      const r = runCli(['rotate', '--state-dir', dir, ...V, ...args], { env });
      outs.push(r.stdout, r.stderr);
    }
    const list = runCli(['restore', '--list', '--state-dir', dir, '--json'], { env });
    outs.push(list.stdout, list.stderr);
    expect(leakedSecrets(meta.secrets, ...outs)).toEqual([]);
    const names = walk(path.join(dir, 'backups')).map((p) => path.relative(dir, p));
    expect(names.length).toBeGreaterThan(0);
    expect(leakedSecrets(meta.secrets, ...names)).toEqual([]);
    const manifest = walk(path.join(dir, 'backups')).find((p) => p.endsWith('manifest.json'))!;
    expect(leakedSecrets(meta.secrets, readFileSync(manifest, 'utf8'))).toEqual([]);
  });
});
