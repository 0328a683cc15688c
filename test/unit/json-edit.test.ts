/**
 * replaceMemberInPlace (src/repair/json-edit.ts): where rotate rewrites one device of paired.json in place.
 * Sound: for any JSON text JSON.parse accepts, whenever it answers, the parsed result is the parsed file with
 * exactly that key's value replaced, and every byte before and after that value is the old byte. Useful: a
 * device of a store as OpenClaw writes it is always rewritten in place, and the result is what OpenClaw writes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { replaceMemberInPlace, serializeNested } from '../../src/repair/json-edit.js';

const pretty = (v: unknown) => JSON.stringify(v, null, 2);
const replacement = { replaced: true, scopes: ['operator.read', 'operator.write'], nested: { list: [], empty: {} } };

/** The promise, for one valid text: an answer means exactly `key` changed, in its own bytes. Returns whether it answered. */
function sound(text: string, key: string): boolean {
  const after = replaceMemberInPlace(text, key, replacement, (t) => JSON.parse(t));
  if (after === undefined) return false;
  const expected = JSON.parse(text) as Record<string, unknown>;
  expected[key] = replacement;
  expect(JSON.parse(after), `edit of ${key} in ${text}`).toEqual(expected);
  // Only the value's bytes changed: the common prefix and suffix cover everything else.
  const value = serializeNested(replacement);
  let head = 0;
  while (head < text.length && text[head] === after[head]) head++;
  let tail = 0;
  while (tail < text.length - head && text[text.length - 1 - tail] === after[after.length - 1 - tail]) tail++;
  expect(text.length - head - tail, 'old bytes replaced').toBeLessThan(text.length);
  expect(after.length - head - tail, 'new bytes written').toBeLessThanOrEqual(value.length);
  return true;
}

// Few ids, so the same id often turns up inside a device too: as a value, and as a key of a nested object.
const deviceId = fc.constantFrom('0a1b2c3d', '4e5f6071', '8293a4b5', 'c6d7e8f9', 'deadbeef00', 'f'.repeat(64), '0'.repeat(64), 'device-1.b_2');
const text = fc.string({ unit: 'grapheme', maxLength: 12 });
const leaf = fc.oneof(text, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null));
const value = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('v'), { maxLength: 4 }), fc.dictionary(fc.oneof(text, deviceId), tie('v'), { maxKeys: 4 })),
})).v;
const device = fc.dictionary(fc.oneof(text, deviceId, fc.constant('deviceId')), value, { minKeys: 1, maxKeys: 5 });
const store = fc.dictionary(deviceId, device, { minKeys: 1, maxKeys: 6 });

describe('replaceMemberInPlace', () => {
  it('rewrites every device of a store as OpenClaw writes it in place, and the result is what OpenClaw writes', () => {
    fc.assert(
      fc.property(store, (s) => {
        const t = pretty(s);
        for (const k of Object.keys(s)) {
          expect(sound(t, k), `${k} in ${t}`).toBe(true);
          expect(replaceMemberInPlace(t, k, replacement, (x) => JSON.parse(x))).toBe(pretty({ ...s, [k]: replacement }));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('is exact on any layout: compact, other indentation, random white space (it may decline, never misplace)', () => {
    const layouts = [(v: unknown) => JSON.stringify(v), (v: unknown) => JSON.stringify(v, null, 4), (v: unknown) => JSON.stringify(v, null, '\t'), pretty];
    let answered = 0;
    fc.assert(
      fc.property(store, fc.constantFrom(...layouts), fc.array(fc.nat(), { maxLength: 6 }), fc.constantFrom(' ', '\n', '\n  ', '\t', '\r\n'), (s, layout, spots, ws) => {
        let t = layout(s);
        for (const spot of spots) {
          const at = [...t.matchAll(/[,:[\]{}]/g)].map((m) => m.index! + 1);
          if (at.length) t = t.slice(0, at[spot % at.length]) + ws + t.slice(at[spot % at.length]);
        }
        try {
          JSON.parse(t);
        } catch {
          return; // white space put inside a string: not JSON, not a file the snapshot parsed
        }
        for (const k of Object.keys(s)) if (sound(t, k)) answered++;
      }),
      { numRuns: 600 },
    );
    expect(answered).toBeGreaterThan(40);
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
      { numRuns: 1500 },
    );
    expect(answered).toBeGreaterThan(0);
  });

  it('keeps a hand edit elsewhere (a trailing newline, another device in another layout)', () => {
    const a = 'a'.repeat(64);
    const b = 'b'.repeat(64);
    const t = `${pretty({ [a]: { deviceId: a, scopes: ['operator.admin'] }, [b]: { deviceId: b } }).replace(`"deviceId": "${b}"`, `"deviceId":"${b}"`)}\n`;
    const after = replaceMemberInPlace(t, a, replacement, (x) => JSON.parse(x))!;
    expect(after.endsWith('}\n')).toBe(true);
    expect(after).toContain(`"deviceId":"${b}"`);
    expect(JSON.parse(after)[a]).toEqual(replacement);
  });

  it('declines what an in-place edit would get wrong', () => {
    const a = 'a'.repeat(64);
    const b = 'b'.repeat(64);
    const t = pretty({ [a]: { deviceId: a, scopes: ['operator.admin'] }, [b]: { deviceId: b, role: 'operator' } });
    const none = (x: string, key: string, why: string) => expect(replaceMemberInPlace(x, key, replacement, (y) => JSON.parse(y)), why).toBeUndefined();
    // JSON.parse keeps the last of two equal keys: an edit of the first would change nothing.
    none(`${t.slice(0, -2)},\n  "${a}": {\n    "deviceId": "${a}"\n  }\n}`, a, 'duplicate top-level key');
    none(t.replace(`"${b}": {`, `"\\u0061${a.slice(1)}": {`), a, 'the same key written with a \\u escape elsewhere');
    none(t.replace(/\n/g, '\r\n'), a, 'CRLF');
    none(`\uFEFF${t}`, a, 'byte-order mark');
    none(t, 'no-such-key', 'absent key');
    none(pretty({ [a]: 'text' }), a, 'a value that is not an object');
    none(JSON.stringify({ [a]: { deviceId: a } }, null, 4), a, 'another indentation');
    // The same id as a key inside another device is a different member: the top-level one is still edited.
    expect(sound(t.replace(`"role": "operator"`, `"${a}": {}`), a)).toBe(true);
  });
});

describe('replaceMemberInPlace on a value nested deeper than the editor walks', () => {
  it('declines (the whole-file rewrite decides) instead of throwing', () => {
    const deep = `${'['.repeat(6000)}1${']'.repeat(6000)}`;
    const t = `{\n  "a": {\n    "scopes": ${deep}\n  }\n}`;
    expect(replaceMemberInPlace(t, 'a', replacement, (x) => JSON.parse(x))).toBeUndefined();
  });
});
