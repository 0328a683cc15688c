/**
 * Every secret value seen while reading the state (device tokens, private keys, the gateway token or
 * password) is registered here, and every byte openclaw-fix prints passes through `redact`. The model
 * never holds secrets; this is the second wall, for text that quotes files or errors verbatim.
 *
 * How `redact` stays cheap on megabytes of output with 20,000 registered tokens: text splits into runs of
 * "word" characters, cut by white space and punctuation (class 0 in CLASS). A secret holding no separator (every
 * real token: hex, base64, base64url, JWT) can only stand inside one run at least as long as itself, so only
 * runs as long as the shortest such secret are searched (Rabin-Karp on their first PREFIX characters), and
 * those runs are found by looking at one character in every `shortest`: a run that long always covers one.
 * A run is searched only when some token could fit its characters (a run of hex digits, like every device
 * id, cannot hold a base64url token, which has capitals).
 * The few secrets that do hold a separator (a PEM block, a password with spaces) are searched for whole, by
 * the engine's own substring search.
 */
import { hash } from 'node:crypto';

/**
 * Each ASCII character's class, as one bit: 0 for a separator (white space and the punctuation that frames
 * values in JSON and prose: `"key": "value",` ("x", y) [z]); digits, a-f, g-z, A-Z, - and _, other
 * punctuation. Anything beyond ASCII is NON_ASCII. A run can only hold a secret whose classes it has.
 */
const CLASS = new Uint8Array(128).fill(32);
for (const c of ' \t\n\v\f\r"\'`,:;()[]{}<>') CLASS[c.charCodeAt(0)] = 0;
for (let c = 48; c <= 57; c++) CLASS[c] = 1;
for (let c = 97; c <= 102; c++) CLASS[c] = 2;
for (let c = 103; c <= 122; c++) CLASS[c] = 4;
for (let c = 65; c <= 90; c++) CLASS[c] = 8;
CLASS[45] = CLASS[95] = 16;
const NON_ASCII = 64;

/** The classes a text holds, or -1 when it holds a separator. */
function classesOf(text: string): number {
  let mask = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 128) mask |= NON_ASCII;
    else if (CLASS[c] === 0) return -1;
    else mask |= CLASS[c]!;
  }
  return mask;
}

/** Values shorter than this are never registered (and every secret's first PREFIX characters are hashed). */
const PREFIX = 8;
const BASE = 31;
let basePow = 1;
for (let i = 0; i < PREFIX - 1; i++) basePow = Math.imul(basePow, BASE);
/** Map keys are the hash's low 30 bits: small integers V8 keeps unboxed (a full 32-bit key is a heap number). */
const SMI = 0x3fffffff;
/** A bitmap over the low bits of the prefix hashes: most windows are ruled out without a Map lookup. */
const FILTER_BITS = 20;
const FILTER_MASK = (1 << FILTER_BITS) - 1;

/**
 * Secrets found by Rabin-Karp, by prefix hash: the one secret with that hash (almost always), or the list of
 * those sharing it, longest first. One string, not a list of one: 20,000 fewer arrays on a big store.
 */
type Bucket = string | string[];

interface Index {
  byPrefix: Map<number, Bucket>;
  filter: Uint8Array;
  /** Length of the shortest secret in the index. */
  shortest: number;
}

function newIndex(): Index {
  return { byPrefix: new Map(), filter: new Uint8Array(1 << (FILTER_BITS - 3)), shortest: Infinity };
}

/** Secrets without a separator: searched inside runs only. */
let tokens = newIndex();
/** For each set of classes a run holds: 1 when some token's classes are all among them (a hex id cannot hold a base64 token). */
let runMayHold = new Uint8Array(128);
/** Secrets holding a separator, longest first: few (a PEM block, a gateway password with a space). */
const others: string[] = [];
/** Above this many, `others` are searched like tokens, by Rabin-Karp over the whole text. */
const MAX_WHOLE_SEARCHES = 16;
let othersIndex = newIndex();

function prefixHash(text: string, start: number): number {
  let h = 0;
  for (let i = start; i < start + PREFIX; i++) h = (Math.imul(h, BASE) + text.charCodeAt(i)) | 0;
  return h;
}

function indexAdd(index: Index, secret: string, h: number): void {
  index.filter[(h & FILTER_MASK) >>> 3]! |= 1 << (h & 7);
  if (secret.length < index.shortest) index.shortest = secret.length;
  const bucket = index.byPrefix.get(h & SMI);
  if (bucket === undefined) index.byPrefix.set(h & SMI, secret);
  else if (!inBucket(bucket, secret)) {
    // Longest first, so a secret that extends another is redacted whole.
    index.byPrefix.set(h & SMI, [...(typeof bucket === 'string' ? [bucket] : bucket), secret].sort((a, b) => b.length - a.length));
  }
}

function inBucket(bucket: Bucket | undefined, secret: string): boolean {
  return bucket === undefined ? false : typeof bucket === 'string' ? bucket === secret : bucket.includes(secret);
}

function add(secret: string): void {
  const h = prefixHash(secret, 0);
  // Each secret once, found before anything else is computed (a token is usually registered twice: as a token,
  // and as a string under a key named like one). The list is almost always one entry: one comparison.
  if (inBucket(tokens.byPrefix.get(h & SMI), secret)) return;
  const classes = classesOf(secret);
  if (classes >= 0) {
    indexAdd(tokens, secret, h);
    if (runMayHold[classes] === 0) for (let run = 0; run < 128; run++) if ((classes & ~run) === 0) runMayHold[run] = 1;
    return;
  }
  if (others.includes(secret)) return;
  others.push(secret);
  others.sort((a, b) => b.length - a.length);
  indexAdd(othersIndex, secret, h);
}

/** Whether JSON.stringify writes `text` as it is (no quote, backslash, control character or surrogate) and no logger escapes a `/` in it. */
function printsAsIs(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || c === 0x2f || (c >= 0xd800 && c <= 0xdfff)) return false;
  }
  return true;
}

export function registerSecret(value: unknown): void {
  if (typeof value !== 'string') return;
  // Real tokens are 32+ characters; short values ("none", "", "true") would redact ordinary words.
  if (value.length < PREFIX) return;
  const trimmed = value.trim();
  if (trimmed.length >= PREFIX) add(trimmed);
  // The usual token (hex, base64url) is printed the same everywhere: nothing more to register.
  if (printsAsIs(trimmed)) return;
  // Printed inside JSON (a --json report, a JSON log line) a secret appears escaped: ", \ and control
  // characters as JSON.stringify writes them, and / as some loggers write it (\/).
  const escaped = JSON.stringify(trimmed).slice(1, -1);
  if (escaped !== trimmed && escaped.length >= PREFIX) add(escaped);
  if (escaped.includes('/')) add(escaped.replaceAll('/', '\\/'));
  // A PEM body may be quoted line by line.
  if (trimmed.includes('-----BEGIN')) {
    for (const line of trimmed.split(/\r?\n/)) if (line.length >= 16 && !line.startsWith('-----')) add(line);
  }
}

/**
 * Rabin-Karp over text[start, end): at each position the longest secret of `index` that starts there is
 * replaced, and the search goes on after it (leftmost, then longest). Pieces go to `parts`; returns the
 * new `copied` offset (where the text not yet pushed starts).
 */
function scan(text: string, start: number, end: number, byPrefix: Map<number, Bucket>, filter: Uint8Array, parts: string[], copied: number): number {
  let i = start;
  let h = prefixHash(text, i);
  while (i + PREFIX <= end) {
    if ((filter[(h & FILTER_MASK) >>> 3]! & (1 << (h & 7))) !== 0) {
      const bucket = byPrefix.get(h & SMI);
      const hit = bucket === undefined ? undefined : typeof bucket === 'string' ? (text.startsWith(bucket, i) ? bucket : undefined) : bucket.find((secret) => text.startsWith(secret, i));
      if (hit !== undefined && i + hit.length <= end) {
        parts.push(text.slice(copied, i), '[redacted]');
        i += hit.length;
        copied = i;
        if (i + PREFIX <= end) h = prefixHash(text, i);
        continue;
      }
    }
    if (i + PREFIX < end) h = (Math.imul(h - Math.imul(text.charCodeAt(i), basePow), BASE) + text.charCodeAt(i + PREFIX)) | 0;
    i++;
  }
  return copied;
}

/** Token-like secrets: only runs at least `shortest` long can hold one; one probe every `shortest` characters finds them all. */
function redactTokens(text: string): string {
  const stride = tokens.shortest;
  const n = text.length;
  if (tokens.byPrefix.size === 0 || n < stride) return text;
  const parts: string[] = [];
  let copied = 0;
  // Invariant: every run of `stride` or more not yet searched starts at or after pos - stride + 1, so it covers
  // one of pos, pos + stride, pos + 2 * stride...
  // The class test is written out (no call): this loop runs once per process, mostly before the optimizing
  // compiler has inlined anything, and a call per character doubled its time.
  let pos = stride - 1;
  let c: number;
  let k: number;
  while (pos < n) {
    c = text.charCodeAt(pos);
    let classes = c >= 128 ? NON_ASCII : CLASS[c]!;
    if (classes === 0) {
      pos += stride;
      continue;
    }
    let s = pos;
    while (s > 0) {
      c = text.charCodeAt(s - 1);
      k = c >= 128 ? NON_ASCII : CLASS[c]!;
      if (k === 0) break;
      classes |= k;
      s--;
    }
    let e = pos + 1;
    while (e < n) {
      c = text.charCodeAt(e);
      k = c >= 128 ? NON_ASCII : CLASS[c]!;
      if (k === 0) break;
      classes |= k;
      e++;
    }
    if (e - s >= stride && runMayHold[classes] === 1) copied = scan(text, s, e, tokens.byPrefix, tokens.filter, parts, copied);
    pos = e + stride;
  }
  return copied > 0 ? parts.join('') + text.slice(copied) : text;
}

function redactOthers(text: string): string {
  if (others.length === 0) return text;
  if (others.length > MAX_WHOLE_SEARCHES) {
    if (text.length < othersIndex.shortest) return text;
    const parts: string[] = [];
    const copied = scan(text, 0, text.length, othersIndex.byPrefix, othersIndex.filter, parts, 0);
    return copied > 0 ? parts.join('') + text.slice(copied) : text;
  }
  let out = text;
  for (const secret of others) if (out.includes(secret)) out = out.split(secret).join('[redacted]');
  return out;
}

const PEM_BLOCK = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g;

export function redact(text: string): string {
  // Secrets holding a separator first: a PEM block is redacted whole, not line by line.
  const out = redactTokens(redactOthers(text));
  // Belt and braces: a PEM private key block never leaves, registered or not.
  return out.includes('PRIVATE KEY-----') ? out.replace(PEM_BLOCK, '[redacted private key]') : out;
}

/**
 * For text quoted from logs and pastes, whose secrets may not be registered (another host's token, a token
 * the state no longer holds): the value after `token=`, `password: `, `"secret":` and the like. Runs BEFORE any
 * truncation, so a cut never leaves half a token behind.
 */
export function redactAssignments(text: string): string {
  return (
    redact(text)
      // A JSON string value (a JSON log line): everything up to its closing quote, escapes included.
      .replace(/("(?:[A-Za-z_]*token|password|passwd|secret|api[_-]?key)"\s*:\s*")((?:[^"\\]|\\.){8,})"/gi, '$1[redacted]"')
      .replace(/\b((?:[A-Za-z_]*token|password|passwd|secret|api[_-]?key)["']?\s*(?:[=:]\s*["']?|\s+))([A-Za-z0-9._~+/=-]{16,})/gi, '$1[redacted]')
  );
}

/** A short, non-reversible fingerprint for comparing two copies of a secret. */
export function digest(value: string): string {
  return hash('sha256', value, 'hex').slice(0, 12);
}

export function forgetSecretsForTests(): void {
  tokens = newIndex();
  runMayHold = new Uint8Array(128);
  others.length = 0;
  othersIndex = newIndex();
}
