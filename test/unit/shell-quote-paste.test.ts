/**
 * A quoted word is what a user pastes into bash: bash must hand the program exactly the original bytes, and the
 * word itself must hold no character a terminal or CI log acts on (the output would show it as a visible `\x1b`,
 * which, inside plain single quotes, bash passes as a literal backslash-x: another device id).
 */
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shellQuote } from '../../src/report/wording/words.js';

/** What bash passes for each word, each argument's bytes as the program receives them. */
function bashArgs(words: string[]): Buffer[] {
  // NUL ends every argument (no argv can hold one, so no input here does).
  const r = spawnSync('bash', ['--norc', '--noprofile', '-c', `printf '%s\\0' ${words.join(' ')}`], { env: { PATH: process.env.PATH, LANG: 'C.UTF-8' } });
  expect(r.status, String(r.stderr)).toBe(0);
  const out: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < r.stdout.length; i++) {
    if (r.stdout[i] === 0) {
      out.push(r.stdout.subarray(start, i));
      start = i + 1;
    }
  }
  return out;
}

/** Characters a terminal or a CI runner acts on, or a reader cannot see (escape.ts's set, zero-width ones too). */
const ACTS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/u;

const PIECES = ['\u001b]0;pwned\u0007', '\u001b[2J', '\u009b31m', '\r', '\n', '\t', '\u007f', '\u202e', '\u2066', '\u200b', '\u00a0', '\u2028', "'", '\\', '\\x41', '$(id)', '`id`', '"', '!', ' ', '  ', 'é', '€', '𝄞', '-', '$'];
/** Any string without NUL or a lone surrogate (neither survives a command line), with the attacker's pieces mixed in. */
const word = fc
  .array(fc.oneof(fc.constantFrom(...PIECES), fc.string({ unit: 'grapheme', maxLength: 4 }), fc.string({ unit: 'binary', maxLength: 4 })), { maxLength: 8 })
  .map((parts) => parts.join('').replace(/\u0000/g, '').replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, ''))
  .filter((s) => s.length > 0);

describe('shellQuote: a pasted word is the original bytes, and prints nothing a terminal acts on', () => {
  it('a device id with ESC, CR, LF, TAB, DEL, C1 and a bidi override comes back from bash byte for byte', () => {
    const id = 'ab\u001b]0;x\u0007\r\n\tc\u007f\u009b\u202e d\'e\\x41';
    const quoted = shellQuote(id);
    expect(quoted).not.toMatch(ACTS);
    expect(bashArgs([quoted])).toEqual([Buffer.from(id, 'utf8')]);
  });

  it('any word (fast-check): bash passes its exact UTF-8 bytes as one argument, and the quoted form is inert text', () => {
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 60 }), (words) => {
        const quoted = words.map(shellQuote);
        for (const q of quoted) expect(q).not.toMatch(ACTS);
        // Only plain spaces: the text reporters wrap at any other whitespace, and a tab pastes as completion.
        for (const q of quoted) expect(q).not.toMatch(/[^\S ]/u);
        expect(bashArgs(quoted)).toEqual(words.map((w) => Buffer.from(w, 'utf8')));
      }),
      { numRuns: 30 },
    );
  });

  it('a plain word stays as it is, and one with spaces or shell syntax stays in readable single quotes', () => {
    expect(shellQuote('33fbb2283a2d9639')).toBe('33fbb2283a2d9639');
    expect(shellQuote('/home/Jane Doe/.openclaw')).toBe("'/home/Jane Doe/.openclaw'");
    expect(shellQuote('$(touch x)')).toBe("'$(touch x)'");
  });
});
