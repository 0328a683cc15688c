/**
 * Where the value of one top-level key sits in paired.json's bytes, found with a few byte searches instead of a
 * pass over every byte, so rotate can rewrite one device of a 10,000-device store (12 MB) in place (editor.ts).
 *
 * Precondition: `bytes` are a JSON text that JSON.parse accepts and whose top level has `key` (rotate passes the
 * bytes its snapshot parsed, and a key from that parse). Then the answer is exact, because:
 * - `key` is plain (letters, digits, `_ . -`: every device id) and the text holds no `\u` escape, so the only
 *   way the text can write that key is `"key"` literally;
 * - an occurrence of `"key"` not preceded by a backslash is a whole string token (in valid JSON an unescaped
 *   quote inside a string would end it, and a plain word cannot follow a closing quote); followed by optional
 *   white space and a colon, it is a member named `key`;
 * - exactly one such member in the whole text, and the top level has one: that is it (a second one anywhere,
 *   a duplicate JSON.parse would resolve, or a nested object using the same id, and there is no answer);
 * - its value must be an object written as OpenClaw writes it one level down, so it ends at the first newline,
 *   two spaces and `}` after its start; the caller checks that the text there parses and re-serializes to
 *   itself, and a JSON value is never a proper prefix of another, so that is the whole value.
 * Undefined whenever any of that does not hold (and for a BOM or a carriage return anywhere, which a rewrite
 * would not keep): the caller then parses and rewrites the whole file.
 */

const PLAIN_KEY = /^[A-Za-z0-9_.-]{1,512}$/;
const WHITE_SPACE = new Set([0x20, 0x0a, 0x0d, 0x09]);
const COLON = 0x3a;
const BSLASH = 0x5c;
const LBRACE = 0x7b;
const CLOSE_AT_DEPTH_1 = Buffer.from('\n  }');

export function memberValueSpan(bytes: Buffer, key: string): { start: number; end: number } | undefined {
  if (!PLAIN_KEY.test(key) || bytes[0] !== LBRACE) return undefined;
  if (bytes.includes('\\u') || bytes.includes(0x0d)) return undefined;
  const quoted = Buffer.from(`"${key}"`);
  let start = -1;
  for (let at = bytes.indexOf(quoted); at >= 0; at = bytes.indexOf(quoted, at + quoted.length)) {
    if (bytes[at - 1] === BSLASH) continue;
    let i = at + quoted.length;
    while (WHITE_SPACE.has(bytes[i]!)) i++;
    if (bytes[i] !== COLON) continue; // a value, e.g. "deviceId": "<key>"
    if (start >= 0) return undefined; // a second member named key
    i++;
    while (WHITE_SPACE.has(bytes[i]!)) i++;
    start = i;
  }
  if (start < 0 || bytes[start] !== LBRACE) return undefined;
  const close = bytes.indexOf(CLOSE_AT_DEPTH_1, start);
  return close < 0 ? undefined : { start, end: close + CLOSE_AT_DEPTH_1.length };
}
