/**
 * /tmp is everyone's: any local user can make /tmp/openclaw before the gateway does and fill it with lines naming
 * any device. The gateway (2.19+) logs there only when the directory is its own user's and nobody else may write
 * it, else in <tmp>/openclaw-<its uid>. doctor and logs, often run as root, read a log place only on those terms,
 * and name the one they skip; as root they look in the gateway user's openclaw-<uid>, not root's.
 */
import { chmodSync, chownSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyFixture, IS_ROOT, parseJson, tempDir } from '../helpers.js';
import { runMain } from '../in-process.js';

const NOBODY = 65534;
const PLANTED = 'a'.repeat(64);

/** One gateway refusal line for `device`, written now (the file is dated today). */
function logDir(root: string, name: string, device = PLANTED): { dir: string; file: string } {
  const dir = path.join(root, name);
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o755);
  const now = new Date().toISOString();
  const message = `security audit: device access upgrade requested reason=scope-upgrade device=${device} ip=unknown-ip auth=device-token roleFrom=operator roleTo=operator scopesFrom=operator.read scopesTo=operator.write client=cli conn=c1`;
  const file = path.join(dir, `openclaw-${now.slice(0, 10)}.log`);
  writeFileSync(file, `${JSON.stringify({ 0: '{"subsystem":"gateway"}', 1: message, time: now })}\n`);
  return { dir, file };
}

interface LogsDoc { sources: string[]; problems: string[]; groups: Array<{ deviceId?: string }> }
interface ErrorDoc { error: { code: string; message: string } }

async function logs(state: string, root: string): Promise<{ code: number; stdout: string }> {
  return runMain(['logs', '--state-dir', state, '--json'], { env: { OPENCLAW_FIX_TEST_LOG_ROOT: root, PATH: '/nonexistent' } });
}

describe('gateway log places someone else made are named, not read', () => {
  it('a /tmp/openclaw others may write (mode 0777): not read, the reason given, no device from it', async () => {
    const { dir: state } = copyFixture('2.19-seed-loop');
    const root = tempDir();
    const { dir } = logDir(root, 'openclaw');
    chmodSync(dir, 0o777);
    const r = await logs(state, root);
    expect(r.code).toBe(2);
    const doc = parseJson<ErrorDoc>(r.stdout);
    expect(doc.error.code).toBe('no-logs');
    expect(doc.error.message).toContain(`${dir}: not read: users other than`);
    expect(doc.error.message).toContain('mode 777');
    const doctor = parseJson<{ logs: { files: string[]; problems: string[] } }>((await runMain(['doctor', '--state-dir', state, '--openclaw-version', '2026.2.19', '--json'], { env: { OPENCLAW_FIX_TEST_LOG_ROOT: root } })).stdout);
    expect(JSON.stringify(doctor)).not.toContain(PLANTED);
  });

  it('a /tmp/openclaw that is a symbolic link: not read, named', async () => {
    const { dir: state } = copyFixture('2.19-seed-loop');
    const root = tempDir();
    const { dir: elsewhere } = logDir(root, 'elsewhere');
    symlinkSync(elsewhere, path.join(root, 'openclaw'));
    const doc = parseJson<ErrorDoc>((await logs(state, root)).stdout);
    expect(doc.error.message).toContain(`${path.join(root, 'openclaw')}: not read: it is a symbolic link`);
  });

  it("the gateway user's own directory is read (the control: the same log, mode 0755)", async () => {
    const { dir: state } = copyFixture('2.19-seed-loop');
    const root = tempDir();
    const { file } = logDir(root, 'openclaw');
    const r = await logs(state, root);
    const doc = parseJson<LogsDoc>(r.stdout);
    expect(doc.sources).toEqual([file]);
    expect(doc.groups.map((g) => g.deviceId)).toContain(PLANTED);
  });

  it.runIf(IS_ROOT)("as root beside another user's state: that user's directories are read, root's and a third user's are named", async () => {
    const { dir: state } = copyFixture('2.19-seed-loop');
    chownSync(state, NOBODY, NOBODY);
    const root = tempDir();
    // Root's own /tmp/openclaw (made by root's gateway, or by anyone as root): not where nobody's gateway logs.
    const { dir: roots } = logDir(root, 'openclaw');
    const { dir: own, file } = logDir(root, `openclaw-${NOBODY}`, 'b'.repeat(64));
    chownSync(own, NOBODY, NOBODY);
    chownSync(file, NOBODY, NOBODY);
    const { dir: third } = logDir(root, 'openclaw-0');
    const doc = parseJson<LogsDoc>((await logs(state, root)).stdout);
    expect(doc.sources).toEqual([file]);
    expect(doc.groups.map((g) => g.deviceId)).toEqual(['b'.repeat(64)]);
    expect(doc.problems.join('\n')).toContain(`${roots}: not read: it belongs to root (uid 0), not to the gateway's user`);
    expect(doc.problems.join('\n')).not.toContain(third);
  });

  it.runIf(IS_ROOT)("a file another user put in the gateway user's directory is named, not read", async () => {
    const { dir: state } = copyFixture('2.19-seed-loop');
    const root = tempDir();
    const { file } = logDir(root, 'openclaw');
    chownSync(file, NOBODY, NOBODY);
    const doc = parseJson<ErrorDoc>((await logs(state, root)).stdout);
    expect(doc.error.message).toContain(`${file}: not read: it belongs to`);
  });

  it('a world-writable log file in the gateway user\'s directory: named, not read', async () => {
    const { dir: state } = copyFixture('2.19-seed-loop');
    const root = tempDir();
    const { file } = logDir(root, 'openclaw');
    chmodSync(file, 0o666);
    const doc = parseJson<ErrorDoc>((await logs(state, root)).stdout);
    expect(doc.error.message).toContain(`${file}: not read: users other than`);
  });

  it('a place named and not read beside a log that is read: the same exit code in text and --json', async () => {
    const { dir: state } = copyFixture('2.19-seed-loop');
    const root = tempDir();
    const { dir } = logDir(root, 'openclaw');
    chmodSync(dir, 0o777);
    // The one log read is empty (the gateway has written nothing yet): nothing failed, nothing refused a client.
    const { file } = logDir(root, 'elsewhere');
    writeFileSync(file, '');
    const env = { OPENCLAW_FIX_TEST_LOG_ROOT: root, PATH: '/nonexistent' };
    const config = path.join(state, 'openclaw.json');
    const value = JSON.parse(readFileSync(config, 'utf8'));
    value.logging = { file };
    writeFileSync(config, JSON.stringify(value));
    const text = await runMain(['logs', '--state-dir', state], { env });
    const json = await runMain(['logs', '--state-dir', state, '--json'], { env });
    expect(text.code).toBe(0);
    expect(json.code).toBe(0);
    const doc = parseJson<LogsDoc & { exitCode: number }>(json.stdout);
    expect(doc.exitCode).toBe(0);
    expect(doc.sources).toEqual([file]);
    expect(doc.problems.join('\n')).toContain(`${dir}: not read`);
  });
});

