/**
 * One bad-input case, as a user meets it: doctor and rotate give a finding or ONE line naming
 * the file, the documented exit code, no stack trace, no secret; every file is byte-identical afterwards
 * (mtime and mode too) unless rotate fixed the store, and then the bad file itself is still untouched.
 */
import { chmodSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { leakedSecrets, runCli, tempDir, type CliResult } from '../helpers.js';
import { runMain } from '../in-process.js';
import { changedPaths, loadCase, readIfFile, STACK_LINE, TEST_BIN, treeState, type BadCase } from './corpus.js';

/** The files rotate may write (the plan's files); anything else changing is a bug. */
const WRITABLE = new Set(['devices/paired.json', 'devices/pending.json', 'identity/device-auth.json', 'state/openclaw.sqlite', 'state/openclaw.sqlite-wal', 'state/openclaw.sqlite-shm']);

function ownEntries(tree: ReturnType<typeof treeState>) {
  return Object.fromEntries(Object.entries(tree).filter(([k]) => !k.startsWith('backups')));
}

/** SQLite must create the -shm index to read a -wal a crashed gateway left; the database and -wal stay as they were. */
function withoutNewShm(after: ReturnType<typeof treeState>, before: ReturnType<typeof treeState>) {
  const shm = 'state/openclaw.sqlite-shm';
  if (!(shm in before) && 'state/openclaw.sqlite-wal' in before) delete after[shm];
  return after;
}

export async function checkBadCase(c: BadCase): Promise<void> {
  const { dir, uid, home } = loadCase(c);
  // In-process (the CLI's decisions and output); the spawned binary where the case needs another user.
  const cli = (args: string[], options: { env: Record<string, string> }): Promise<CliResult> =>
    uid === undefined ? runMain(args, options) : Promise.resolve(runCli(args, { ...options, bin: TEST_BIN, uid, gid: uid, home }));
  // A closed port, fake service managers, an empty log root: nothing on this machine is probed, stopped or read.
  const sm = tempDir('ocf-sm-');
  chmodSync(sm, 0o777);
  const env = { OPENCLAW_GATEWAY_PORT: '9', PATH: `${path.resolve('test/fakes/bin')}:${process.env.PATH}`, FAKE_SM_DIR: sm };
  const args = ['--state-dir', dir, '--openclaw-version', c.openclawVersion];
  const before = treeState(dir);
  const rel = c.file ?? '';
  const named = (text: string) => (rel ? text.includes(rel) || text.includes(path.join(dir, rel)) : true);

  // doctor --json: one JSON document, the documented exit code, a finding or error naming the file.
  const doctor = await cli(['doctor', ...args, '--json', '--no-logs', '--debug'], { env });
  expect(doctor.code, `${c.name}: doctor ${doctor.stderr}`).toBe(c.expect.doctor);
  const report = JSON.parse(doctor.stdout) as { exitCode: number; findings?: { id: string; title: string; evidence: string[] }[]; error?: { message: string } };
  expect(report.exitCode).toBe(c.expect.doctor);
  if (c.expect.doctor === 2) {
    expect(named(report.error!.message), report.error!.message).toBe(true);
    // What to do: our own file with mode 000 needs a chmod, not "run as yourself".
    if (c.setup === 'unreadable') expect(report.error!.message).toMatch(/chmod 600|this user can read the file/);
  }
  else if (c.expect.named) {
    const text = (report.findings ?? []).map((f) => `${f.title} ${f.evidence.join(' ')}`).join('\n');
    expect(named(text), `${c.name}: no finding names ${rel}:\n${text}`).toBe(true);
  }
  expect(doctor.stderr).not.toMatch(STACK_LINE);
  expect(withoutNewShm(ownEntries(treeState(dir)), before), 'doctor changed a file').toEqual(ownEntries(before));

  // rotate --yes (text): exit 0 with the bad file untouched, or exit 2 with one line naming the file.
  const rotate = await cli(['rotate', ...args, '--yes', '--no-restart', '--debug'], { env });
  const out = `${rotate.stdout}\n${rotate.stderr}`;
  expect(rotate.code, `${c.name}: rotate\n${out}`).toBe(c.expect.rotate);
  expect(out).not.toMatch(STACK_LINE);
  expect(out).not.toMatch(/unexpected error/);
  const after = treeState(dir);
  const changed = changedPaths(ownEntries(before), ownEntries(after));
  if (rotate.code === 2) {
    const lines = rotate.stderr.trim().split('\n');
    expect(lines, rotate.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/^openclaw-fix: /);
    if (c.expect.named) expect(named(lines[0]!), lines[0]).toBe(true);
    expect(lines[0]).toMatch(/[Rr]un |[Nn]othing was changed|move it|chmod|restore/);
    expect(changed.filter((p) => p !== 'state/openclaw.sqlite-shm' || 'state/openclaw.sqlite-wal' in after === false), 'rotate refused but changed files').toEqual([]);
    expect(() => statSync(path.join(dir, 'backups'))).toThrow();
  } else {
    expect(rotate.stdout).toContain('Done');
    // The broken file it left alone is named in what rotate printed.
    if (c.expect.named) expect(named(out), `${c.name}: rotate does not name ${rel}\n${out}`).toBe(true);
    // The printed undo command survives copy and paste: the state dir (with spaces) is one quoted word.
    const undo = rotate.stdout.split('\n').find((l) => /^\s+undo\s/.test(l));
    expect(undo, rotate.stdout).toContain(`--state-dir '${dir}'`);
    // Only the planned store files changed, and never one that cannot be used as it is (one that still parses,
    // e.g. CRLF or a field of the wrong type, is rewritten the way OpenClaw would).
    for (const p of changed) expect(WRITABLE, `${c.name}: rotate changed ${p}`).toContain(p);
    if (c.expect.named) expect(changed).not.toContain(rel);
    for (const p of changed.filter((x) => x.endsWith('.json'))) expect(JSON.parse(readIfFile(path.join(dir, p))!.toString('utf8'))).toBeTypeOf('object');
    const root = path.join(dir, 'backups', 'openclaw-fix');
    expect(statSync(root).mode & 0o777).toBe(0o700);
    for (const b of readdirSync(root)) {
      expect(statSync(path.join(root, b)).mode & 0o777).toBe(0o700);
      for (const f of readdirSync(path.join(root, b), { recursive: true, withFileTypes: true })) {
        if (f.isFile()) expect(statSync(path.join(f.parentPath, f.name)).mode & 0o777).toBe(0o600);
      }
    }
  }
  const names = Object.keys(after);
  expect(leakedSecrets(c.secrets, doctor.stdout, doctor.stderr, rotate.stdout, rotate.stderr, ...names)).toEqual([]);
}
