/**
 * Inputs no one here wrote (issue 17): a state dir of another user, FIFOs, devices and directories where a file
 * belongs, endless stdin, unbounded nesting. Each is tried on more than the one file first reported.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { readBounded, readStreamBounded } from '../../src/core/bounded-read.js';
import { IS_ROOT, ROOT, copyState, FIXTURES, tempDir } from '../helpers.js';
import { RUNTIME_FILES } from '../runtime.js';

const V = ['--openclaw-version', '2026.2.19'];

/**
 * The built CLI copied to a world-readable temp dir: the checkout may sit under a 0700 directory that
 * uid 65534 cannot enter, which would fail for the wrong reason. The bundle needs no node_modules.
 */
const INSTALL = mkdtempSync(path.join(os.tmpdir(), 'ocf-install-'));
chmodSync(INSTALL, 0o755);
for (const p of RUNTIME_FILES) cpSync(path.join(ROOT, p), path.join(INSTALL, p), { recursive: true });
afterAll(() => rmSync(INSTALL, { recursive: true, force: true }));
/** The launcher behind the test entry (helpers.ts HOOKED_BIN), so the file-log stand-in below is used. */
const BIN = path.join(INSTALL, 'test', 'support', 'hooked-cli.mjs');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI with a deadline well under vitest's: a hang shows up as code null, not as a stuck suite. */
function cli(args: string[], opts: { uid?: number; input?: string } = {}): Run {
  const home = tempDir('ocf-home-');
  chmodSync(home, 0o777);
  // Another user runs globalSetup's copy: the node binary may sit in the clone (node_modules/node) too.
  const other = opts.uid !== undefined ? inject('otherUserRuntime') : undefined;
  const r = spawnSync(other?.node ?? process.execPath, [other?.hookedBin ?? BIN, ...args], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, LANG: 'C.UTF-8', OPENCLAW_FIX_TEST_LOG_ROOT: path.join(home, 'no-logs') },
    cwd: home,
    encoding: 'utf8',
    input: opts.input ?? '',
    timeout: 120_000,
    ...(opts.uid !== undefined ? { uid: opts.uid, gid: opts.uid } : {}),
  });
  return { code: r.status, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
}

/** A copy of a fixture under a dir uid 65534 can reach (tempDir is /tmp/ocf-*, mode 0700 from mkdtemp). */
function reachableState(fixture = '2.19-seed-loop'): string {
  const dir = copyState(path.join(FIXTURES, fixture));
  chmodSync(path.dirname(dir), 0o755);
  return dir;
}

function oneLine(r: Run): string {
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  return r.stderr;
}

// Root's state read as nobody: only root can set that up (IS_ROOT).
describe.runIf(IS_ROOT)('case 1: a state this user cannot enter is the wrong user, not a corrupt store', () => {
  it('state dir 0700 of root, run as uid 65534: exit 2, one line, no restore advice', () => {
    const dir = reachableState(); // applyStateModes left it 0700, owned by root
    for (const cmd of ['doctor', 'check']) {
      const r = cli([cmd, '--state-dir', dir, ...V], { uid: 65534 });
      expect(r.code, r.stdout + r.stderr).toBe(2);
      expect(oneLine(r)).toMatch(/Cannot read .* as this user.*run openclaw-fix as the owner/);
      expect(r.stdout + r.stderr).not.toMatch(/restore|corrupt/i);
    }
  });
  it('the same for a 0700 identity/ inside a readable state dir, and in --json', () => {
    const dir = reachableState();
    chmodSync(dir, 0o755);
    chmodSync(path.join(dir, 'devices'), 0o755);
    for (const f of ['devices/paired.json', 'devices/pending.json', 'openclaw.json']) chmodSync(path.join(dir, f), 0o644);
    // identity/ stays 0700: device.json behind it must not read as "identity unreadable, restore it" (M09).
    const r = cli(['doctor', '--state-dir', dir, ...V, '--json'], { uid: 65534 });
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.stdout) as { error: { code: string; message: string } };
    expect(doc.error.code).toBe('permission-denied');
    expect(doc.error.message).toContain(path.join(dir, 'identity'));
  });
  it('a parent directory this user cannot enter is not "no state directory"', () => {
    const dir = reachableState();
    chmodSync(path.dirname(dir), 0o700);
    const r = cli(['doctor', '--state-dir', dir, ...V], { uid: 65534 });
    expect(r.code).toBe(2);
    expect(oneLine(r)).toMatch(/as this user/);
    expect(r.stderr).not.toMatch(/No OpenClaw state directory/);
  });
});

describe('case 8: no file is opened unless it is a regular file', () => {
  const shapes: [string, (p: string) => void][] = [
    ['a FIFO', (p) => expect(spawnSync('mkfifo', [p]).status).toBe(0)],
    ['a link to /dev/zero', (p) => symlinkSync('/dev/zero', p)],
    ['a directory', (p) => mkdirSync(p)],
  ];
  it.each(shapes)('state/openclaw.sqlite as %s: doctor, check and rotate exit 2 with one line naming it', (_name, make) => {
    const dir = reachableState('sqlite-9.6-fresh');
    const db = path.join(dir, 'state', 'openclaw.sqlite');
    rmSync(db);
    make(db);
    for (const cmd of [['doctor'], ['check'], ['rotate', '--yes', '--no-restart']]) {
      const r = cli([...cmd, '--state-dir', dir, '--openclaw-version', '2026.9.6']);
      expect(r.code, `${cmd[0]}: ${r.stderr}`).toBe(2);
      expect(oneLine(r)).toContain(`${db} is `);
      expect(r.stderr).toMatch(/not a SQLite database file/);
    }
  });
  it('a FIFO as the -wal beside the database is refused too, not waited on', () => {
    const dir = reachableState('sqlite-9.6-fresh');
    expect(spawnSync('mkfifo', [path.join(dir, 'state', 'openclaw.sqlite-wal')]).status).toBe(0);
    const r = cli(['doctor', '--state-dir', dir, '--openclaw-version', '2026.9.6']);
    expect(r.code).toBe(2);
    expect(oneLine(r)).toContain('openclaw.sqlite-wal is a named pipe');
  });
  it('gateway.systemd.env (read for the service token) as a FIFO: doctor finishes', () => {
    const dir = reachableState();
    expect(spawnSync('mkfifo', [path.join(dir, 'gateway.systemd.env')]).status).toBe(0);
    expect(cli(['doctor', '--state-dir', dir, ...V]).code).toBe(1);
  });
  it('a backup manifest and a backup copy as FIFOs: restore --list and restore finish', () => {
    const dir = reachableState();
    expect(cli(['rotate', '--state-dir', dir, ...V, '--yes', '--no-restart']).code).toBe(0);
    const backups = path.join(dir, 'backups', 'openclaw-fix');
    const [name] = readdirSync(backups);
    const copy = path.join(backups, name!, 'devices', 'paired.json');
    rmSync(copy);
    expect(spawnSync('mkfifo', [copy]).status).toBe(0);
    const r = cli(['restore', name!, '--state-dir', dir, ...V, '--yes', '--no-restart']);
    expect(r.code).toBe(2);
    expect(oneLine(r)).toMatch(/paired\.json \(the backup copy\): it is a named pipe/);
    rmSync(path.join(backups, name!, 'manifest.json'));
    expect(spawnSync('mkfifo', [path.join(backups, name!, 'manifest.json')]).status).toBe(0);
    expect(cli(['restore', '--list', '--state-dir', dir, ...V]).code).not.toBeNull();
  });
  it.each(['devices/paired.json', 'identity/device.json', 'openclaw.json', 'identity/device-auth.json'])('%s as a FIFO: doctor finishes and names it', (rel) => {
    const dir = reachableState();
    rmSync(path.join(dir, rel));
    expect(spawnSync('mkfifo', [path.join(dir, rel)]).status).toBe(0);
    const r = cli(['doctor', '--state-dir', dir, ...V, '--json']);
    expect(r.code, r.stderr).not.toBeNull();
    expect(r.stdout).toContain('named pipe');
  });
  it('a log file given to `logs` as a FIFO is named, not waited on', () => {
    const dir = tempDir();
    const fifo = path.join(dir, 'gateway.log');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const r = cli(['logs', '--log', fifo]);
    expect(r.code).not.toBeNull();
    expect(r.stdout + r.stderr).toMatch(/named pipe/);
  });
});

describe('case 7: the paste limit is enforced while reading', () => {
  it('explain /dev/zero is refused at once, naming the file', () => {
    const r = cli(['explain', '/dev/zero']);
    expect(r.code).toBe(2);
    expect(oneLine(r)).toMatch(/\/dev\/zero \(the paste\): it is a device node/);
  });
  it('endless stdin (`yes | openclaw-fix explain -`) stops at the limit and says so', async () => {
    const child = spawn(process.execPath, [BIN, 'explain', '-'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const line = Buffer.alloc(1 << 16, 'y\n');
    const feed = () => {
      while (child.stdin.writable && child.stdin.write(line));
    };
    child.stdin.on('drain', feed);
    child.stdin.on('error', () => undefined); // EPIPE once the CLI stops reading: that is the point
    feed();
    const killer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    clearTimeout(killer);
    expect(code).toBe(2);
    expect(stderr).toMatch(/stdin is over the 8 MiB this reads; stopped reading there/);
  });
  it('a file over the limit and a FIFO as the paste file are refused with one line', () => {
    const dir = tempDir();
    const big = path.join(dir, 'big.txt');
    writeFileSync(big, Buffer.alloc(9 * 1048576, 'a'));
    expect(oneLine(cli(['explain', big]))).toMatch(/over the 8 MiB/);
    const fifo = path.join(dir, 'paste');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const r = cli(['explain', fifo]);
    expect(r.code).toBe(2);
    expect(oneLine(r)).toMatch(/named pipe.*explain - </);
  });
  it('readBounded stops at the limit on a growing source and readStreamBounded on an endless one', async () => {
    expect(readBounded('/dev/zero', 10)).toMatchObject({ ok: false, reason: 'not-regular' });
    const dir = tempDir();
    writeFileSync(path.join(dir, 'f'), 'x'.repeat(100));
    expect(readBounded(path.join(dir, 'f'), 99)).toMatchObject({ ok: false, reason: 'too-large' });
    expect(readBounded(path.join(dir, 'f'), 100)).toMatchObject({ ok: true });
    let pulled = 0;
    const endless = new Readable({
      read() {
        pulled += 1024;
        this.push(Buffer.alloc(1024, 'y'));
      },
    });
    await expect(readStreamBounded(endless, 64 * 1024, 'stdin', '')).rejects.toThrow(/over the 0.1 MiB/);
    expect(pulled).toBeLessThan(1024 * 1024);
  });
});

describe('case 6: any nesting depth', () => {
  it.each(['['.repeat(2000), '['.repeat(200_000), '{"a":'.repeat(100_000), '{"devices": ' + '['.repeat(5000) + ' "pairing required" 1008'])('explain on deep nesting (%#) answers', (input) => {
    const r = cli(['explain', '-', '--json'], { input });
    expect(r.code, r.stderr).toBeOneOf([0, 1]);
    expect(r.stderr).not.toMatch(/call stack|bug/i);
    expect(JSON.parse(r.stdout)).toHaveProperty('command', 'explain');
  });
  it('deeply nested store and config files are diagnosed, not a crash', () => {
    const dir = reachableState();
    writeFileSync(path.join(dir, 'openclaw.json'), `{x: ${'['.repeat(100_000)}1${']'.repeat(100_000)},}`);
    writeFileSync(path.join(dir, 'devices', 'pending.json'), `{"x":${'{"a":'.repeat(100_000)}1${'}'.repeat(100_001)}`);
    const r = cli(['doctor', '--state-dir', dir, ...V]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).not.toMatch(/call stack|bug/i);
  });
});
