/** Reads one state file without trusting it: every way it can be wrong becomes a status, never a throw. */
import { isAscii } from 'node:buffer';
import { createHash } from 'node:crypto';
import { readBounded } from '../core/bounded-read.js';
import type { FileInfo, FileStat } from '../core/model.js';

/** Far above a 10,000-device store (~20 MB); anything larger is not a device store. */
export const MAX_STATE_FILE_BYTES = 64 * 1024 * 1024;

export interface RawFile {
  info: FileInfo;
  bytes?: Buffer;
  /** Parsed JSON when status is ok (or wrong-shape: parsed, but not the expected shape). */
  value?: unknown;
}

function toStat(s: import('node:fs').Stats, isSymlink: boolean): FileStat {
  return { mode: s.mode & 0o7777, uid: s.uid, gid: s.gid, size: s.size, mtimeMs: s.mtimeMs, isFile: s.isFile(), isSymlink };
}

export function sha256(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Line and column of a byte offset, for error messages that never quote the file's content. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return { line, column };
}

/**
 * JSON.parse's own message quotes the input (which may hold a token): rebuild it from the position only, and
 * keep the position as data (the rules decide on it, not on this wording).
 */
function describeJsonError(error: unknown, text: string): { problem: string; at?: { line: number; column: number } } {
  const message = error instanceof Error ? error.message : String(error);
  const pos = /position (\d+)/.exec(message);
  // Read after "<file> " and "it ": every phrase starts with its verb.
  if (/Unexpected end of JSON input/.test(message)) return { problem: 'ends in the middle of the JSON (truncated)' };
  const lc = /line (\d+) column (\d+)/.exec(message);
  const at = pos ? lineColumn(text, Number(pos[1])) : lc ? { line: Number(lc[1]), column: Number(lc[2]) } : undefined;
  return at ? { problem: `is not valid JSON (line ${at.line}, column ${at.column})`, at } : { problem: 'is not valid JSON' };
}

export interface ReadOptions {
  /** false: leave FileInfo.sha256 out. Only a command that may write compares it (compare-and-swap); doctor does not. */
  hash?: boolean;
  /** This host's device id (identity/device.json): only its tokens get digests (see toDeviceRecord). */
  hostDeviceId?: string;
}

export function readJsonFile(path: string, options: ReadOptions = {}): RawFile {
  // The one bounded reader: regular files only, the size limit enforced while reading.
  const read = readBounded(path, MAX_STATE_FILE_BYTES);
  const stat = read.stat ? toStat(read.stat, read.isSymlink ?? false) : undefined;
  if (!read.ok) {
    if (read.reason === 'missing') return { info: { path, status: 'missing' } };
    if (read.reason === 'not-regular') return { info: { path, status: 'not-regular', problem: read.problem, stat } };
    if (read.reason === 'too-large') {
      return { info: { path, status: 'unparsable', problem: `${read.problem}, far larger than any device store; it is not one`, stat } };
    }
    if (read.reason === 'denied' && stat && !read.isSymlink) {
      const owner = stat.uid === process.getuid?.() ? '' : ` (it belongs to uid ${stat.uid})`;
      return { info: { path, status: 'unreadable', problem: `cannot be read by this user${owner}, mode ${stat.mode.toString(8).padStart(4, '0')}`, stat } };
    }
    return { info: { path, status: 'unreadable', problem: read.problem, ...(stat ? { stat } : {}) } };
  }
  const bytes = read.bytes;
  const info: FileInfo = { path, status: 'ok', stat };
  if (options.hash !== false) info.sha256 = sha256(bytes);
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  if (bom) info.bom = true;
  if (bytes.includes(0)) {
    return { info: { ...info, status: 'unparsable', problem: 'contains NUL bytes (binary data or a crash mid-write)' }, bytes };
  }
  // Pure ASCII (the usual store) is the same text in latin1, which Node copies byte for byte and, for a large
  // file, keeps outside the JS heap: 11 MB that no longer count towards the collector's next full GC.
  const ascii = isAscii(bytes);
  const text = ascii ? bytes.toString('latin1') : bytes.toString('utf8');
  if (!ascii && text.includes('\uFFFD') && !Buffer.from(text, 'utf8').equals(bytes)) {
    return { info: { ...info, status: 'unparsable', problem: 'is not valid UTF-8 text' }, bytes };
  }
  if (text.includes('\r\n')) info.crlf = true;
  if (text.trim() === '') {
    return { info: { ...info, status: 'empty', problem: bytes.length === 0 ? 'is empty (0 bytes)' : 'holds only white space' }, bytes };
  }
  if (bom) {
    return {
      info: { ...info, status: 'unparsable', problem: 'starts with a UTF-8 byte-order mark (added by an editor), which JSON.parse rejects' },
      bytes,
    };
  }
  try {
    return { info, bytes, value: JSON.parse(text) };
  } catch (error) {
    const { problem, at } = describeJsonError(error, text);
    return { info: { ...info, status: 'unparsable', problem, ...(at ? { parseErrorAt: at } : {}) }, bytes };
  }
}
