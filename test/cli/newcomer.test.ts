/** Issue 17, newcomer friction (cases 11, 12, 14, 16): what a first user on an ordinary machine runs into. */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { BIN, copyFixture, IS_ROOT, ROOT, runCli, tempDir } from '../helpers.js';

const V = ['--openclaw-version', '2026.2.19'];

/** Makes the launcher see an old Node (process.versions is what it checks), without installing one. */
function oldNodeImport(): string {
  const file = path.join(tempDir('ocf-oldnode-'), 'old-node.mjs');
  writeFileSync(file, "Object.defineProperty(process.versions, 'node', { value: '20.19.0' });\n");
  return file;
}

/** The CLI as `npm install -g ./openclaw-fix-<v>.tgz` lays it out: no node_modules/node beside it. */
function installedCopy(): string {
  const dir = path.join(tempDir('ocf-global-'), 'openclaw-fix');
  mkdirSync(path.join(dir, 'dist'), { recursive: true });
  for (const p of ['bin', 'dist/bundle', 'package.json']) cpSync(path.join(ROOT, p), path.join(dir, p), { recursive: true });
  return path.join(dir, 'bin', 'openclaw-fix.js');
}

function onOldNode(bin: string, args: string[]) {
  // TMPDIR as the user's shell has it (--demo copies there; /tmp is not everyone's).
  const env = { PATH: process.env.PATH, HOME: tempDir(), ...(process.env.TMPDIR ? { TMPDIR: process.env.TMPDIR } : {}) };
  const r = spawnSync(process.execPath, ['--import', oldNodeImport(), bin, ...args], { encoding: 'utf8', env, timeout: 240_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('case 12: an installed CLI on Node older than 22.13', () => {
  it('--json and check --format json print the documented error document; github gets an annotation; text one line', () => {
    const bin = installedCopy();
    for (const args of [['doctor', '--json'], ['check', '--format', 'json'], ['check', '--format=json']]) {
      const r = onOldNode(bin, args);
      expect(r.code).toBe(2);
      expect(JSON.parse(r.stdout)).toMatchObject({ schemaVersion: 1, command: args[0], ok: false, exitCode: 2, error: { code: 'node-too-old' } });
    }
    const gh = onOldNode(bin, ['check', '--format', 'github']);
    expect(gh.code).toBe(2);
    expect(gh.stdout).toMatch(/^::error title=openclaw-fix::openclaw-fix needs Node.js 22.13/);
    const text = onOldNode(bin, ['check']);
    expect(text.code).toBe(2);
    expect(text.stdout).toBe('');
    expect(text.stderr.trim().split('\n')).toHaveLength(1);
    expect(text.stderr).toMatch(/needs Node.js 22.13 or newer \(found 20.19.0\).*Install Node 22/);
  });
  it('--version still answers (scripts probe the install with it)', () => {
    const r = onOldNode(installedCopy(), ['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('case 11: the commands openclaw-fix prints work in the shell the README set up', () => {
  it('a clone (npm install, npm link) runs on its pinned Node 22 even when the shell node is older', () => {
    // `npm link` points openclaw-fix at bin/openclaw-fix.js of the clone; the shell's node may be 20.
    const r = onOldNode(BIN, ['doctor', '--demo', '--json', '--no-logs']);
    expect(r.code, r.stderr).toBe(1);
    const doc = JSON.parse(r.stdout) as { findings: { id: string; fix?: { command?: string } }[] };
    const fix = doc.findings.find((f) => f.fix?.command)?.fix?.command ?? '';
    expect(fix).toMatch(/^openclaw-fix rotate/);
    // The printed command, run the same way (after `npm link` it is on PATH), works.
    const words = fix.split(' ').slice(1);
    const again = onOldNode(BIN, [...words, '--dry-run']);
    expect(again.code, again.stderr).toBe(1);
    expect(again.stdout).toContain('Dry run: nothing was changed.');
  });
});

describe('case 16: the log benchmark checks the runtime first', () => {
  it('on an old Node it exits 2 at once, before generating the 1 GB file', () => {
    const tmp = tempDir('ocf-tmpdir-');
    const r = spawnSync(process.execPath, ['--import', oldNodeImport(), path.join(ROOT, 'scripts', 'bench-logs.mjs')], { encoding: 'utf8', env: { PATH: process.env.PATH, TMPDIR: tmp }, timeout: 30_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/needs Node.js 22.13 or newer \(this is 20.19.0\)/);
    expect(readdirSync(tmp)).toEqual([]);
  });
});

describe('case 14: small things a first user trips on', () => {
  it('--json with an unknown option, and --device \'\', still print the JSON error document', () => {
    for (const args of [['doctor', '--json', '--bogus'], ['check', '--format', 'json', '--bogus'], ['rotate', '--demo', '--json', '--device', '']]) {
      const r = runCli(args);
      expect(r.code).toBe(2);
      expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, exitCode: 2, command: args[0], error: { code: 'usage' } });
    }
  });
  it("--device '' is refused, not read as this host", () => {
    const { dir } = copyFixture('2.19-seed-loop');
    const r = runCli(['rotate', '--state-dir', dir, ...V, '--device', '', '--yes', '--no-restart']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--device needs a device id/);
  });
  it('check --fix --quiet prints nothing when the repair worked', () => {
    const { dir } = copyFixture('2.19-seed-loop');
    const r = runCli(['check', '--state-dir', dir, ...V, '--fix', '--quiet', '--no-restart', '--no-logs']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('');
  });
  // A read-only bind mount: only root can make one (IS_ROOT).
  it.runIf(IS_ROOT)('a read-only file system is called that, not "read-only for this user"', () => {
    const { dir } = copyFixture('2.19-seed-loop');
    expect(spawnSync('mount', ['--bind', dir, dir]).status).toBe(0);
    onTestFinished(() => void spawnSync('umount', [dir]));
    expect(spawnSync('mount', ['-o', 'remount,ro,bind', dir]).status).toBe(0);
    const r = runCli(['rotate', '--state-dir', dir, ...V, '--yes', '--no-restart']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/on a read-only file system/);
    expect(r.stderr).not.toMatch(/for this user/);
  });
});
