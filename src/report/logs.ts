/** `logs` output: the grouped report (text and --json) and, with --follow, one line or JSON document per event. */
import type { LogEvidence, LogGroup } from '../core/model.js';
import { describeGroup, FAILURE_KINDS, groupWords } from '../logs/describe.js';
import { when, type TimedEvent } from '../logs/evidence.js';
import { DEFAULT_WINDOW_MS } from '../logs/since.js';
import { printable } from './escape.js';
import { envelope } from './json.js';
import { wrap, type Output } from './output.js';

export function logsJson(exitCode: number, evidence: LogEvidence, hostId: string | undefined, nowMs: number) {
  return {
    ...envelope('logs', exitCode),
    sources: evidence.files,
    since: evidence.sinceMs !== undefined ? new Date(evidence.sinceMs).toISOString() : null,
    filesSince: new Date(evidence.sinceMs ?? nowMs - DEFAULT_WINDOW_MS).toISOString(),
    hostDeviceId: hostId ?? null,
    stats: evidence.stats,
    problems: evidence.problems,
    groups: evidence.groups.map((g) => ({ ...g, failure: FAILURE_KINDS.has(g.kind), isHost: g.deviceId !== undefined && g.deviceId === hostId })),
  };
}

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function renderLogs(o: Output, evidence: LogEvidence, hostId: string | undefined, nowMs: number, verbose: boolean, since?: string): void {
  const c = o.out;
  o.print(c.bold('openclaw-fix logs'));
  evidence.files.forEach((f, i) => o.print(`  ${c.dim(i === 0 ? 'read  ' : '      ')}  ${printable(f)}`));
  const { stats } = evidence;
  o.print(`  ${c.dim('      ')}  ${c.dim(`${size(stats.bytes)}, ${stats.events} event${stats.events === 1 ? '' : 's'}${stats.skipped ? `, ${stats.skipped} binary or over-long line(s) skipped` : ''}`)}`);
  o.print(`  ${c.dim('window')}  ${since ? `lines since ${when(evidence.sinceMs!, nowMs, false)} (--since ${since})` : 'all lines of the files written in the last 7 days (--since to narrow)'}`);
  for (const p of evidence.problems) o.print(`  ${c.yellow('!')} ${printable(p)}`);
  o.print();
  const failing = evidence.groups.filter((g) => FAILURE_KINDS.has(g.kind));
  const context = evidence.groups.filter((g) => !FAILURE_KINDS.has(g.kind));
  if (failing.length === 0) o.print(c.green('✓ No "pairing required" refusal in these logs.'));
  else {
    o.print(c.bold('Refused:'));
    for (const g of failing) renderGroup(o, g, hostId, nowMs, verbose, c.red('✗'));
  }
  if (context.length) {
    o.print();
    o.print(c.bold('Context:'));
    for (const g of context) renderGroup(o, g, hostId, nowMs, verbose, c.cyan('i'));
  }
  if (!verbose && evidence.groups.length) {
    o.print();
    o.print(c.dim('Run with --verbose for a sample line of each, --json for machines, --follow to watch live.'));
  }
}

function renderGroup(o: Output, g: LogGroup, hostId: string | undefined, nowMs: number, verbose: boolean, mark: string): void {
  const c = o.out;
  o.print(`  ${mark} ${wrap(describeGroup(g, nowMs, { device: true, hostId }), o.width - 4, '    ')}`);
  if (g.feature) o.print(`    ${c.dim(`breaks: ${printable(g.feature)}`)}`);
  if (g.deviceId && verbose) o.print(`    ${c.dim(`device ${printable(g.deviceId)}`)}`);
  if (verbose) o.print(`    ${c.dim(wrap(g.sample, o.width - 4, '    '))}`);
}

/** One line per event: time, what, who. */
export function eventLine(e: TimedEvent, hostId: string | undefined, nowMs: number): string {
  const g: LogGroup = { ...e, count: 1, sample: e.message, source: e.source, detail: e.key ?? e.scope ?? e.error };
  const time = e.timeMs !== undefined ? when(e.timeMs, nowMs) : '--:--:--';
  return `${time}  ${groupWords(g, { device: true, hostId })}`;
}

/** logs --follow --json: one event as its own JSON document. */
export function eventJson(e: TimedEvent) {
  const { timeMs, ...fields } = e;
  return { ...fields, time: timeMs !== undefined ? new Date(timeMs).toISOString() : null, failure: FAILURE_KINDS.has(e.kind) };
}
