/**
 * `logs --follow`: the live tail of the newest log file (or stdin, or the journal), one callback
 * per new event, until the signal aborts. Polls size rather than fs.watch, which misses appends on
 * some filesystems (network mounts, WSL's /mnt) and fires twice on others.
 */
import { stat, type FileHandle } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { openRegularFile } from '../core/bounded-read.js';
import { spawnStarter, type Starter } from '../core/runner.js';
import type { TimedEvent } from './evidence.js';
import { lineHandler } from './index.js';
import { CandidateSplitter, scanHandle, scanStream } from './scan.js';
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
  /** Starts `journalctl -f` (tests pass their own). */
  start?: Starter;
}

/**
 * How much of the file's start is remembered to notice a copytruncate that refilled past the read position.
 * Gateway lines share their first few hundred bytes (the JSON prefix); their times come later, so several
 * whole lines are compared, not a prefix every line has.
 */
const HEAD_BYTES = 4096;

async function readHead(handle: FileHandle, upTo: number): Promise<Buffer> {
  const buf = Buffer.alloc(Math.min(HEAD_BYTES, upTo));
  const { bytesRead } = await handle.read(buf, 0, buf.length, 0).catch(() => ({ bytesRead: 0 }));
  return buf.subarray(0, bytesRead);
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
    const journal = (options.start ?? spawnStarter)(source.command!, ['--user', '-u', source.path, '-o', 'short-iso', '--no-pager', '-q', '-f', '-n', '0']);
    signal.addEventListener('abort', () => journal.stop(), { once: true });
    const splitter = new CandidateSplitter(lineHandler(source.label, undefined, options.onEvent));
    await scanStream(journal.stdout, splitter).catch(() => undefined);
    return;
  }
  // Like `tail -F`: the file stays open, so lines written to it before a rename rotation are still read; then
  // the new file at the path is followed from its start. A copytruncate (size fell, or the first bytes changed
  // because the file was truncated and refilled between two polls) starts over from the beginning too.
  let handle = await openRegularFile(source.path).catch(() => undefined);
  let position = options.from ?? (handle ? (await handle.stat()).size : 0);
  let head = handle ? await readHead(handle, position) : Buffer.alloc(0);
  let splitter = new CandidateSplitter(lineHandler(source.label, undefined, options.onEvent));
  const restart = () => {
    splitter.end();
    splitter = new CandidateSplitter(lineHandler(source.label, undefined, options.onEvent));
    position = 0;
    head = Buffer.alloc(0);
  };
  let polls = 0;
  try {
    while (!signal.aborted) {
      if (!handle) {
        handle = await openRegularFile(source.path).catch(() => undefined);
        if (handle && position > 0) restart();
      }
      if (handle) {
        const size = await handle.stat().then((s) => s.size).catch(() => -1);
        if (size >= 0 && (size < position || !(await readHead(handle, head.length)).equals(head))) restart();
        // The remembered start is built from the bytes actually read, never re-read: a refill landing between
        // two reads must not become the reference it is compared with.
        const extendHead = (chunk: Buffer, at: number) => {
          if (at === head.length && head.length < HEAD_BYTES) head = Buffer.concat([head, chunk.subarray(0, HEAD_BYTES - head.length)]);
        };
        if (size > position) position = await scanHandle(handle, splitter, position, signal, extendHead).catch(() => position);
        // The path names another file now (renamed away, a new one created): the old one was read to its end above.
        const [atPath, open] = await Promise.all([stat(source.path).catch(() => undefined), handle.stat().catch(() => undefined)]);
        if (atPath && open && (atPath.ino !== open.ino || atPath.dev !== open.dev)) {
          await handle.close().catch(() => undefined);
          handle = undefined;
          restart();
          continue;
        }
      }
      if (++polls % 20 === 0 && options.newest) {
        const newer = options.newest();
        if (newer && newer.kind === 'file' && newer.path !== source.path) {
          await handle?.close().catch(() => undefined);
          handle = undefined;
          source = newer;
          restart();
          continue;
        }
      }
      await sleep(options.pollMs ?? 500, undefined, { signal }).catch(() => undefined);
    }
  } finally {
    await handle?.close().catch(() => undefined);
  }
  splitter.end();
}
