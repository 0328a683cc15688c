// Which store writes are the probe's own (and so undone before a rollback), and which are not: the chain of the
// probe's steps must explain every change, with nothing in between and nothing after, each touching only this
// host's record. The end-to-end runs: test/cli/rotate-probe.test.ts (stand-in release), test/e2e/probe.e2e.test.ts.
import { describe, expect, it } from 'vitest';
import { digest, onlyHostChanged } from '../../src/probe/probe.js';
import { notOurs } from '../../src/probe/undo.js';

const HOST = 'h'.repeat(64);
const OTHER = 'o'.repeat(64);
const buf = (v: unknown) => Buffer.from(JSON.stringify(v, null, 2));
const A = buf({ [HOST]: { scopes: ['operator.write'] }, [OTHER]: { scopes: ['operator.read'] } });
const B = buf({ [HOST]: { scopes: ['operator.write'], lastUsedAtMs: 1 }, [OTHER]: { scopes: ['operator.read'] } });
const C = buf({ [HOST]: { scopes: ['operator.write'], lastUsedAtMs: 2 }, [OTHER]: { scopes: ['operator.read'] } });
const D = buf({ [HOST]: { scopes: ['operator.write'], lastUsedAtMs: 2 }, [OTHER]: { scopes: ['operator.read', 'operator.write'] } });
const step = (from: Buffer, to: Buffer, ours = true) => ({ from: digest(from), to: digest(to), ours, what: 'the cli connect' });

describe('onlyHostChanged', () => {
  const paired = '/s/devices/paired.json';
  it("a change to this host's record is the connect's; one to another device is not", () => {
    expect(onlyHostChanged(paired, A, B, HOST)).toBe(true);
    expect(onlyHostChanged(paired, C, D, HOST)).toBe(false);
    expect(onlyHostChanged(paired, A, A, undefined)).toBe(true);
    expect(onlyHostChanged(paired, A, B, undefined)).toBe(false);
    expect(onlyHostChanged(paired, A, Buffer.from('{bad'), HOST)).toBe(false);
  });
  it("pending.json: the host's requests may come and go; another device's request is not ours", () => {
    const pending = '/s/devices/pending.json';
    const none = buf({});
    const mine = buf({ r1: { requestId: 'r1', deviceId: HOST } });
    const theirs = buf({ r1: { requestId: 'r1', deviceId: HOST }, r2: { requestId: 'r2', deviceId: OTHER } });
    expect(onlyHostChanged(pending, none, mine, HOST)).toBe(true);
    expect(onlyHostChanged(pending, mine, theirs, HOST)).toBe(false);
  });
});

describe('notOurs', () => {
  it('every change explained by the probe steps, one after the other: ours', () => {
    expect(notOurs({ start: A, steps: [step(A, B), step(B, B), step(B, C)] }, C)).toBeNull();
  });
  it('a write between two steps is not ours', () => {
    expect(notOurs({ start: A, steps: [step(A, B), step(C, C)] }, C)).toMatch(/between the probe's steps/);
  });
  it('a write after the last step is not ours', () => {
    expect(notOurs({ start: A, steps: [step(A, B)] }, C)).toMatch(/after the probe/);
  });
  it("a step that changed another device's record is not ours", () => {
    expect(notOurs({ start: A, steps: [step(A, B), step(B, D, false)] }, D)).toMatch(/another device's record/);
  });
});
