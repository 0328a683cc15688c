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
import type { StateLocation } from '../core/model.js';
import { eventJson, eventLine, logsJson, renderLogs } from '../report/logs.js';
import type { Output } from '../report/output.js';
import { FAILURE_KINDS } from '../logs/describe.js';
import type { TimedEvent } from '../logs/evidence.js';
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
  const { sources, refused } = resolveSources(collect);
  if (sources.length === 0) {
    const where = loc ? ` (looked for /tmp/openclaw/openclaw-*.log, os.tmpdir()/openclaw-<uid>/, logging.file, ${loc.stateDir}/logs/, ~/Library/Logs/openclaw/ and the systemd journal)` : '';
    const notRead = refused.length > 0 ? ` Not read: ${refused.join(' ')}` : '';
    throw new CannotRunError('no-logs', `No gateway log written in the ${opts.since ? `window --since ${opts.since}` : 'last 7 days'} was found${where}.${notRead} Pass one with --log FILE (or - for stdin).`);
  }
  if (opts.follow) return runFollow(opts, output, collect, hostId);

  const evidence = await collectLogEvidence(collect);
  const failing = evidence.groups.some((g) => FAILURE_KINDS.has(g.kind));
  // Could not run: every source failed to read. A log place named and not read (`refused`) is no source.
  const nothingRead = evidence.files.length > 0 && evidence.problems.length - refused.length === evidence.files.length && evidence.stats.bytes === 0;
  const exitCode = nothingRead ? EXIT.cannotRun : failing ? EXIT.problems : EXIT.healthy;
  if (output.json) output.printJson(logsJson(exitCode, evidence, hostId, nowMs));
  else renderLogs(output, evidence, hostId, nowMs, Boolean(opts.verbose), opts.since);
  return exitCode;
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
    if (output.json) output.printJsonLine(eventJson(e));
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
