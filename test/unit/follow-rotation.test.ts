/** Issue 17 case 10: `logs --follow` across log rotation, as `tail -F` does (rename rotation and copytruncate). */
import { appendFileSync, renameSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TimedEvent } from '../../src/logs/evidence.js';
import { follow } from '../../src/logs/follow.js';
import { tempDir } from '../helpers.js';

const DEVICE = '9c1d5e0b7a4f2e8d6c3b1a09f8e7d6c5b4a39281706f5e4d3c2b1a0918273645';

/** One gateway file-log line the follower turns into an event; `n` tells the events apart. */
function line(n: number): string {
  const iso = new Date(Date.UTC(2026, 10, 25, 10, 0, n)).toISOString();
  const name = JSON.stringify({ subsystem: 'gateway' });
  const message = `security audit: device access upgrade requested reason=scope-upgrade device=${DEVICE} ip=10.0.0.${n} auth=device-token roleFrom=operator roleTo=operator scopesFrom=operator.read scopesTo=operator.write client=c${n} conn=c-${n}`;
  return `${JSON.stringify({ 0: name, 1: message, _meta: { runtime: 'node', name, date: iso, logLevelId: 4, logLevelName: 'WARN' }, time: iso })}\n`;
}

/** Follows `file` in the background; `until` waits (without a fixed sleep) until the events seen satisfy it. */
function follower(file: string, pollMs = 10) {
  const seen: TimedEvent[] = [];
  const controller = new AbortController();
    // From the size now, as the CLI passes it: what was there before is not new, however late the first poll runs.
  const from = statSync(file).size;
  const done = follow({ source: { kind: 'file', path: file, label: 'm.log' } as never, from, signal: controller.signal, onEvent: (e) => seen.push(e), pollMs });
  const ips = () => seen.map((e) => e.message.match(/ip=(\S+)/)?.[1]);
  const until = async (count: number) => {
    for (let i = 0; i < 12_000 && seen.length < count; i++) await new Promise((r) => setTimeout(r, 10));
  };
  const stop = async () => {
    controller.abort();
    await done;
  };
  return { ips, until, stop };
}

describe('logs --follow across rotation', () => {
  it('rename rotation: the new file is followed from its start, every event kept', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'm.log');
    writeFileSync(file, line(1) + line(2) + line(3)); // already there: not new, not reported
    const f = follower(file);
    appendFileSync(file, line(4));
    await f.until(1);
    renameSync(file, `${file}.1`);
    writeFileSync(file, line(5) + line(6) + line(7) + line(8) + line(9));
    await f.until(6);
    await f.stop();
    expect(f.ips()).toEqual(['10.0.0.4', '10.0.0.5', '10.0.0.6', '10.0.0.7', '10.0.0.8', '10.0.0.9']);
  });

  it('copytruncate refilled past the old position before the next look: read from the start', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'm.log');
    writeFileSync(file, line(1));
    // A slower poll: the refill below lands while the follower sleeps right after reporting event 2, the way a
    // logrotate run lands between two looks (not in the middle of one, which no follower can tell apart).
    const f = follower(file, 100);
    appendFileSync(file, line(2));
    await f.until(1);
    // Truncate and refill with more bytes than were read, in one step the poller cannot see between.
    truncateSync(file, 0);
    writeFileSync(file, line(13) + line(14) + line(15));
    await f.until(4);
    await f.stop();
    expect(f.ips()).toEqual(['10.0.0.2', '10.0.0.13', '10.0.0.14', '10.0.0.15']);
  });

  it('the path removed and created again later: the new file from its start', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'm.log');
    writeFileSync(file, line(1));
    const f = follower(file);
    await new Promise((r) => setTimeout(r, 50));
    renameSync(file, `${file}.1`);
    await new Promise((r) => setTimeout(r, 50));
    writeFileSync(file, line(21) + line(22));
    await f.until(2);
    await f.stop();
    expect(f.ips()).toEqual(['10.0.0.21', '10.0.0.22']);
  });
});
