/** redact: every registered secret, wherever it stands in the text, even with a 10,000-device store's tokens registered. */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { forgetSecretsForTests, redact, registerSecret } from '../../src/core/secrets.js';

afterEach(() => forgetSecretsForTests());

describe('redact', () => {
  it('replaces secrets at the start, the end, inside words and next to each other', () => {
    registerSecret('tok-AAAAAAAAAAAAAAAAAAAA');
    registerSecret('tok-AAAAAAAAAAAAAAAAAAAA-longer');
    registerSecret('BBBBBBBBBBBBBBBB');
    const text = 'tok-AAAAAAAAAAAAAAAAAAAA "x":"tok-AAAAAAAAAAAAAAAAAAAA-longer" xBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBy BBBBBBBBBBBBBBBB';
    expect(redact(text)).toBe('[redacted] "x":"[redacted]" x[redacted][redacted]y [redacted]');
  });

  it('leaves text without secrets alone, and ignores values too short to be secrets', () => {
    registerSecret('none');
    registerSecret('CCCCCCCCCCCCCCCCCCCC');
    expect(redact('auth none, nothing secret here')).toBe('auth none, nothing secret here');
  });

  it('finds a secret the way JSON prints it: quotes, backslashes and control characters escaped, / as \\/', () => {
    const password = 'Tr0ub4dor"&3-horse\\battery\tstaple';
    const token = 'k3Jd9+/aQ0zzzzzzzzzzzzzzzzzzzzzzzzzzzz';
    registerSecret(password);
    registerSecret(token);
    const printed = redact(JSON.stringify({ sample: `login with ${password}`, token }));
    expect(printed).toBe('{"sample":"login with [redacted]","token":"[redacted]"}');
    expect(redact(`{"t":"${token.replace('/', '\\/')}"}`)).toBe('{"t":"[redacted]"}');
  });

  it('redactAssignments: a secret-named JSON value is redacted up to its closing quote, escapes included', async () => {
    const { redactAssignments } = await import('../../src/core/secrets.js');
    expect(redactAssignments('{"password":"Tr0ub4dor\\"&3-horse-battery","user":"x"}')).toBe('{"password":"[redacted]","user":"x"}');
    expect(redactAssignments('{"deviceToken":"abc\\u002bdef\\/ghi0123456789"}')).toBe('{"deviceToken":"[redacted]"}');
  });

  it('registers the strings of a list under a secret-named key, never a scope list inside a token record', async () => {
    const { registerNestedSecrets } = await import('../../src/store/records.js');
    registerNestedSecrets({
      refreshTokens: ['refresh-AAAAAAAAAAAAAAAAAAAAAAAA', ['nested-BBBBBBBBBBBBBBBBBBBBBBBB']],
      tokens: { operator: { token: 'operator-CCCCCCCCCCCCCCCCCCCCCC', role: 'operator', scopes: ['operator.admin', 'operator.approvals'] } },
    });
    expect(redact('refresh-AAAAAAAAAAAAAAAAAAAAAAAA nested-BBBBBBBBBBBBBBBBBBBBBBBB operator-CCCCCCCCCCCCCCCCCCCCCC')).toBe('[redacted] [redacted] [redacted]');
    expect(redact('scopes operator.admin, operator.approvals; role operator')).toBe('scopes operator.admin, operator.approvals; role operator');
  });

  it('redacts PEM private keys line by line and as blocks', () => {
    const pem = '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIPrivateKeyMaterialHere123\n-----END PRIVATE KEY-----\n';
    registerSecret(pem);
    expect(redact(`key: ${pem}`)).not.toContain('PrivateKeyMaterial');
    expect(redact('line: MC4CAQAwBQYDK2VwBCIEIPrivateKeyMaterialHere123')).toBe('line: [redacted]');
  });

  it('finds every one of 20,000 registered tokens in megabytes of output', () => {
    const tokens = Array.from({ length: 20_000 }, (_, i) => `T${i.toString(36).padStart(8, '0')}-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx`);
    for (const t of tokens) registerSecret(t);
    const text = Array.from({ length: 40_000 }, (_, i) => `"deviceId": "${i}", "note": "${i % 2000 === 0 ? tokens[i / 2] : 'plain text'}"`).join('\n');
    const out = redact(text);
    expect(out).not.toContain('-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx');
    expect(out.split('[redacted]').length - 1).toBe(20);
  });

  it('finds a token at the start, at the end, inside a longer run, and two with nothing between them', () => {
    const a = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'; // 43, like a base64url sha256
    const b = 'b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0';
    registerSecret(a);
    registerSecret(b);
    expect(redact(a)).toBe('[redacted]');
    expect(redact(`${a} tail`)).toBe('[redacted] tail');
    expect(redact(`head ${a}`)).toBe('head [redacted]');
    expect(redact(`x=${a}&y=1`)).toBe('x=[redacted]&y=1');
    expect(redact(`https://host/path/${b}/more`)).toBe('https://host/path/[redacted]/more');
    expect(redact(`${a}${b}`)).toBe('[redacted][redacted]');
    expect(redact(`${b}${a}${b}`)).toBe('[redacted][redacted][redacted]');
    expect(redact(`Z${a.slice(1)}`)).toBe(`Z${a.slice(1)}`);
    expect(redact(a.slice(0, -1))).toBe(a.slice(0, -1));
  });

  it('finds secrets of many lengths, alone, framed and glued inside longer words', () => {
    const secrets = Array.from({ length: 73 }, (_, i) => `s${String(i).padStart(2, '0')}-${'q'.repeat(i + 4)}`);
    for (const s of secrets) registerSecret(s);
    for (const s of secrets) {
      // Alone, framed by separators, and glued inside a longer run of word characters on both sides.
      expect(redact(s)).toBe('[redacted]');
      expect(redact(`"k": "${s}",`)).toBe('"k": "[redacted]",');
      expect(redact(`~~${s}~~`), s).toBe('~~[redacted]~~');
    }
    expect(redact(secrets.join(''))).not.toMatch(/s\d\d-q/);
  });

  it('finds hex, base64url and non-ASCII tokens inside ids and words, and changes nothing else', () => {
    const hex = 'deadbeefdeadbeefdeadbeefdeadbeef';
    const base64url = 'Zm9vYmFy-_Zm9vYmFyZm9vYmFyZm9vYmFy';
    const unicode = 'jeton-ünïcødé-0123456789';
    for (const s of [hex, base64url, unicode]) registerSecret(s);
    const deviceId = `0123456789abcdef${hex}0123456789abcdef`;
    expect(redact(`"deviceId": "${deviceId}"`)).toBe('"deviceId": "0123456789abcdef[redacted]0123456789abcdef"');
    expect(redact(`id=ABC${base64url}.x`)).toBe('id=ABC[redacted].x');
    expect(redact(`«${unicode}»`)).toBe('«[redacted]»');
    // Hex ids of every length next to the tokens: nothing else changes.
    const ids = Array.from({ length: 50 }, (_, i) => '0123456789abcdef'.repeat(5).slice(i));
    expect(redact(ids.join(' '))).toBe(ids.join(' '));
  });

  it('finds secrets that hold white space or punctuation (a password, a PEM block) wherever they stand', () => {
    registerSecret('correct horse, battery staple');
    registerSecret('pass:"word" 1234');
    expect(redact('a correct horse, battery staple b')).toBe('a [redacted] b');
    expect(redact('{"p":"pass:"word" 1234"}')).toBe('{"p":"[redacted]"}');
    expect(redact('xcorrect horse, battery staplex')).toBe('x[redacted]x');
  });

  it('with many secrets that hold a separator, still finds every one', () => {
    const secrets = Array.from({ length: 40 }, (_, i) => `pass phrase ${String(i).padStart(3, '0')} ok`);
    for (const s of secrets) registerSecret(s);
    const text = secrets.map((s, i) => `${i}:${s};`).join(' ');
    const out = redact(text);
    expect(out.split('[redacted]').length - 1).toBe(40);
    expect(out).not.toContain('pass phrase');
  });

  it('leaves no registered secret in any text (generated: secrets and text over a small alphabet)', () => {
    // Few letters and some separators, so secrets overlap, extend and repeat one another often.
    const char = fc.constantFrom('a', 'b', '-', '=', ' ', ':', '"', '\n', 'é');
    const word = fc.array(char, { minLength: 1, maxLength: 14 }).map((cs) => cs.join(''));
    fc.assert(
      fc.property(fc.array(fc.array(char, { minLength: 8, maxLength: 24 }).map((cs) => cs.join('')), { minLength: 1, maxLength: 12 }), fc.array(fc.tuple(fc.boolean(), fc.nat(), word), { maxLength: 30 }), (secrets, pieces) => {
        forgetSecretsForTests();
        for (const s of secrets) registerSecret(s);
        const registered = [...new Set(secrets.map((s) => s.trim()).filter((s) => s.length >= 8))];
        const text = pieces.map(([useSecret, n, w]) => (useSecret ? secrets[n % secrets.length]! : w)).join('');
        const out = redact(text);
        for (const s of registered) expect(out.includes(s), JSON.stringify({ s, text, out })).toBe(false);
        if (registered.every((s) => !text.includes(s))) expect(out).toBe(text);
      }),
      { numRuns: 2000 },
    );
  });

  it('redacts token-like secrets leftmost, then longest (as a search at every position would)', () => {
    const char = fc.constantFrom('a', 'b', 'c', ' ');
    const token = fc.array(fc.constantFrom('a', 'b', 'c'), { minLength: 8, maxLength: 20 }).map((cs) => cs.join(''));
    const reference = (text: string, secrets: string[]) => {
      const sorted = [...secrets].sort((x, y) => y.length - x.length);
      let out = '';
      for (let i = 0; i < text.length; ) {
        const hit = sorted.find((s) => text.startsWith(s, i));
        if (hit) {
          out += '[redacted]';
          i += hit.length;
        } else out += text[i++];
      }
      return out;
    };
    fc.assert(
      fc.property(fc.array(token, { minLength: 1, maxLength: 8 }), fc.array(fc.tuple(fc.nat(2), fc.nat(), char, token), { maxLength: 40 }), (secrets, pieces) => {
        forgetSecretsForTests();
        for (const s of secrets) registerSecret(s);
        // A separator, a random run, or one of the secrets.
        const text = pieces.map(([kind, n, c, t]) => (kind === 0 ? c : kind === 1 ? t : secrets[n % secrets.length]!)).join('');
        expect(redact(text)).toBe(reference(text, [...new Set(secrets)]));
      }),
      { numRuns: 2000 },
    );
  });
});
