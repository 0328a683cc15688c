/**
 * openclaw-fix run as root on a state another user owns and shapes (issue 16): no write through a link it did
 * not create, and nothing it creates left where that user cannot use it. Each attack is tried on a sibling too.
 */
import { chmodSync, chownSync, cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyFixture, copyState, runCli, SAMPLE, tempDir } from '../helpers.js';
import { fakeServices } from '../fakes/index.js';
import { NOBODY, STACK_LINE, TEST_BIN } from './corpus.js';

const V = ['--openclaw-version', '2026.2.19'];
const UNIT = 'openclaw-gateway.service';
const isRoot = process.getuid?.() === 0;
const linux = process.platform === 'linux';

/** Every file's bytes and every entry's kind under `dir`: what "nothing written" is checked against. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      const rel = path.relative(dir, p);
      if (e.isSymbolicLink()) out[rel] = 'link';
      else if (e.isDirectory()) {
        out[rel] = `dir ${(statSync(p).mode & 0o7777).toString(8)}`;
        walk(p);
      } else out[rel] = readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

/** A directory outside the state that a link would send root's writes into. */
function victim(): { dir: string; file: string; before: Record<string, string> } {
  const dir = path.join(tempDir('ocf-victim-'), 'victim');
  mkdirSync(path.join(dir, 'devices'), { recursive: true, mode: 0o755 });
  mkdirSync(path.join(dir, 'openclaw-fix'), { mode: 0o755 });
  const file = path.join(dir, 'important.conf');
  writeFileSync(file, 'keep me\n', { mode: 0o644 });
  cpSync(path.join(SAMPLE, 'devices', 'paired.json'), path.join(dir, 'devices', 'paired.json'));
  cpSync(path.join(SAMPLE, 'devices', 'paired.json'), path.join(dir, 'paired.json'));
  return { dir, file, before: tree(dir) };
}

describe.runIf(linux)('a link planted where openclaw-fix writes is refused, nothing written', () => {
  // The place, and what the link points at inside the victim dir (a directory for a directory, a file for a file).
  const PLACES: [string, string][] = [
    ['devices', 'devices'],
    ['identity', 'devices'],
    // The SQLite era's directory: refused on a JSON-era state too (nothing writes through it, ever).
    ['state', '.'],
    ['backups', '.'],
    ['backups/openclaw-fix', 'openclaw-fix'],
    ['openclaw-fix.lock', 'important.conf'],
  ];
  it.each(PLACES)('%s as a symbolic link: exit 2, one line naming it, the target untouched', async (place, to) => {
    const dir = copyState(SAMPLE);
    const v = victim();
    const { env } = await fakeServices();
    const at = path.join(dir, place);
    mkdirSync(path.dirname(at), { recursive: true });
    let target = path.join(v.dir, to);
    if (existsSync(at)) {
      // The store's own directory moved out and linked back: it reads fine, only a write would go astray.
      target = path.join(v.dir, `${place}-moved`);
      renameSync(at, target);
    }
    symlinkSync(target, at);
    const victimBefore = tree(v.dir);
    const stateBefore = tree(dir);
    const r = runCli(['rotate', '--state-dir', dir, ...V, '--yes', '--no-restart'], { env, bin: TEST_BIN });
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`${at} is a symbolic link`);
    expect(r.stderr).toMatch(/[Nn]othing was changed/);
    expect(r.stderr).not.toMatch(STACK_LINE);
    expect(tree(v.dir)).toEqual(victimBefore);
    expect(tree(dir)).toEqual(stateBefore);
  });

  it('a SQLite store whose state/ is a link: refused before the database is opened for writing, its bytes unchanged', async () => {
    const { dir } = copyFixture('sqlite-8.2-cli-narrow-no-autoapprove');
    const v = victim();
    const { env } = await fakeServices();
    const moved = path.join(v.dir, 'state-moved');
    renameSync(path.join(dir, 'state'), moved);
    symlinkSync(moved, path.join(dir, 'state'));
    const before = tree(v.dir);
    const r = runCli(['rotate', '--state-dir', dir, '--yes', '--no-restart'], { env, bin: TEST_BIN });
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stderr).toContain(`${path.join(dir, 'state')} is a symbolic link`);
    expect(tree(v.dir)).toEqual(before);
  });

  it('guard.log as a link: check --fix --from-guard never appends to the target, and says so', async () => {
    const dir = copyState(SAMPLE);
    const v = victim();
    const { env } = await fakeServices();
    mkdirSync(path.join(dir, 'backups', 'openclaw-fix'), { recursive: true, mode: 0o700 });
    symlinkSync(v.file, path.join(dir, 'backups', 'openclaw-fix', 'guard.log'));
    const r = runCli(['check', '--fix', '--no-restart', '--quiet', '--from-guard', '--state-dir', dir, ...V], { env, bin: TEST_BIN });
    expect(r.stderr).toMatch(/did not record this run in .*guard\.log \(it is a symbolic link\)/);
    expect(readFileSync(v.file, 'utf8')).toBe('keep me\n');
    // The repair itself still happened: the link is only where the run is logged.
    expect(r.code, r.stdout + r.stderr).toBe(0);
  });

  it('the textfile output dir: the .prom file is replaced, never written through a link planted at its name', async () => {
    const dir = copyState(SAMPLE);
    const v = victim();
    const out = tempDir('ocf-prom-');
    symlinkSync(v.file, path.join(out, 'openclaw_fix.prom'));
    const r = runCli(['check', '--format', 'prometheus', '--textfile-dir', out, '--state-dir', dir, ...V], { bin: TEST_BIN });
    expect(r.code, r.stderr).toBe(1);
    expect(readFileSync(v.file, 'utf8')).toBe('keep me\n');
    expect(lstatSync(path.join(out, 'openclaw_fix.prom')).isFile()).toBe(true);
  });

  it('the lock swapped for a link while the gateway stops: the lock update never writes through it', async () => {
    const dir = copyState(SAMPLE);
    const v = victim();
    const lock = path.join(dir, 'openclaw-fix.lock');
    // What the state's owner does while `systemctl stop` runs: mv -fT link openclaw-fix.lock.
    const fakes = await fakeServices({
      units: [`user:${UNIT}`],
      env: { FAKE_SYSTEMCTL_ON_STOP: `ln -s '${v.file}' '${dir}/x.link' && mv -fT '${dir}/x.link' '${lock}'` },
    });
    fakes.startUnit();
    const r = runCli(['rotate', '--state-dir', dir, ...V, '--yes', '--timeout', '10'], { env: fakes.env, bin: TEST_BIN });
    expect(fakes.calls()).toContain(`systemctl --user stop ${UNIT}`);
    expect(readFileSync(v.file, 'utf8')).toBe('keep me\n');
    expect(r.stdout + r.stderr).not.toMatch(STACK_LINE);
    expect(r.code, r.stdout + r.stderr).toBe(0);
  });
});

function giveTo(dir: string, uid: number): void {
  for (let d = path.dirname(dir); d !== '/' && d.startsWith('/tmp/'); d = path.dirname(d)) chmodSync(d, 0o755);
  const walk = (d: string) => {
    chownSync(d, uid, uid);
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else chownSync(p, uid, uid);
    }
  };
  walk(dir);
}

/** Every path under `dir` not owned by `uid`. */
function notOwnedBy(dir: string, uid: number): string[] {
  const bad: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (lstatSync(p).uid !== uid) bad.push(path.relative(dir, p));
      if (e.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return bad;
}

describe.runIf(linux && isRoot)('root on a state owned by another user (uid 65534)', () => {
  it('everything rotate creates is the owner\'s, with the documented modes; the owner can list, restore and rotate after', async () => {
    const dir = copyState(SAMPLE);
    giveTo(dir, NOBODY);
    const home = tempDir('ocf-home-');
    chownSync(home, NOBODY, NOBODY);
    const { env } = await fakeServices();
    // As uid 65534, runCli runs the copy of the CLI that user can reach (test/global-setup.ts).
    const bin = TEST_BIN;

    const r = runCli(['rotate', '--state-dir', dir, ...V, '--yes', '--no-restart'], { env, bin });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(notOwnedBy(dir, NOBODY)).toEqual([]);
    const backups = path.join(dir, 'backups', 'openclaw-fix');
    expect(statSync(path.join(dir, 'backups')).mode & 0o777).toBe(0o700);
    expect(statSync(backups).mode & 0o777).toBe(0o700);
    const [name] = readdirSync(backups);
    expect(statSync(path.join(backups, name!)).mode & 0o777).toBe(0o700);
    expect(statSync(path.join(backups, name!, 'manifest.json')).mode & 0o777).toBe(0o600);
    expect(statSync(path.join(backups, name!, 'devices', 'paired.json')).mode & 0o777).toBe(0o600);
    expect(existsSync(path.join(dir, 'openclaw-fix.lock'))).toBe(false);

    const as = { uid: NOBODY, gid: NOBODY, home, env, bin };
    const list = runCli(['restore', '--list', '--state-dir', dir, ...V], as);
    expect(list.code, list.stdout + list.stderr).toBe(0);
    expect(list.stdout).toContain(name!);
    const restore = runCli(['restore', '--state-dir', dir, ...V, '--yes', '--no-restart'], as);
    expect(restore.code, restore.stdout + restore.stderr).toBe(0);
    const again = runCli(['rotate', '--state-dir', dir, ...V, '--yes', '--no-restart'], as);
    expect(again.code, again.stdout + again.stderr).toBe(0);
  });

  it('the guard log and the lock left by a root check --fix --from-guard are the owner\'s too', async () => {
    const dir = copyState(SAMPLE);
    giveTo(dir, NOBODY);
    const { env } = await fakeServices();
    const r = runCli(['check', '--fix', '--no-restart', '--quiet', '--from-guard', '--state-dir', dir, ...V], { env, bin: TEST_BIN });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(lstatSync(path.join(dir, 'backups', 'openclaw-fix', 'guard.log')).uid).toBe(NOBODY);
    expect(statSync(path.join(dir, 'backups', 'openclaw-fix', 'guard.log')).mode & 0o777).toBe(0o600);
    expect(notOwnedBy(dir, NOBODY)).toEqual([]);
  });
});
