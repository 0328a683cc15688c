/**
 * canonicalValueSpan (src/repair/canonical.ts): rotate splices one device into paired.json only when the file is
 * proven to be exactly serialize(JSON.parse(file)). Sound: whenever it answers, the file IS that, and the span is
 * the key's own value. Complete enough: what JSON.stringify(value, null, 2) writes for ordinary stores is proven.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalValueSpan } from '../../src/repair/canonical.js';

const pretty = (v: unknown) => JSON.stringify(v, null, 2);
const nested = (v: unknown) => pretty(v).replace(/\n/g, '\n  ');

/** Checks the promise: an answer means the file is canonical and the span holds that key's value, as serialized. */
function sound(text: string | Buffer, key: string): boolean {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const span = canonicalValueSpan(bytes, key);
  // The same answer when the bytes do not start on a 4-byte boundary (no word-at-a-time reads).
  const unaligned = Buffer.alloc(bytes.length + 1);
  bytes.copy(unaligned, 1);
  expect(canonicalValueSpan(unaligned.subarray(1), key)).toEqual(span);
  if (!span) return false;
  const str = bytes.toString('utf8');
  const value = JSON.parse(str) as Record<string, unknown>;
  expect(Buffer.from(pretty(value), 'utf8').equals(bytes), 'proven canonical, but serialize(parse(file)) differs').toBe(true);
  expect(Object.prototype.hasOwnProperty.call(value, key)).toBe(true);
  expect(bytes.toString('utf8', span.start, span.end)).toBe(nested(value[key]));
  return true;
}

// Keys JSON.parse keeps in place (no array indices), strings without lone surrogates.
const key = fc.string({ unit: 'grapheme', maxLength: 8 }).filter((k) => !/^\d/.test(k));
const leaf = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 12 }), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null));
const value = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('v'), { maxLength: 4 }), fc.dictionary(key, tie('v'), { maxKeys: 4 })),
})).v;
const store = fc.dictionary(key, value, { minKeys: 1, maxKeys: 6 });

describe('canonicalValueSpan', () => {
  it('proves what JSON.stringify(value, null, 2) writes, and finds every top-level key at its value', () => {
    fc.assert(
      fc.property(store, (s) => {
        const text = pretty(s);
        for (const k of Object.keys(s)) expect(sound(text, k), `${k} in ${text}`).toBe(true);
        expect(canonicalValueSpan(Buffer.from(text), 'no such key \u0000')).toBeUndefined();
      }),
      { numRuns: 500 },
    );
  });

  it('never answers for a file that is not exactly that (random edits of canonical files)', () => {
    const edits = ['', ' ', '\n', '\r\n', ',', '"', '\\', '\\/', '\\u0041', '0', '.0', 'e5', '-', '{', '}', '[', ']', ':', 'true', '\t', '\u00e9', '\u2028'];
    let answered = 0;
    fc.assert(
      fc.property(store, fc.nat(), fc.nat({ max: 3 }), fc.constantFrom(...edits), (s, at, del, insert) => {
        const text = pretty(s);
        const p = at % (text.length + 1);
        const mutated = text.slice(0, p) + insert + text.slice(p + del);
        for (const k of Object.keys(s)) if (sound(mutated, k)) answered++;
      }),
      { numRuns: 3000 },
    );
    // Some edits leave the file canonical (e.g. inside a string): those may be proven, and were checked above.
    expect(answered).toBeGreaterThan(0);
  });

  it('duplicated or moved lines, changed indentation: never a wrong answer', () => {
    fc.assert(
      fc.property(store, fc.nat(), fc.nat(), fc.constantFrom('dup', 'swap', 'indent', 'dedent'), (s, a, b, how) => {
        const lines = pretty(s).split('\n');
        const i = a % lines.length;
        const j = b % lines.length;
        if (how === 'dup') lines.splice(i, 0, lines[i]!);
        else if (how === 'swap') [lines[i], lines[j]] = [lines[j]!, lines[i]!];
        else if (how === 'indent') lines[i] = ` ${lines[i]}`;
        else lines[i] = lines[i]!.replace(/^ /, '');
        const text = lines.join('\n');
        for (const k of Object.keys(s)) sound(text, k);
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses each form OpenClaw would write differently', () => {
    const base = { a: { x: 1, y: 'text', z: [1, 2], w: {} }, b: { t: 'token' } };
    const text = pretty(base);
    expect(sound(text, 'a')).toBe(true);
    const not = (t: string | Buffer, why: string) => expect(canonicalValueSpan(typeof t === 'string' ? Buffer.from(t) : t, 'a'), why).toBeUndefined();
    not(text.replace(/\n/g, '\r\n'), 'CRLF');
    not(JSON.stringify(base, null, 4), '4-space indentation');
    not(JSON.stringify(base), 'compact');
    not(`${text}\n`, 'trailing newline');
    not(`\uFEFF${text}`, 'byte-order mark');
    not(text.replace('"x": 1', '"x": 1.0'), 'number 1.0');
    not(text.replace('"x": 1', '"x": 1e0'), 'number 1e0');
    not(text.replace('"x": 1', '"x": -0'), 'number -0');
    not(text.replace('"x": 1', '"x": 01'), 'leading zero');
    not(text.replace('"text"', '"te\\/xt"'), 'escaped slash');
    not(text.replace('"text"', '"te\\u0078t"'), 'needless \\u escape');
    not(text.replace('"text"', '"te\\u000At"'), 'upper-case hex');
    not(text.replace('"text"', '"te\\u000at"'), '\\u000a for \\n');
    not(text.replace('"text"', '"te\\ud800t"'), 'lone surrogate escape');
    not(text.replace('"y": "text"', '"x": "text"'), 'duplicate nested key');
    not(text.replace('"b": {', '"a": {'), 'duplicate top-level key');
    not(text.replace('"y": "text"', '"7": "text"'), 'integer-like key (JSON.parse moves it first)');
    not(text.replace('"w": {}', '"w": {\n    }'), 'empty object over two lines');
    not(text.replace('"w": {}', '"w": { }'), 'empty object with a space');
    not(text.replace('"x": 1', '"x":1'), 'no space after the colon');
    not(text.replace('"x": 1', '"x" : 1'), 'space before the colon');
    not(pretty([base]), 'not an object');
    not(text.replace('"text"', '"te\tt"'), 'raw tab in a string');
    not(Buffer.concat([Buffer.from(text.slice(0, text.indexOf('text'))), Buffer.from([0xc0, 0x80]), Buffer.from(text.slice(text.indexOf('text')))]), 'overlong UTF-8');
    not(Buffer.concat([Buffer.from(text.slice(0, text.indexOf('text'))), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from(text.slice(text.indexOf('text')))]), 'UTF-8-encoded surrogate');
    not(text.slice(0, -1), 'truncated');
    // Inside a long string, at every offset (so also in the middle of a 4-byte word): a raw control character, an
    // escape JSON.stringify does not write, invalid UTF-8.
    for (let at = 0; at < 9; at++) {
      for (const bad of [[0x09], [0x01], [0x1f], [0x5c, 0x2f], [0xc0, 0x80], [0xff]]) {
        const long = Buffer.from(pretty({ a: { s: 'abcdefghijklmnopqrstuvwxyz' } }));
        const pos = long.indexOf('abc') + at;
        not(Buffer.concat([long.subarray(0, pos), Buffer.from(bad), long.subarray(pos)]), `byte(s) ${bad.join(',')} at ${at} in a string`);
      }
    }
    let deep: unknown = 1;
    for (let d = 0; d < 600; d++) deep = { d: deep };
    not(pretty({ a: deep }), 'nested deeper than JSON.stringify is trusted to write back');
    // And what it must prove: escapes JSON.stringify does write, non-ASCII, every scalar.
    expect(sound(pretty({ a: { s: 'q"b\\s\b\f\n\r\t\u0001\u001f\u007f é ✓ 😀 \u2028', n: [0, -1, 1.5, 1e21, 1e-7, -123456789012345, 12345678901234567], l: [true, false, null] } }), 'a')).toBe(true);
    expect(sound(pretty({ __proto__x: 1, a: 2, ['__proto__']: { p: 1 } }), '__proto__')).toBe(true);
  });
});
