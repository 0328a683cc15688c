import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EvidenceBuilder, rateText } from '../../src/logs/evidence.js';
import { parseLine, parseTime } from '../../src/logs/line.js';
import { recognise } from '../../src/logs/patterns.js';
import { CandidateSplitter, MAX_LINE_BYTES } from '../../src/logs/scan.js';
import { parseSince } from '../../src/logs/since.js';
import { SAMPLE } from '../helpers.js';

const SAMPLE_LOG = path.join(SAMPLE, 'gateway-file-log.jsonl');

/** Every line shape the recognisers know, as a log line: each must get through the byte pre-filter. */
const EXAMPLES = [
  'security audit: device access upgrade requested reason=scope-upgrade device=abcdef12 ip=unknown-ip auth=token roleFrom=operator roleTo=operator scopesFrom=operator.admin scopesTo=operator.write client=gateway-client conn=1',
  'security audit: device metadata upgrade requested reason=metadata-upgrade device=abcdef12 claimedPlatform=macOS 26.5.0 pinnedPlatform=macOS 26.4.1',
  '{"cause":"pairing-required","handshake":"failed","reason":"scope-upgrade"} closed before connect conn=1 code=1008',
  '[ws] closed before connect conn=ab remote=172.25.0.2 code=1008 reason=pairing required',
  'announce queue drain failed for agent:main:discord:channel:1: Error: gateway closed (1008): pairing required',
  'cron: delivery failed for job x: Error: gateway closed (1008): pairing required',
  'gateway connect failed: GatewayClientRequestError: scope upgrade pending approval (requestId: 0b8e3c3e-5a4e-4f43-9d0a-1c2b3d4e5f60)',
  'device metadata change pending approval',
  'gateway closed (1008): pairing required: device is asking for more scopes than currently approved',
  'gateway connect failed: Error: pairing required',
  'Pairing required. Run `openclaw devices list`, approve your request ID, then reconnect.',
  'unauthorized conn=1 remote=127.0.0.1 client=cli cli v2026.2.19 reason=device_token_mismatch',
  'gateway closed (1008): unauthorized: device token mismatch (rotate/reissue device token)',
  '{"cause":"handshake-timeout","handshake":"failed"} closed before connect conn=1 code=1000 reason=n/a',
  '⇄ res ✗ status 0ms errorCode=INVALID_REQUEST errorMessage=missing scope: operator.read',
  'device pairing auto-approved device=abcdef12 role=operator',
  'device pairing approved device=abcdef12 role=operator',
  'device token rotated device=abcdef12 role=operator scopes=operator.admin',
  'device pairing store migration failed: Error: NOT NULL constraint failed',
  'device pairing store migrated to SQLite: imported 11 paired device(s)',
];

function split(input: Buffer, chunk: number, maxLine?: number): { lines: string[]; splitter: CandidateSplitter } {
  const lines: string[] = [];
  const splitter = new CandidateSplitter((l) => lines.push(l), maxLine);
  for (let i = 0; i < input.length; i += chunk) splitter.push(input.subarray(i, i + chunk));
  splitter.end();
  return { lines, splitter };
}

describe('CandidateSplitter', () => {
  it('lets every recognised example through the pre-filter, and skips the rest', () => {
    const noise = ['listening on ws://127.0.0.1:18789', 'heartbeat: started', 'cron: tick', 'update available (latest): v2026.9.6'];
    const input = Buffer.from([...noise, ...EXAMPLES, ...noise].join('\n') + '\n');
    for (const e of EXAMPLES) expect(recognise(e), e).not.toBeNull();
    expect(split(input, 1 << 20).lines).toEqual(EXAMPLES);
  });

  it('finds the same lines whatever the chunk boundaries, CRLF included', () => {
    const text = readFileSync(SAMPLE_LOG);
    const whole = split(text, 1 << 22).lines;
    expect(whole.length).toBeGreaterThan(8);
    for (const chunk of [1, 7, 100, 4096]) expect(split(text, chunk).lines).toEqual(whole);
    const crlf = Buffer.from(text.toString('utf8').replace(/\n/g, '\r\n'));
    expect(split(crlf, 333).lines).toEqual(whole);
  });

  it('skips binary and over-long lines, keeps scanning, and reads a last line cut without newline', () => {
    const good = 'gateway connect failed: Error: pairing required';
    const huge = `x${'y'.repeat(MAX_LINE_BYTES * 3)} pairing required`;
    const input = Buffer.concat([
      Buffer.from(`${good} 1\n`),
      Buffer.from([0, 1, 2, 0xff, 0xfe]),
      Buffer.from(' pairing required \u0000 binary\n'),
      Buffer.from(`${huge}\n`),
      Buffer.from(`${good} 2\n`),
      Buffer.from(huge),
      Buffer.from(`\n${good} 3`),
    ]);
    for (const chunk of [1000, 65_536, 1 << 22]) {
      const { lines, splitter } = split(input, chunk);
      expect(lines).toEqual([`${good} 1`, `${good} 2`, `${good} 3`]);
      expect(splitter.stats.skipped).toBe(3);
    }
  });
});

describe('parseLine', () => {
  it('reads tslog lines as OpenClaw does: numbered keys joined, subsystem from _meta.name, time, level', () => {
    const lines = readFileSync(SAMPLE_LOG, 'utf8').split('\n').filter(Boolean);
    const audit = parseLine(lines.find((l) => l.includes('security audit'))!)!;
    expect(audit.message.startsWith('security audit: device access upgrade requested')).toBe(true);
    expect(audit).toMatchObject({ level: 'WARN', subsystem: 'gateway', timeMs: Date.parse('2026-11-23T23:31:38.736Z') });
    const close = parseLine(lines.find((l) => l.includes('closed before connect'))!)!;
    expect(close.subsystem).toBe('gateway/ws');
    expect(recognise(close.message)).toMatchObject({ kind: 'pairing-close', reason: 'scope-upgrade' });
  });

  it('reads console lines with and without a leading time, and never throws on junk', () => {
    expect(parseLine('2026-08-31T23:38:08.572+08:00 [gateway] device pairing store migrated')).toEqual({
      message: '[gateway] device pairing store migrated',
      timeMs: Date.parse('2026-08-31T15:38:08.572Z'),
    });
    expect(parseLine('2026-08-31T23:38:08+0800 vm node[12]: x')?.timeMs).toBe(Date.parse('2026-08-31T15:38:08Z'));
    expect(parseLine('{"0":"gateway connect failed: Error: pairing requ')?.message).toContain('pairing requ');
    for (const junk of ['{', '{}', '[1,2]', '{"0":null}', '\uFEFF{"msg":"x"}', 'null']) expect(() => parseLine(junk)).not.toThrow();
    expect(parseTime('not a time')).toBeUndefined();
  });
});

describe('grouping', () => {
  it('groups per kind, device, client and asked scopes, with first/last and rate', () => {
    const b = new EvidenceBuilder();
    const base = recognise(EXAMPLES[0]!)!;
    const t0 = Date.parse('2026-11-23T23:31:00Z');
    for (let i = 0; i < 14; i++) b.add({ ...base, timeMs: t0 + i * 15_000, message: EXAMPLES[0]!, source: '/tmp/openclaw/openclaw-2026-11-23.log' });
    b.add({ ...base, scopesTo: ['operator.read'], timeMs: t0, message: 'x', source: 's' });
    const ev = b.result(['f'], { bytes: 1, candidates: 15, skipped: 0 }, []);
    expect(ev.groups).toHaveLength(2);
    expect(ev.groups[0]).toMatchObject({ kind: 'access-upgrade', count: 14, client: 'gateway-client', scopesTo: ['operator.write'], intervalSec: 15, firstAt: '2026-11-23T23:31:00.000Z' });
    expect(ev.groups[0]!.rate).toMatch(/^every 15 s since \d\d:\d\d$/);
    expect(ev.groups[0]!.feature).toContain('cron delivery');
    expect(ev.stats.events).toBe(15);
  });

  it('words rates', () => {
    expect(rateText(1, 0, 0)).toEqual({});
    expect(rateText(11, 0, 1000).rate).toMatch(/^10\/s since/);
    expect(rateText(3, 0, 3_600_000).rate).toMatch(/^every 30 min since/);
  });
});

describe('parseSince', () => {
  const now = Date.parse('2026-11-25T12:00:00Z');
  it('reads durations, dates and times, and refuses the rest', () => {
    expect(parseSince('2h', now)).toBe(now - 7_200_000);
    expect(parseSince('3d', now)).toBe(now - 3 * 86_400_000);
    expect(parseSince('2026-11-23T14:00:00Z', now)).toBe(Date.parse('2026-11-23T14:00:00Z'));
    expect(parseSince('2026-11-23', now)).toBe(new Date(2026, 10, 23).getTime());
    expect(() => parseSince('yesterday-ish', now)).toThrow(/not a time/);
  });
});
