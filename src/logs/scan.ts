/**
 * The hot path. Logs can be many GB of unrelated lines, so lines are never split one by one: each
 * chunk is searched for the recognisers' needles (Buffer.indexOf, memchr-class speed) and only the
 * lines around a hit are decoded, parsed and recognised. Memory is one chunk plus at most one
 * partial line (capped), whatever the size of the input.
 */
import { open } from 'node:fs/promises';
import { PREFILTER_NEEDLES } from './patterns.js';

/** Longer lines are skipped (counted), never buffered: a log line worth reading is far shorter. */
export const MAX_LINE_BYTES = 64 * 1024;
export const CHUNK_BYTES = 1024 * 1024;

export interface ScanStats {
  bytes: number;
  /** Lines that contained a needle and were decoded. */
  candidates: number;
  /** Lines skipped: binary (NUL bytes) or longer than MAX_LINE_BYTES. */
  skipped: number;
}

const NEWLINE = 10;
const NEEDLES = PREFILTER_NEEDLES.map((n) => Buffer.from(n, 'utf8'));

/** Feed it chunks in order; it calls `onLine` for each candidate line, in file order. */
export class CandidateSplitter {
  readonly stats: ScanStats = { bytes: 0, candidates: 0, skipped: 0 };
  /** The start of a line that continues in the next chunk (copied: callers may reuse their buffer). */
  private carry: Buffer | null = null;
  /** Inside a line already known to be too long: drop bytes up to its end. */
  private skipping = false;

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly maxLine = MAX_LINE_BYTES,
  ) {}

  push(chunk: Buffer): void {
    this.stats.bytes += chunk.length;
    let from = 0;
    if (this.skipping || this.carry) {
      const nl = chunk.indexOf(NEWLINE);
      if (nl === -1) {
        this.extendCarry(chunk);
        return;
      }
      if (this.skipping) {
        this.skipping = false;
      } else {
        const carry = this.carry!;
        this.carry = null;
        if (carry.length + nl > this.maxLine) this.stats.skipped++;
        else this.region(Buffer.concat([carry, chunk.subarray(0, nl + 1)]), 0, carry.length + nl);
      }
      from = nl + 1;
    }
    const last = chunk.lastIndexOf(NEWLINE);
    if (last >= from) this.region(chunk, from, last);
    this.extendCarry(chunk.subarray(Math.max(from, last + 1)));
  }

  /** End of input: the last line may lack its newline (a log cut mid-write). */
  end(): void {
    if (this.carry && !this.skipping) {
      const carry = this.carry;
      this.carry = null;
      const withNl = Buffer.concat([carry, Buffer.from([NEWLINE])]);
      this.region(withNl, 0, carry.length);
    }
    this.carry = null;
    this.skipping = false;
  }

  private extendCarry(rest: Buffer): void {
    if (this.skipping || rest.length === 0) return;
    const size = (this.carry?.length ?? 0) + rest.length;
    if (size > this.maxLine) {
      this.carry = null;
      this.skipping = true;
      this.stats.skipped++;
      return;
    }
    this.carry = this.carry ? Buffer.concat([this.carry, rest]) : Buffer.from(rest);
  }

  /** Lines in buf[from, end) where buf[end] is a newline. */
  private region(buf: Buffer, from: number, end: number): void {
    let hits: number[] | null = null;
    for (const needle of NEEDLES) {
      let pos = buf.indexOf(needle, from);
      while (pos !== -1 && pos < end) {
        const start = buf.lastIndexOf(NEWLINE, pos) + 1;
        const stop = buf.indexOf(NEWLINE, pos);
        (hits ??= []).push(Math.max(start, from), stop);
        pos = buf.indexOf(needle, stop + 1);
      }
    }
    if (!hits) return;
    // Several needles can hit one line: visit each line once, in order.
    const order = [...Array(hits.length / 2).keys()].sort((a, b) => hits![2 * a]! - hits![2 * b]!);
    let previous = -1;
    for (const i of order) {
      const start = hits[2 * i]!;
      if (start === previous) continue;
      previous = start;
      let stop = hits[2 * i + 1]!;
      if (stop - start > this.maxLine || buf.subarray(start, stop).indexOf(0) !== -1) {
        this.stats.skipped++;
        continue;
      }
      if (stop > start && buf[stop - 1] === 13) stop--;
      this.stats.candidates++;
      this.onLine(buf.toString('utf8', start, stop));
    }
  }
}

/** Reads a plain file with one reused buffer (no per-chunk allocation). */
export async function scanFile(file: string, splitter: CandidateSplitter, startAt = 0, signal?: AbortSignal): Promise<number> {
  const handle = await open(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(CHUNK_BYTES);
    let position = startAt;
    for (;;) {
      if (signal?.aborted) break;
      const { bytesRead } = await handle.read(buf, 0, buf.length, position);
      if (bytesRead === 0) break;
      position += bytesRead;
      splitter.push(bytesRead === buf.length ? buf : buf.subarray(0, bytesRead));
    }
    return position;
  } finally {
    await handle.close();
  }
}

/** Any readable stream (stdin, gunzip, journalctl's stdout). */
export async function scanStream(stream: AsyncIterable<Buffer | string>, splitter: CandidateSplitter): Promise<void> {
  for await (const chunk of stream) splitter.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
}
