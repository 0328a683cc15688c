/**
 * memberValueSpan (src/repair/member-span.ts): where rotate rewrites one device of paired.json in place. Sound:
 * for any JSON text JSON.parse accepts, whenever it answers (and the text there parses, as the editor checks),
 * putting another value there changes exactly that key of the parsed file and nothing else. Useful: the device
 * of a store as OpenClaw writes it is found.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { memberValueSpan } from '../../src/repair/member-span.js';

const pretty = (v: unknown) => JSON.stringify(v, null, 2);
const nested = (v: unknown) => pretty(v).replace(/\n/g, '\n  ');

/** What the editor does with an answer: parse the span (it must), put `replacement` in its place. */
function splice(text: string, key: string, replacement: unknown): unknown {
  const bytes = Buffer.from(text, 'utf8');
  const span = memberValueSpan(bytes, key);
  if (!span) return undefined;
  try {
    JSON.parse(bytes.toString('utf8', span.start, span.end));
  } catch {
    return undefined;
  }
  const out = Buffer.concat([bytes.subarray(0, span.start), Buffer.from(nested(replacement)), bytes.subarray(span.end)]);
  return JSON.parse(out.toString('utf8')) as unknown;
}

/** The promise, for one valid text: an answer means exactly `key` changed. Returns whether it answered. */
function sound(text: string, key: string): boolean {
  const replacement = { replaced: true, scopes: ['operator.read', 'operator.write'] };
  const after = splice(text, key, replacement);
  if (after === undefined) return false;
  // From the bytes, as the file holds them (a lone surrogate in the test's text is U+FFFD there).
  const expected = JSON.parse(Buffer.from(text, 'utf8').toString('utf8')) as Record<string, unknown>;
  expected[key] = replacement;
  expect(after, `splice of ${key} in ${text}`).toEqual(expected);
  return true;
}

// Few ids, so the same id often turns up inside a device too: as a value, and as a key of a nested object.
const deviceId = fc.constantFrom('0a1b2c3d', '4e5f6071', '8293a4b5', 'c6d7e8f9', 'deadbeef00', 'f'.repeat(64), '0'.repeat(64), 'device-1.b_2');
const text = fc.string({ unit: 'grapheme', maxLength: 12 });
const leaf = fc.oneof(text, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null));
const value = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('v'), { maxLength: 4 }), fc.dictionary(fc.oneof(text, deviceId), tie('v'), { maxKeys: 4 })),
})).v;
/** A device: an object with fields, some of which may repeat device ids (as values, or as keys of nested objects). */
const device = fc.dictionary(fc.oneof(text, deviceId, fc.constant('deviceId')), value, { minKeys: 1, maxKeys: 5 });
const store = fc.dictionary(deviceId, device, { minKeys: 1, maxKeys: 6 });

describe('memberValueSpan', () => {
  it('finds every device of a store as OpenClaw writes it, unless its id is also a key somewhere inside', () => {
    fc.assert(
      fc.property(store, (s) => {
        const t = pretty(s);
        for (const k of Object.keys(s)) {
          const answered = sound(t, k);
          // Found whenever the id is a member key only once in the whole file.
          const members = t.split(`"${k}": `).length - 1;
          if (members === 1 && !t.includes('\\u') && !t.includes('\r')) expect(answered, `${k} in ${t}`).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('is exact on any layout: compact, other indentation, random white space (it may decline, never misplace)', () => {
    const layouts = [(v: unknown) => JSON.stringify(v), (v: unknown) => JSON.stringify(v, null, 4), (v: unknown) => JSON.stringify(v, null, '\t'), pretty];
    let answered = 0;
    fc.assert(
      fc.property(store, fc.constantFrom(...layouts), fc.array(fc.nat(), { maxLength: 6 }), fc.constantFrom(' ', '\n', '\n  ', '\t', '\r\n'), (s, layout, spots, ws) => {
        let t = layout(s);
        // White space is allowed between any two tokens: put some after commas, colons and brackets.
        for (const spot of spots) {
          const at = [...t.matchAll(/[,:[\]{}]/g)].map((m) => m.index! + 1);
          if (at.length) t = t.slice(0, at[spot % at.length]) + ws + t.slice(at[spot % at.length]);
        }
        try {
          JSON.parse(t);
        } catch {
          return; // white space put inside a string ("{" as a key): not JSON, not a file the snapshot parsed
        }
        for (const k of Object.keys(s)) if (sound(t, k)) answered++;
      }),
      { numRuns: 1500 },
    );
    expect(answered).toBeGreaterThan(100);
  });

  it('random edits that keep the file valid JSON: never a wrong answer', () => {
    const edits = ['', ' ', '\n', '\n  }', ',', '"', '\\"', '\\\\', '\\u0061', '0', '{}', '[]', ':', 'true', '\u00e9', '"deviceId": "x", '];
    let answered = 0;
    fc.assert(
      fc.property(store, fc.nat(), fc.nat({ max: 3 }), fc.constantFrom(...edits), (s, at, del, insert) => {
        const t = pretty(s);
        const p = at % (t.length + 1);
        const mutated = t.slice(0, p) + insert + t.slice(p + del);
        let parsed: Record<string, unknown>;
        try {
          parsed = JSON.parse(mutated) as Record<string, unknown>;
        } catch {
          return; // the precondition: the snapshot parsed these bytes
        }
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return;
        for (const k of Object.keys(parsed)) if (sound(mutated, k)) answered++;
      }),
      { numRuns: 3000 },
    );
    expect(answered).toBeGreaterThan(0);
  });

  it('declines what a splice would get wrong', () => {
    const a = 'a'.repeat(64);
    const b = 'b'.repeat(64);
    const base = { [a]: { deviceId: a, scopes: ['operator.admin'] }, [b]: { deviceId: b, role: 'operator' } };
    const t = pretty(base);
    expect(sound(t, a)).toBe(true);
    expect(sound(t, b)).toBe(true);
    const none = (x: string | Buffer, key: string, why: string) => expect(memberValueSpan(typeof x === 'string' ? Buffer.from(x) : x, key), why).toBeUndefined();
    // JSON.parse keeps the last of two equal keys: a splice into the first would change nothing.
    none(`${t.slice(0, -2)},\n  "${a}": {\n    "deviceId": "${a}"\n  }\n}`, a, 'duplicate top-level key');
    none(t.replace(`"${b}": {`, `"\\u0061${a.slice(1)}": {`), b, 'the same key written with a \\u escape elsewhere');
    none(t.replace(`"role": "operator"`, `"${a}": {}`), a, 'the id is also a key inside another device');
    none(t.replace(/\n/g, '\r\n'), a, 'CRLF');
    none(`\uFEFF${t}`, a, 'byte-order mark');
    none(t, 'no-such-key', 'absent key');
    none(t, 'a b', 'a key with a space');
    none(t, '', 'the empty key');
    none(pretty({ [a]: 'text' }), a, 'a value that is not an object');
    none(pretty({ [a]: {} }), a, 'an empty object (not written over lines)');
    // A quote-escaped look-alike inside a string is not a member.
    const lookalike = t.replace('"role": "operator"', `"role": "x\\"${a}\\": {"`);
    expect(JSON.parse(lookalike)).toBeTruthy();
    expect(sound(lookalike, a)).toBe(true);
    // A key ending in the id, written with an escaped quote before it: a different key, not counted as a second.
    const suffixed = t.replace('"role": "operator"', `"x\\"${a}": 1`);
    expect(JSON.parse(suffixed)).toBeTruthy();
    expect(sound(suffixed, a)).toBe(true);
  });
});
