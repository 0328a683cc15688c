/**
 * `logs --follow`: the live tail of the newest log file (or stdin, or the journal), one callback
 * per new event, until the signal aborts. Polls size rather than fs.watch, which misses appends on
 * some filesystems (network mounts, WSL's /mnt) and fires twice on others.
 */
import { spawn } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TimedEvent } from './evidence.js';
import { lineHandler } from './index.js';
import { CandidateSplitter, scanFile, scanStream } from './scan.js';
import type { LogSource } from './sources.js';

export interface FollowOptions {
  source: LogSource;
  /** Start at this byte (the size already read); new lines only. */
  from?: number;
  signal: AbortSignal;
  onEvent: (event: TimedEvent) => void;
  /** Called now and then to learn whether a newer file took over (the gateway's date rollover). */
  newest?: () => LogSource | undefined;
  pollMs?: number;
  stdin?: NodeJS.ReadableStream;
}

export async function follow(options: FollowOptions): Promise<void> {
  const { signal } = options;
  let source = options.source;
  if (source.kind === 'stdin') {
    const splitter = new CandidateSplitter(lineHandler('stdin', undefined, options.onEvent));
    const input = (options.stdin ?? process.stdin) as NodeJS.ReadableStream & { destroy?: () => void };
    signal.addEventListener('abort', () => input.destroy?.(), { once: true });
    await scanStream(input as AsyncIterable<Buffer>, splitter).catch(() => undefined);
    splitter.end();
    return;
  }
  if (source.kind === 'journal') {
    const child = spawn(source.command!, ['--user', '-u', source.path, '-o', 'short-iso', '--no-pager', '-q', '-f', '-n', '0'], { stdio: ['ignore', 'pipe', 'ignore'] });
    signal.addEventListener('abort', () => child.kill('SIGTERM'), { once: true });
    const splitter = new CandidateSplitter(lineHandler(source.label, undefined, options.onEvent));
    await scanStream(child.stdout, splitter).catch(() => undefined);
    return;
  }
  let position = options.from ?? (await stat(source.path).then((s) => s.size).catch(() => 0));
  let splitter = new CandidateSplitter(lineHandler(source.label, undefined, options.onEvent));
  let polls = 0;
  while (!signal.aborted) {
    const size = await stat(source.path).then((s) => s.size).catch(() => -1);
    if (size >= 0 && size < position) {
      // Truncated or replaced in place: start over from its beginning.
      position = 0;
      splitter = new CandidateSplitter(lineHandler(source.label, undefined, options.onEvent));
    }
    if (size > position) position = await scanFile(source.path, splitter, position, signal).catch(() => position);
    if (++polls % 20 === 0 && options.newest) {
      const newer = options.newest();
      if (newer && newer.kind === 'file' && newer.path !== source.path) {
        splitter.end();
        source = newer;
        position = 0;
        splitter = new CandidateSplitter(lineHandler(source.label, undefined, options.onEvent));
      }
    }
    await sleep(options.pollMs ?? 500, undefined, { signal }).catch(() => undefined);
  }
  splitter.end();
}
