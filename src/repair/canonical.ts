/**
 * Proves, in one pass over the bytes and without building the value, that a file is exactly what OpenClaw
 * writes: serialize(JSON.parse(file)), i.e. JSON.stringify(value, null, 2) in UTF-8. In such a file the value of
 * each top-level key is its own serialization, one level down, at a place this pass finds, so rotate can
 * rewrite one device of a 10,000-device store without parsing and re-serializing all of it (editor.ts).
 *
 * Conservative: `undefined` for anything it does not prove, and the caller then takes the long way (parse,
 * edit, serialize the whole file). What it checks, besides the JSON grammar:
 * - whitespace: a newline and 2 spaces per level before every member and closing bracket of a non-empty
 *   object or array, `{}` / `[]` when empty, one space after each colon, nothing else (no trailing newline);
 * - strings as JSON.stringify writes them: raw UTF-8 (validated), escapes only `\" \\ \b \f \n \r \t` and
 *   `\u00xx` (lower-case hex) for the other control characters; any other escape (`\/`, `\u0041`, surrogates) is
 *   not proven;
 * - numbers: String(Number(literal)) === literal (so `1.0`, `1e5`, `-0`, `1e400` are not proven);
 * - keys: no duplicate in any object (JSON.parse keeps the last, at the place of the first), and no key that
 *   JSON.parse would move (integer-like keys are enumerated first);
 * - nesting no deeper than MAX_DEPTH (JSON.stringify may not write a very deep value back: the long way says so).
 */

const MAX_DEPTH = 512;

const NL = 0x0a;
const SP = 0x20;
const QUOTE = 0x22;
const COMMA = 0x2c;
const COLON = 0x3a;
const BSLASH = 0x5c;
const LBRACK = 0x5b;
const RBRACK = 0x5d;
const LBRACE = 0x7b;
const RBRACE = 0x7d;

/** Escapes JSON.stringify writes as two characters (the letter after the backslash). */
const SHORT_ESCAPES = new Set([QUOTE, BSLASH, 0x62 /* b */, 0x66 /* f */, 0x6e /* n */, 0x72 /* r */, 0x74 /* t */]);
/** Control characters JSON.stringify writes as \b \f \n \r \t, never as \u00xx. */
const SHORT_CONTROLS = new Set([0x08, 0x0c, 0x0a, 0x0d, 0x09]);

const TRUE = Buffer.from('true');
const FALSE = Buffer.from('false');
const NULL = Buffer.from('null');

function hexLower(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  return -1;
}

/**
 * `b` as 32-bit words (when it is aligned), so a string's plain bytes are skipped 4 at a time: a word is plain
 * when none of its bytes is a quote, a backslash, a control character or non-ASCII (bit tests, no false
 * negatives; a false positive only means the word is looked at byte by byte).
 */
function wordsOf(b: Buffer): Int32Array | null {
  return b.byteOffset % 4 === 0 ? new Int32Array(b.buffer, b.byteOffset, b.length >> 2) : null;
}

function plainWord(w: number): boolean {
  const q = w ^ 0x22222222;
  const s = w ^ 0x5c5c5c5c;
  return ((((q - 0x01010101) & ~q) | ((s - 0x01010101) & ~s) | ((w - 0x20202020) & ~w) | w) & 0x80808080) === 0;
}

/** End (index after the closing quote) of a canonical string starting at `i` (a quote), or -1. */
function stringEnd(b: Buffer, words: Int32Array | null, i: number): number {
  const n = b.length;
  for (let j = i + 1; j < n; ) {
    if (words !== null && (j & 3) === 0) {
      let k = j >> 2;
      while (k < words.length && plainWord(words[k]!)) k++;
      j = k << 2;
      if (j >= n) break;
    }
    const c = b[j]!;
    // Printable ASCII other than the quote and the backslash: most of the file.
    if (c > QUOTE && c < 0x80 && c !== BSLASH) {
      j++;
      continue;
    }
    if (c === QUOTE) return j + 1;
    if (c < SP) return -1;
    if (c === BSLASH) {
      const e = b[j + 1];
      if (e === undefined) return -1;
      if (SHORT_ESCAPES.has(e)) {
        j += 2;
        continue;
      }
      if (e !== 0x75 /* u */ || b[j + 2] !== 0x30 || b[j + 3] !== 0x30) return -1;
      const hi = hexLower(b[j + 4] ?? 0);
      const lo = hexLower(b[j + 5] ?? 0);
      if (hi < 0 || hi > 1 || lo < 0) return -1;
      if (SHORT_CONTROLS.has(hi * 16 + lo)) return -1;
      j += 6;
      continue;
    }
    if (c < 0x80) {
      j++;
      continue;
    }
    // UTF-8, well-formed (no overlong forms, no surrogates, nothing above U+10FFFF).
    const c1 = b[j + 1] ?? 0;
    const cont = (x: number) => x >= 0x80 && x <= 0xbf;
    if (c >= 0xc2 && c <= 0xdf) {
      if (!cont(c1)) return -1;
      j += 2;
    } else if (c >= 0xe0 && c <= 0xef) {
      const lo1 = c === 0xe0 ? 0xa0 : 0x80;
      const hi1 = c === 0xed ? 0x9f : 0xbf;
      if (c1 < lo1 || c1 > hi1 || !cont(b[j + 2] ?? 0)) return -1;
      j += 3;
    } else if (c >= 0xf0 && c <= 0xf4) {
      const lo1 = c === 0xf0 ? 0x90 : 0x80;
      const hi1 = c === 0xf4 ? 0x8f : 0xbf;
      if (c1 < lo1 || c1 > hi1 || !cont(b[j + 2] ?? 0) || !cont(b[j + 3] ?? 0)) return -1;
      j += 4;
    } else return -1;
  }
  return -1;
}

/** End of a canonical number literal starting at `i`, or -1. */
function numberEnd(b: Buffer, i: number): number {
  let j = i;
  let digitsOnly = true;
  for (; j < b.length; j++) {
    const c = b[j]!;
    if (c >= 0x30 && c <= 0x39) continue;
    if (!(c === 0x2d || c === 0x2b || c === 0x2e || c === 0x65 || c === 0x45)) break;
    if (!(c === 0x2d && j === i)) digitsOnly = false;
  }
  // The usual case (timestamps): an integer of at most 15 digits, no leading zero, prints as written.
  const first = b[b[i] === 0x2d ? i + 1 : i];
  const digits = j - i - (b[i] === 0x2d ? 1 : 0);
  if (digitsOnly && digits >= 1 && digits <= 15 && (first !== 0x30 || (digits === 1 && b[i] !== 0x2d))) return j;
  const literal = b.toString('latin1', i, j);
  return j > i && String(Number(literal)) === literal ? j : -1;
}

function literalEnd(b: Buffer, i: number, word: Buffer): number {
  for (let k = 0; k < word.length; k++) if (b[i + k] !== word[k]) return -1;
  return i + word.length;
}

/** Index after a newline and 2*depth spaces at `i`, or -1 (the byte after must not be a space: it is a token). */
function indentEnd(b: Buffer, i: number, depth: number): number {
  if (b[i] !== NL) return -1;
  const end = i + 1 + 2 * depth;
  for (let k = i + 1; k < end; k++) if (b[k] !== SP) return -1;
  return b[end] === SP ? -1 : end;
}

/** A key JSON.parse enumerates before the others (an array index): its place would change on a rewrite. */
function isIndexKey(b: Buffer, start: number, end: number): boolean {
  // start/end enclose the quotes.
  const first = b[start + 1]!;
  if (first < 0x30 || first > 0x39) return false;
  for (let k = start + 2; k < end - 1; k++) if (b[k]! < 0x30 || b[k]! > 0x39) return false;
  return true; // "0", "12", also "012" (not an index, but not worth proving either)
}

interface Frame {
  object: boolean;
  /** Where this object's keys start in the shared key list (their [start, end) offsets and a fingerprint). */
  keyBase: number;
  /** The keys as text, once an object has more than SMALL keys (the top level always). */
  set: Set<string> | null;
}

/** Up to this many keys, an object's keys are compared byte for byte (no strings made); beyond, a Set. */
const SMALL = 32;

function sameBytes(b: Buffer, s1: number, e1: number, s2: number, e2: number): boolean {
  if (e1 - s1 !== e2 - s2) return false;
  for (let k = 0; k < e1 - s1; k++) if (b[s1 + k] !== b[s2 + k]) return false;
  return true;
}

/**
 * Where the value of top-level key `key` is in `bytes` ([start, end) byte offsets), when the whole file is
 * proven to be what serialize() writes for its own parse (see above); undefined otherwise, or when the file is
 * not an object or has no such key.
 */
export function canonicalValueSpan(bytes: Buffer, key: string): { start: number; end: number } | undefined {
  const b = bytes;
  const n = b.length;
  const words = wordsOf(b);
  if (b[0] !== LBRACE) return undefined;
  const wanted = Buffer.from(JSON.stringify(key), 'utf8');
  let span: { start: number; end: number } | undefined;
  let valueStart = -1;
  let isWanted = false;

  const stack: Frame[] = [];
  // [start, end) and a fingerprint of the keys of every open object, innermost last.
  let keys = new Int32Array(3 * 1024);
  let keyTop = 0;
  let i = 0;
  for (;;) {
    // A value starts at i, at depth stack.length.
    const c = b[i];
    let done = -1;
    if (c === LBRACE || c === LBRACK) {
      const object = c === LBRACE;
      if (b[i + 1] === (object ? RBRACE : RBRACK)) done = i + 2;
      else {
        if (stack.length >= MAX_DEPTH) return undefined;
        stack.push({ object, keyBase: keyTop, set: object && stack.length === 0 ? new Set() : null });
        i = indentEnd(b, i + 1, stack.length);
        if (i < 0) return undefined;
        if (object) {
          i = member(i);
          if (i < 0) return undefined;
        }
        continue;
      }
    } else if (c === QUOTE) done = stringEnd(b, words, i);
    else if (c === 0x74) done = literalEnd(b, i, TRUE);
    else if (c === 0x66) done = literalEnd(b, i, FALSE);
    else if (c === 0x6e) done = literalEnd(b, i, NULL);
    else if (c !== undefined && ((c >= 0x30 && c <= 0x39) || c === 0x2d)) done = numberEnd(b, i);
    if (done < 0) return undefined;
    i = done;

    // The value ended at i: close containers until one continues with a comma.
    for (;;) {
      if (stack.length === 1 && valueStart >= 0) {
        if (isWanted) span = { start: valueStart, end: i };
        valueStart = -1;
      }
      if (stack.length === 0) return i === n ? span : undefined;
      const top = stack[stack.length - 1]!;
      if (b[i] === COMMA) {
        i = indentEnd(b, i + 1, stack.length);
        if (i < 0) return undefined;
        if (top.object) {
          i = member(i);
          if (i < 0) return undefined;
        }
        break;
      }
      const close = indentEnd(b, i, stack.length - 1);
      if (close < 0 || b[close] !== (top.object ? RBRACE : RBRACK)) return undefined;
      keyTop = top.keyBase;
      stack.pop();
      i = close + 1;
    }
  }

  /** A member's key and ": " at i, in the innermost (object) frame; returns where its value starts, or -1. */
  function member(at: number): number {
    if (b[at] !== QUOTE) return -1;
    const end = stringEnd(b, words, at);
    if (end < 0 || b[end] !== COLON || b[end + 1] !== SP) return -1;
    if (isIndexKey(b, at, end)) return -1;
    const frame = stack[stack.length - 1]!;
    if (!frame.set && keyTop - frame.keyBase >= SMALL * 3) {
      frame.set = new Set();
      for (let k = frame.keyBase; k < keyTop; k += 3) frame.set.add(b.toString('latin1', keys[k]!, keys[k + 1]!));
    }
    // A fingerprint of the key (length and first, second and last byte) to compare before the bytes.
    const tag = ((end - at) << 24) ^ (b[at + 1]! << 16) ^ (b[at + 2]! << 8) ^ b[end - 2]!;
    if (frame.set) {
      const name = b.toString('latin1', at, end);
      if (frame.set.has(name)) return -1;
      frame.set.add(name);
    } else {
      for (let k = frame.keyBase; k < keyTop; k += 3) if (keys[k + 2] === tag && sameBytes(b, keys[k]!, keys[k + 1]!, at, end)) return -1;
    }
    if (keyTop + 3 > keys.length) {
      const grown = new Int32Array(keys.length * 2);
      grown.set(keys);
      keys = grown;
    }
    keys[keyTop++] = at;
    keys[keyTop++] = end;
    keys[keyTop++] = tag;
    if (stack.length === 1) {
      valueStart = end + 2;
      isWanted = end - at === wanted.length && b.compare(wanted, 0, wanted.length, at, end) === 0;
    }
    return end + 2;
  }
}
