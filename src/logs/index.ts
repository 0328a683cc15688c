/**
 * Log evidence for doctor and `openclaw-fix logs`: find the sources, stream each through the
 * candidate splitter, recognise, group. A source that cannot be read becomes a problem line; a
 * malformed line is skipped; nothing here stops the scan or throws for bad input.
 */
import { createReadStream } from 'node:fs';
import { openRegularFile } from '../core/bounded-read.js';
import { createGunzip } from 'node:zlib';
import { errnoCode } from '../core/errors.js';
import type { LogEvidence, StateLocation } from '../core/model.js';
import { spawnStarter, type Starter } from '../core/runner.js';
import { EvidenceBuilder, type TimedEvent } from './evidence.js';
import { parseLine } from './line.js';
import { recognise } from './patterns.js';
import { CandidateSplitter, scanFile, scanStream, type ScanStats } from './scan.js';
import { DEFAULT_WINDOW_MS, parseSince } from './since.js';
import { explicitSources, findJournal, findLogFiles, type LogSource } from './sources.js';

export interface CollectOptions {
  location?: StateLocation;
  /** --log values; when given, only these are read. */
  logs?: string[];
  since?: string;
  env: NodeJS.ProcessEnv;
  nowMs: number;
  /** Newest N discovered files only (doctor). */
  maxFiles?: number;
  stdin?: NodeJS.ReadableStream;
  onEvent?: (event: TimedEvent) => void;
  /** How long journalctl may take before it is given up on. */
  journalTimeoutMs?: number;
  /** Starts journalctl (tests pass their own). */
  start?: Starter;
}

/** Turns raw candidate lines from one source into events. Shared by the full scan and --follow. */
export function lineHandler(source: string, sinceMs: number | undefined, sink: (event: TimedEvent) => void): (line: string) => void {
  return (line) => {
    const parsed = parseLine(line);
    if (!parsed) return;
    if (sinceMs !== undefined && parsed.timeMs !== undefined && parsed.timeMs < sinceMs) return;
    const event = recognise(parsed.message);
    if (event) sink({ ...event, timeMs: parsed.timeMs, message: parsed.message, source });
  };
}

async function isGzip(file: string): Promise<boolean> {
  const handle = await openRegularFile(file);
  if (file.endsWith('.gz')) {
    await handle.close();
    return true;
  }
  try {
    const head = Buffer.alloc(2);
    await handle.read(head, 0, 2, 0);
    return head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

async function readJournal(source: LogSource, sinceMs: number, splitter: CandidateSplitter, timeoutMs: number, start: Starter): Promise<string | undefined> {
  // short-iso keeps each entry's time (`-o cat` drops it when the console line has none).
  const args = ['--user', '-u', source.path, '-o', 'short-iso', '--no-pager', '-q', '--since', `@${Math.floor(sinceMs / 1000)}`];
  const journal = start(source.command!, args);
  const timer = setTimeout(() => journal.stop(), timeoutMs);
  try {
    await scanStream(journal.stdout, splitter);
  } finally {
    clearTimeout(timer);
  }
  const code = await journal.exited;
  return code === 0 ? undefined : `journalctl for ${source.path} did not finish cleanly (exit ${code ?? 'signal'}); its lines may be incomplete.`;
}

async function readSource(source: LogSource, splitter: CandidateSplitter, options: CollectOptions, windowStart: number): Promise<string | undefined> {
  try {
    if (source.kind === 'stdin') {
      await scanStream((options.stdin ?? process.stdin) as AsyncIterable<Buffer>, splitter);
    } else if (source.kind === 'journal') {
      return await readJournal(source, windowStart, splitter, options.journalTimeoutMs ?? 15_000, options.start ?? spawnStarter);
    } else if (await isGzip(source.path)) {
      const gunzip = createGunzip();
      const input = createReadStream(source.path);
      input.on('error', (e) => gunzip.destroy(e));
      try {
        await scanStream(input.pipe(gunzip), splitter);
      } catch (error) {
        // A cut .gz still gave its lines up to the cut; say so and keep them.
        return `${source.label}: the compressed data ends early or is damaged (${errnoCode(error) ?? (error as Error).message}); read up to there.`;
      }
    } else {
      await scanFile(source.path, splitter);
    }
  } catch (error) {
    const code = errnoCode(error);
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : code === 'ENOTREG' ? (error as Error).message : (code ?? (error as Error).message);
    return `${source.label}: cannot read (${why}).`;
  } finally {
    splitter.end();
  }
  return undefined;
}

export interface Sources {
  sources: LogSource[];
  /** Lines older than this are dropped (only with --since). */
  sinceMs?: number;
  /** Files older than this were not considered. */
  windowStart: number;
  /** Log places found but not read, one line each (sources.ts notTheGateways). */
  refused: string[];
}

export function resolveSources(options: CollectOptions): Sources {
  const sinceMs = options.since ? parseSince(options.since, options.nowMs) : undefined;
  const windowStart = sinceMs ?? options.nowMs - DEFAULT_WINDOW_MS;
  if (options.logs?.length) return { sources: explicitSources(options.logs), sinceMs, windowStart, refused: [] };
  const refused: string[] = [];
  const find = { location: options.location, env: options.env, nowMs: options.nowMs, sinceMs: windowStart, maxFiles: options.maxFiles, refused };
  const sources = findLogFiles(find);
  // Under systemd the same lines reach both the file log and the journal; the journal is the
  // fallback when no file log is left (the file log is pruned after 24 h).
  if (sources.length === 0) {
    const journal = findJournal(find);
    if (journal) sources.push(journal);
  }
  return { sources, sinceMs, windowStart, refused };
}

export async function collectLogEvidence(options: CollectOptions): Promise<LogEvidence> {
  const { sources, sinceMs, windowStart, refused } = resolveSources(options);
  const builder = new EvidenceBuilder();
  const totals: ScanStats = { bytes: 0, candidates: 0, skipped: 0 };
  const problems: string[] = [...refused];
  for (const source of sources) {
    const handle = lineHandler(source.label, sinceMs, (event) => {
      builder.add(event);
      options.onEvent?.(event);
    });
    const splitter = new CandidateSplitter(handle);
    const problem = await readSource(source, splitter, options, windowStart);
    if (problem) problems.push(problem);
    totals.bytes += splitter.stats.bytes;
    totals.candidates += splitter.stats.candidates;
    totals.skipped += splitter.stats.skipped;
  }
  return builder.result(sources.map((s) => s.label), totals, problems, sinceMs);
}
