/**
 * `openclaw-fix logs`: the loop as the gateway's logs show it, grouped per device and client (who is
 * refused, how often, since when, what it breaks); `--follow` then prints each new event live.
 * Exit 0 when the logs show no refusal, 1 when they do, 2 when no log could be found or read;
 * a follow stopped with Ctrl-C is its normal end (0).
 */
import { printable } from '../report/escape.js';
import { CannotRunError, EXIT } from '../core/errors.js';
import { locateState } from '../core/locate.js';
import { takeSnapshot } from '../core/snapshot.js';
import type { LogEvidence, LogGroup, StateLocation } from '../core/model.js';
import { envelope } from '../report/json.js';
import { wrap, type Output } from '../report/output.js';
import { describeGroup, FAILURE_KINDS, groupWords } from '../logs/describe.js';
import { when, type TimedEvent } from '../logs/evidence.js';
import { follow } from '../logs/follow.js';
import { collectLogEvidence, resolveSources } from '../logs/index.js';
import { findLogFiles } from '../logs/sources.js';
import { DEFAULT_WINDOW_MS } from '../logs/since.js';
import { snapshotOptions, type CommonOptions } from './common.js';

export interface LogsOptions extends CommonOptions {
  log?: string[];
  since?: string;
  follow?: boolean;
}

/** The install's location, when there is one: `logs --log FILE` works without any state dir. */
function location(opts: LogsOptions): StateLocation | undefined {
  try {
    return locateState(snapshotOptions(opts), process.env);
  } catch (error) {
    if (error instanceof CannotRunError && error.code === 'usage') throw error;
    return undefined;
  }
}

/**
 * The host's device id, read as doctor reads the state (takeSnapshot: the JSON files or, from 2026.8, the SQLite
 * store). Reading it also registers the state's secrets for redaction: a log line may quote a token or a key.
 */
async function hostDeviceId(opts: LogsOptions, loc: StateLocation | undefined): Promise<string | undefined> {
  if (!loc) return undefined;
  try {
    const snapshot = await takeSnapshot({ ...snapshotOptions(opts), hashStore: false });
    return snapshot.identity.deviceId ?? undefined;
  } catch {
    return undefined;
  }
}

export async function run(opts: LogsOptions, output: Output): Promise<number> {
  const nowMs = Date.now();
  const loc = location(opts);
  const hostId = await hostDeviceId(opts, loc);
  const collect = { location: loc, logs: opts.log, since: opts.since, env: process.env, nowMs };
  const { sources } = resolveSources(collect);
  if (sources.length === 0) {
    const where = loc ? ` (looked for /tmp/openclaw/openclaw-*.log, os.tmpdir()/openclaw-<uid>/, logging.file, ${loc.stateDir}/logs/, ~/Library/Logs/openclaw/ and the systemd journal)` : '';
    throw new CannotRunError('no-logs', `No gateway log written in the ${opts.since ? `window --since ${opts.since}` : 'last 7 days'} was found${where}. Pass one with --log FILE (or - for stdin).`);
  }
  if (opts.follow) return runFollow(opts, output, collect, hostId);

  const evidence = await collectLogEvidence(collect);
  const failing = evidence.groups.some((g) => FAILURE_KINDS.has(g.kind));
  const exitCode = failing ? EXIT.problems : EXIT.healthy;
  if (output.json) output.printJson(logsJson(exitCode, evidence, hostId, nowMs));
  else renderLogs(output, evidence, hostId, nowMs, Boolean(opts.verbose), opts.since);
  return evidence.files.length > 0 && evidence.problems.length === evidence.files.length && evidence.stats.bytes === 0 ? EXIT.cannotRun : exitCode;
}

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

async function runFollow(opts: LogsOptions, output: Output, collect: Parameters<typeof collectLogEvidence>[0], hostId: string | undefined): Promise<number> {
  const { sources } = resolveSources(collect);
  // Newest first for discovered files; with several --log, the last one named.
  const source = opts.log?.length ? sources[sources.length - 1]! : sources[0]!;
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const print = (e: TimedEvent) => {
    if (output.json) {
      const { timeMs, ...fields } = e;
      output.printJsonLine({ ...fields, time: timeMs !== undefined ? new Date(timeMs).toISOString() : null, failure: FAILURE_KINDS.has(e.kind) });
    }
    else output.print(printable(eventLine(e, hostId, Date.now())));
  };
  try {
    let from: number | undefined;
    if (source.kind === 'file') {
      // What is already there, grouped, then only what is new.
      const evidence = await collectLogEvidence({ ...collect, logs: [source.path] });
      from = evidence.stats.bytes;
      if (!output.json) renderLogs(output, evidence, hostId, collect.nowMs, Boolean(opts.verbose), opts.since);
    }
    output.note(`Following ${source.label} (Ctrl-C to stop)...`);
    await follow({
      source,
      from,
      signal: controller.signal,
      onEvent: print,
      newest: opts.log?.length ? undefined : () => findLogFiles({ location: collect.location, env: collect.env, nowMs: Date.now(), sinceMs: Date.now() - DEFAULT_WINDOW_MS })[0],
    });
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  return EXIT.healthy;
}
