import { spawn } from 'node:child_process';
import { appendFileSync, chmodSync, copyFileSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { BIN, copyFixture, copyState, parseJson, runCli, SAMPLE, tempDir } from '../helpers.js';

const SAMPLE_LOG = path.join(SAMPLE, 'gateway-file-log.jsonl');
const HOST = '33fbb2283a2d9639ce4763ed43535809c27c2e67f420b5342c45fb76406408f0';
const REMOTE = '9c1d5e0b7a4f2e8d6c3b1a09f8e7d6c5b4a39281706f5e4d3c2b1a0918273645';
const TZ = { TZ: 'UTC' };

interface Group { kind: string; count: number; deviceId?: string; client?: string; scopesTo?: string[]; rate?: string; lastAt?: string; source: string; failure: boolean }
interface LogsDoc { exitCode: number; sources: string[]; groups: Group[]; stats: { events: number; skipped: number }; problems: string[] }

function tslog(iso: string, message: string, level = 'WARN', subsystem = 'gateway'): string {
  const name = JSON.stringify({ subsystem });
  return JSON.stringify({ 0: name, 1: message, _meta: { runtime: 'node', name, date: iso, logLevelId: 4, logLevelName: level }, time: iso });
}

function audit(iso: string, device: string, scopesFrom: string, scopesTo: string, client: string, ip = 'unknown-ip'): string {
  return tslog(iso, `security audit: device access upgrade requested reason=scope-upgrade device=${device} ip=${ip} auth=device-token roleFrom=operator roleTo=operator scopesFrom=${scopesFrom} scopesTo=${scopesTo} client=${client} conn=c-${iso}`);
}

/** n lines, one every `stepSec` seconds from `startIso`. */
function series(n: number, startIso: string, stepSec: number, line: (iso: string) => string): string[] {
  const t0 = Date.parse(startIso);
  return Array.from({ length: n }, (_, i) => line(new Date(t0 + i * stepSec * 1000).toISOString()));
}

describe('openclaw-fix logs', () => {
  it('groups the real 2026.2.19 sample log per device, client and asked scopes', () => {
    const json = runCli(['logs', '--log', SAMPLE_LOG, '--json'], { env: TZ });
    expect(json.code, json.stderr).toBe(1);
    const doc = parseJson<LogsDoc>(json.stdout);
    const write = doc.groups.find((g) => g.kind === 'access-upgrade' && g.scopesTo?.includes('operator.write'))!;
    expect(write).toMatchObject({ count: 2, deviceId: HOST, client: 'gateway-client', rate: 'every 15 s since 23:31', lastAt: '2026-11-23T23:31:53.557Z', failure: true });
    expect(doc.groups.find((g) => g.kind === 'auto-approved')?.failure).toBe(false);
    const text = runCli(['logs', '--log', SAMPLE_LOG], { env: TZ });
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('2x scope-upgrade asks write (holds admin,approvals,pairing)');
    expect(text.stdout).toContain('breaks: internal calls: cron delivery');
  });

  it('doctor on the demo state shows the log evidence under the seed finding; --no-logs leaves it out', () => {
    const r = runCli(['doctor', '--demo', '--no-color'], { env: TZ });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/Logs\s+2x scope-upgrade asks write \(holds admin,approvals,pairing\)\s+client=gateway-client, every 15 s since 23:31, last 2026-11-23 23:31:53,\s+gateway-file-log\.jsonl/);
    const json = parseJson<{ findings: { id: string; logEvidence: string[] }[]; logs: { groups: Group[] } }>(runCli(['doctor', '--demo', '--json'], { env: TZ }).stdout);
    expect(json.findings.find((f) => f.id === 'service-device-missing-write')?.logEvidence[0]).toMatch(/^2x scope-upgrade/);
    expect(json.logs.groups.length).toBeGreaterThan(3);
    const off = runCli(['doctor', '--demo', '--no-logs', '--json'], { env: TZ });
    expect(parseJson<{ logs: unknown }>(off.stdout).logs).toBeNull();
  });

  it('reads .gz, stdin, several --log files, and says what it could not read', () => {
    const dir = tempDir();
    const gz = path.join(dir, 'old.log.gz');
    writeFileSync(gz, gzipSync(readFileSync(SAMPLE_LOG)));
    const fromGz = parseJson<LogsDoc>(runCli(['logs', '--log', gz, '--json']).stdout);
    const fromStdin = parseJson<LogsDoc>(runCli(['logs', '--log', '-', '--json'], { input: readFileSync(SAMPLE_LOG, 'utf8') }).stdout);
    expect(fromGz.stats.events).toBe(12);
    expect(fromStdin.stats.events).toBe(12);
    expect(fromStdin.sources).toEqual(['stdin']);
    // A .gz cut in the middle still yields what it holds, with a note.
    const cut = path.join(dir, 'cut.log.gz');
    const whole = gzipSync(readFileSync(SAMPLE_LOG));
    writeFileSync(cut, whole.subarray(0, Math.floor(whole.length * 0.7)));
    const partial = parseJson<LogsDoc>(runCli(['logs', '--log', cut, '--json']).stdout);
    expect(partial.problems[0]).toMatch(/ends early or is damaged/);
    expect(partial.stats.events).toBeGreaterThan(0);
    const both = runCli(['logs', '--log', SAMPLE_LOG, '--log', path.join(dir, 'missing.log'), '--json']);
    expect(both.code).toBe(1);
    expect(parseJson<LogsDoc>(both.stdout).problems).toEqual([`${path.join(dir, 'missing.log')}: cannot read (no such file).`]);
  });

  it('survives binary, truncated and huge-line input', () => {
    const dir = tempDir();
    const file = path.join(dir, 'mixed.log');
    const lines = readFileSync(SAMPLE_LOG, 'utf8').split('\n');
    writeFileSync(file, Buffer.concat([
      Buffer.from(lines.slice(0, 30).join('\n') + '\n'),
      Buffer.from([0, 0, 0, 0xde, 0xad, 0xbe, 0xef, 10]),
      Buffer.from(`${'z'.repeat(5 * 1024 * 1024)} pairing required\n`),
      Buffer.from('{"0":"{\\"subsystem\\":\\"gateway\\"}","1":"security audit: device access upgrade requested reason=scope-upgrade device=' + HOST + ' scopesFrom=operator.admin scopesTo=operator.read client=cli'),
    ]));
    const r = runCli(['logs', '--log', file, '--json']);
    expect(r.code).toBe(1);
    const doc = parseJson<LogsDoc>(r.stdout);
    expect(doc.stats.skipped).toBe(1);
    expect(doc.groups.find((g) => g.client === 'cli')?.count).toBe(1);
  });

  it('finds the file log where the gateway writes it, within the window, profile names included', () => {
    const home = tempDir();
    const root = path.join(home, 'fake-tmp');
    // The gateway makes its log directory 0700 (OpenClaw refuses a group- or world-writable one): not the umask's mode.
    mkdirSync(path.join(root, 'openclaw'), { recursive: true, mode: 0o700 });
    const today = path.join(root, 'openclaw', 'openclaw-2026-11-25.log');
    const old = path.join(root, 'openclaw', 'openclaw-2026-10-01.log');
    const other = path.join(root, 'openclaw', 'openclaw-work-2026-11-25.log');
    writeFileSync(today, series(3, '2026-11-25T10:00:00Z', 30, (t) => audit(t, HOST, 'operator.admin', 'operator.write', 'gateway-client')).join('\n') + '\n');
    copyFileSync(SAMPLE_LOG, old);
    utimesSync(old, new Date('2026-10-01'), new Date('2026-10-01'));
    writeFileSync(other, series(5, '2026-11-25T10:00:00Z', 30, (t) => audit(t, REMOTE, 'operator.read', 'operator.write', 'cli')).join('\n') + '\n');
    const env = { OPENCLAW_FIX_TEST_LOG_ROOT: root };
    const doc = parseJson<LogsDoc>(runCli(['logs', '--json'], { home, env }).stdout);
    expect(doc.sources).toEqual([today]);
    expect(doc.groups[0]).toMatchObject({ count: 3, deviceId: HOST });
    const work = parseJson<LogsDoc>(runCli(['logs', '--json', '--profile', 'work'], { home, env }).stdout);
    expect(work.sources.sort()).toEqual([other, today].sort());
    const none = runCli(['logs'], { home, env: { OPENCLAW_FIX_TEST_LOG_ROOT: path.join(home, 'nothing'), PATH: '/nonexistent' } });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('No gateway log');
  });

  it('reads the systemd journal through journalctl when no file log is left', () => {
    const home = tempDir();
    const bin = path.join(home, 'bin');
    mkdirSync(bin);
    const argsFile = path.join(home, 'journalctl-args');
    const script = `#!/bin/sh\necho "$@" > ${argsFile}\ncat <<'EOF'\n2026-11-25T10:00:00+0000 vm node[12]: [gateway] security audit: device access upgrade requested reason=scope-upgrade device=${REMOTE} ip=10.0.0.7 auth=device-token roleFrom=operator roleTo=operator scopesFrom=operator.read scopesTo=operator.write client=openclaw-control-ui conn=a\n2026-11-25T10:00:30+0000 vm node[12]: [gateway] security audit: device access upgrade requested reason=scope-upgrade device=${REMOTE} ip=10.0.0.7 auth=device-token roleFrom=operator roleTo=operator scopesFrom=operator.read scopesTo=operator.write client=openclaw-control-ui conn=b\nEOF\n`;
    writeFileSync(path.join(bin, 'journalctl'), script);
    chmodSync(path.join(bin, 'journalctl'), 0o755);
    const env = { PATH: `${bin}:${process.env.PATH}`, ...TZ };
    const doc = parseJson<LogsDoc>(runCli(['logs', '--json', '--profile', 'lab'], { home, env }).stdout);
    expect(doc.sources).toEqual(['journal:openclaw-gateway-lab.service']);
    expect(doc.groups[0]).toMatchObject({ count: 2, deviceId: REMOTE, client: 'openclaw-control-ui', rate: 'every 30 s since 10:00' });
    expect(readFileSync(argsFile, 'utf8')).toMatch(/^--user -u openclaw-gateway-lab\.service -o short-iso --no-pager -q --since @\d+/);
  });

  it('follows the newest file: one line per new event, Ctrl-C exits 0', async () => {
    const home = tempDir();
    const file = path.join(home, 'live.log');
    writeFileSync(file, readFileSync(SAMPLE_LOG));
    const child = spawn(process.execPath, [BIN, 'logs', '--log', file, '--follow', '--no-color'], { env: { PATH: process.env.PATH, HOME: home, TZ: 'UTC' } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const waitFor = async (re: RegExp) => {
      // Up to two minutes: a loaded box can take many seconds to start the CLI.
      for (let i = 0; i < 1200 && !re.test(out); i++) await new Promise((r) => setTimeout(r, 100));
      expect(out).toMatch(re);
    };
    await waitFor(/Refused:/);
    appendFileSync(file, `${audit('2026-11-25T11:00:00.000Z', REMOTE, 'operator.read', 'operator.write', 'openclaw-control-ui', '10.0.0.9')}\n`);
    await waitFor(/11:00:00 {2}scope-upgrade asks write \(holds read\) client=openclaw-control-ui device 9c1d5e0b…3645 ip=10\.0\.0\.9/);
    const code = new Promise<number | null>((resolve) => child.on('close', resolve));
    child.kill('SIGINT');
    expect(await code).toBe(0);
  });
});

describe('doctor findings from logs alone', () => {
  it('log-remote-device-looping: another paired device refused again and again', () => {
    const { dir } = copyFixture('2.19-remote-device-narrow');
    const host = parseJson<{ deviceId: string }>(readFileSync(path.join(dir, 'identity', 'device.json'), 'utf8')).deviceId;
    const remote = Object.keys(parseJson(readFileSync(path.join(dir, 'devices', 'paired.json'), 'utf8'))).find((id) => id !== host)!;
    const log = path.join(tempDir(), 'gw.log');
    writeFileSync(log, series(6, '2026-11-25T10:00:00Z', 30, (t) => audit(t, remote, 'operator.read', 'operator.admin,operator.read,operator.write', 'openclaw-control-ui', '192.168.1.23')).join('\n') + '\n');
    const r = runCli(['doctor', '--state-dir', dir, '--openclaw-version', '2026.2.19', '--log', log, '--json'], { env: TZ });
    const doc = parseJson<{ findings: { id: string; severity: string; logEvidence: string[] }[] }>(r.stdout);
    const f = doc.findings.find((x) => x.id === 'log-remote-device-looping');
    expect(f?.severity).toBe('warning');
    expect(f?.logEvidence[0]).toMatch(/^6x scope-upgrade asks admin,read,write \(holds read\) client=openclaw-control-ui ip=192\.168\.1\.23, every 30 s since 10:00/);
  });

  it('log-remote-device-looping ignores devices this store does not hold (another gateway on the machine shares /tmp/openclaw)', () => {
    const { dir } = copyFixture('2.19-fixed');
    const log = path.join(tempDir(), 'gw.log');
    writeFileSync(log, series(6, '2026-11-25T10:00:00Z', 30, (t) => audit(t, REMOTE, 'operator.read', 'operator.admin,operator.read,operator.write', 'openclaw-control-ui', '192.168.1.23')).join('\n') + '\n');
    const r = runCli(['doctor', '--state-dir', dir, '--openclaw-version', '2026.2.19', '--log', log, '--json'], { env: TZ });
    expect(parseJson<{ findings: { id: string }[] }>(r.stdout).findings.map((f) => f.id)).not.toContain('log-remote-device-looping');
    expect(r.code).toBe(0);
  });

  it('log-loop-after-fix: refusals after the store changed, for scopes the store grants', () => {
    const { dir } = copyFixture('2.19-fixed');
    const host = parseJson<{ deviceId: string }>(readFileSync(path.join(dir, 'identity', 'device.json'), 'utf8')).deviceId;
    utimesSync(path.join(dir, 'devices', 'paired.json'), new Date('2026-11-25T09:00:00Z'), new Date('2026-11-25T09:00:00Z'));
    const log = path.join(tempDir(), 'gw.log');
    const lines = series(4, '2026-11-25T10:00:00Z', 15, (t) => audit(t, host, 'operator.admin,operator.approvals,operator.pairing', 'operator.write', 'gateway-client'));
    writeFileSync(log, lines.join('\n') + '\n');
    const r = runCli(['doctor', '--state-dir', dir, '--openclaw-version', '2026.2.19', '--log', log, '--json'], { env: TZ });
    expect(r.code).toBe(1);
    const f = parseJson<{ findings: { id: string; severity: string }[] }>(r.stdout).findings.find((x) => x.id === 'log-loop-after-fix');
    expect(f?.severity).toBe('error');
    // The same lines from before the store changed are history, not a finding.
    utimesSync(path.join(dir, 'devices', 'paired.json'), new Date('2026-11-25T12:00:00Z'), new Date('2026-11-25T12:00:00Z'));
    const later = runCli(['doctor', '--state-dir', dir, '--openclaw-version', '2026.2.19', '--log', log, '--json'], { env: TZ });
    expect(later.code).toBe(0);
  });

  it('the seed state copied with its own log reports the loop from both files and logs', () => {
    const dir = copyState(SAMPLE);
    const r = runCli(['doctor', '--state-dir', dir, '--log', path.join(dir, 'gateway-file-log.jsonl'), '--openclaw-version', '2026.2.19'], { env: TZ });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('Logs      2x scope-upgrade');
  });
});
