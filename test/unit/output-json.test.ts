/** `--json` to a program: written member by member (src/report/output.ts), byte for byte JSON.stringify's text. */
import { Writable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonParts, Output } from '../../src/report/output.js';
import { forgetSecretsForTests, registerSecret } from '../../src/core/secrets.js';

function captured(): { stream: Writable & { isTTY?: boolean }; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

describe('printJson to a pipe or a file', () => {
  it('writes exactly JSON.stringify of any value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.dictionary(fc.string(), fc.oneof(fc.jsonValue(), fc.constant(undefined))), (v, o) => {
        expect(jsonParts(v).join('')).toBe(JSON.stringify(v));
        expect(jsonParts(o).join('')).toBe(JSON.stringify(o));
      }),
      { numRuns: 500 },
    );
  });

  it('a report holding "…" after 10,000 devices: the same text, and secrets still redacted', () => {
    forgetSecretsForTests();
    const token = 'tok_6f1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c';
    registerSecret(token);
    const report = { schemaVersion: 1, devices: Array.from({ length: 10_000 }, (_, i) => ({ deviceId: `d${i}`, displayName: i === 7 ? `leaked ${token}` : 'ok' })), findings: [{ title: 'host device b891bf8c…9bfd' }], none: undefined };
    const out = captured();
    new Output({ json: true }, {}, out.stream, captured().stream).printJson(report);
    expect(out.text()).toBe(`${JSON.stringify(report).replace(token, '[redacted]')}\n`);
    forgetSecretsForTests();
  });
});
