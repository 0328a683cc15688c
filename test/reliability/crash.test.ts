/**
 * Crash consistency beyond test/cli/rotate-crash.test.ts and sqlite-rotate.test.ts (which kill ROTATE at every
 * step, on both stores): here RESTORE is killed at every step (it writes through the same apply protocol),
 * and after every crash `restore --list` must still say what is there. Each state file holds exactly one of
 * the two versions (never a mix, never partial), every backup with a manifest is complete, and a re-run of the
 * same restore finishes. On the SQLite store too (restore puts the device tables back in one transaction).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { CRASH_STEPS } from '../../src/repair/crash.js';
import { copyFixture, copyState, HOOKED_BIN, runCli, SAMPLE } from '../helpers.js';
import { fakeServices } from '../fakes/index.js';
import { STACK_LINE } from './corpus.js';

const V = ['--openclaw-version', '2026.2.19'];
const FILES = ['devices/paired.json', 'devices/pending.json', 'identity/device-auth.json'];
const UNIT = 'openclaw-gateway.service';

function read(dir: string): Record<string, string> {
  return Object.fromEntries(FILES.map((f) => [f, readFileSync(path.join(dir, f), 'utf8')]));
}

/** Every backup that has a manifest holds exactly the bytes its manifest names. */
function checkBackups(dir: string): { complete: string[]; incomplete: string[] } {
  const root = path.join(dir, 'backups/openclaw-fix');
  const complete: string[] = [];
  const incomplete: string[] = [];
  for (const name of existsSync(root) ? readdirSync(root) : []) {
    const manifestPath = path.join(root, name, 'manifest.json');
    if (!existsSync(manifestPath)) {
      incomplete.push(name);
      continue;
    }
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { files: { path: string; sha256Before: string }[] };
    for (const f of manifest.files) {
      const bytes = readFileSync(path.join(root, name, f.path));
      expect(createHash('sha256').update(bytes).digest('hex'), `${name}/${f.path}`).toBe(f.sha256Before);
    }
    complete.push(name);
  }
  return { complete, incomplete };
}

describe('a crash at every step of restore', () => {
  it.each(CRASH_STEPS)('killed at "%s": each file old or new, complete backups, --list explains, a re-run finishes', async (step) => {
    const dir = copyState(SAMPLE);
    const fakes = await fakeServices({ units: [`user:${UNIT}`] });
    const original = read(dir);
    const fixedRun = runCli(['rotate', '--state-dir', dir, ...V, '--yes', '--no-restart'], { env: fakes.env });
    expect(fixedRun.code, fixedRun.stderr).toBe(0);
    const fixed = read(dir);
    const [rotateBackup] = readdirSync(path.join(dir, 'backups/openclaw-fix'));

    // The gateway runs only where the step needs it (stop/start): elsewhere it would just add its settle wait.
    if (step === 'stopped' || step === 'started') fakes.startUnit();
    const crashed = runCli(['restore', rotateBackup!, '--state-dir', dir, '--yes', '--timeout', '10'], { env: { ...fakes.env, OPENCLAW_FIX_TEST_CRASH_AT: step }, bin: HOOKED_BIN });
    expect(crashed.code, crashed.stdout + crashed.stderr).toBe(-1);
    const now = read(dir);
    for (const f of FILES) expect([fixed[f], original[f]], `${f} after a crash at ${step}`).toContain(now[f]);
    const { complete, incomplete } = checkBackups(dir);
    expect(complete).toContain(rotateBackup);

    // --list after the crash: exit 0, the complete ones listed, the interrupted one named as such.
    const list = runCli(['restore', '--list', '--state-dir', dir], { env: fakes.env });
    expect(list.code).toBe(0);
    for (const name of complete) expect(list.stdout).toContain(name);
    for (const name of incomplete) expect(list.stdout).toMatch(new RegExp(`${name.replace(/\./g, '\\.')}\\s+incomplete`));
    expect(list.stdout + list.stderr).not.toMatch(STACK_LINE);

    // The same restore again finishes: the rotate's backup is put back exactly; the gateway runs again.
    const rerun = runCli(['restore', rotateBackup!, '--state-dir', dir, '--yes', '--timeout', '10'], { env: fakes.env });
    expect(rerun.code, rerun.stdout + rerun.stderr).toBe(0);
    expect(read(dir)).toEqual(original);
    // A lock the killed run left is taken over and removed, or (nothing left to change) the re-run says an
    // earlier run was interrupted and what to do about the gateway it stopped.
    const said = rerun.stdout + rerun.stderr;
    expect(!existsSync(path.join(dir, 'openclaw-fix.lock')) || /was interrupted/.test(said), said).toBe(true);
    expect(readdirSync(path.join(dir, 'devices')).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    const calls = fakes.calls();
    if (calls.some((c) => c.includes(' stop '))) {
      expect(calls.slice(-1)[0]?.includes(`start ${UNIT}`) || said.includes(`run systemctl --user start ${UNIT}`), said).toBe(true);
    }
  });
});

type Row = Record<string, unknown>;

/** The device tables, sorted (compared, never printed), and SQLite's own integrity verdict. */
function deviceTables(db: string): string {
  const conn = new DatabaseSync(db, { readOnly: true });
  try {
    return JSON.stringify(
      ['device_pairing_paired', 'device_pairing_pending', 'device_auth_tokens'].map((t) =>
        (conn.prepare(`SELECT * FROM ${t}`).all() as Row[]).map((r) => JSON.stringify({ ...r })).sort(),
      ),
    );
  } finally {
    conn.close();
  }
}

function integrity(db: string): string {
  const conn = new DatabaseSync(db);
  try {
    return String((conn.prepare('PRAGMA integrity_check').get() as { integrity_check: string }).integrity_check);
  } finally {
    conn.close();
  }
}

describe('a crash at every step of restore on the SQLite store', () => {
  it.each(CRASH_STEPS)('killed at "%s": integrity ok, the device tables as before or as restored, a re-run finishes', async (step) => {
    const { dir } = copyFixture('sqlite-8.2-cli-narrow-no-autoapprove');
    const db = path.join(dir, 'state', 'openclaw.sqlite');
    const fakes = await fakeServices({ units: [`user:${UNIT}`] });
    const V82 = ['--openclaw-version', '2026.8.2'];
    const original = deviceTables(db);
    const fixedRun = runCli(['rotate', '--state-dir', dir, ...V82, '--scope', 'operator.admin', '--yes', '--no-restart'], { env: fakes.env });
    expect(fixedRun.code, fixedRun.stdout + fixedRun.stderr).toBe(0);
    const fixed = deviceTables(db);
    const [rotateBackup] = readdirSync(path.join(dir, 'backups/openclaw-fix'));

    if (step === 'stopped' || step === 'started') fakes.startUnit();
    const crashed = runCli(['restore', rotateBackup!, '--state-dir', dir, ...V82, '--yes', '--timeout', '10'], { env: { ...fakes.env, OPENCLAW_FIX_TEST_CRASH_AT: step }, bin: HOOKED_BIN });
    expect(crashed.code, crashed.stdout + crashed.stderr).toBe(-1);
    expect(integrity(db)).toBe('ok');
    expect([fixed, original]).toContain(deviceTables(db));

    const rerun = runCli(['restore', rotateBackup!, '--state-dir', dir, ...V82, '--yes', '--timeout', '10'], { env: fakes.env });
    expect(rerun.code, rerun.stdout + rerun.stderr).toBe(0);
    expect(deviceTables(db)).toBe(original);
    expect(integrity(db)).toBe('ok');
  });
});
