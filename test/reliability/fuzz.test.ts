/**
 * Fuzzing: 10,000 mutated state files through parse + diagnose + plan + render, in-process. Seeds are the files
 * of every JSON-era fixture (fixtures/states); each input mutates one file by bytes (flip, insert, delete,
 * truncate, splice JSON punctuation) or by structure (a node replaced by a value of another type, a key
 * deleted or renamed to __proto__/constructor, deep nesting, huge numbers, lone surrogates). Zero uncaught
 * exceptions: an expected refusal is a CannotRunError; anything else, or a rule that threw (reported as
 * internal-rule-error), fails with the seed and the mutation to replay it.
 */
import { renderFinding } from '../../src/report/render.js';
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../src/core/diagnose.js';
import { CannotRunError } from '../../src/core/errors.js';
import { takeSnapshot } from '../../src/core/snapshot.js';
import { JsonStoreEditor } from '../../src/repair/editor.js';
import { planRotate } from '../../src/repair/plan.js';
import { FIXTURES, fixtureMeta, fixtureNames, tempDir } from '../helpers.js';

const ITERATIONS = Number(process.env.OPENCLAW_FIX_FUZZ_ITERATIONS ?? 10_000);
const SEED = Number(process.env.OPENCLAW_FIX_FUZZ_SEED ?? 0x5eed8);
const TARGETS = ['devices/paired.json', 'devices/pending.json', 'identity/device.json', 'identity/device-auth.json', 'openclaw.json'];

/** mulberry32: small, seeded, reproducible. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PUNCT = ['{', '}', '[', ']', '"', ',', ':', 'null', 'true', '-', '1e999', '\\u0000', '\\ud800', '\uFEFF', '\r\n', '/*', '\u2028'];
const VALUES: unknown[] = [
  null, true, false, 0, -1, 1.5, 1e308, -0, Number.MAX_SAFE_INTEGER + 2, '', 'operator.write', 'x'.repeat(300), '\ud800',
  [], {}, [1, 'a', null], ['operator.admin', 7], { scopes: 'operator.admin' }, { __proto__: { polluted: true } },
];

type Rng = () => number;
const pick = <T,>(rng: Rng, list: readonly T[]): T => list[Math.floor(rng() * list.length)]!;

function byteMutation(rng: Rng, bytes: Buffer): [Buffer, string] {
  const at = Math.floor(rng() * (bytes.length + 1));
  switch (Math.floor(rng() * 6)) {
    case 0: {
      const copy = Buffer.from(bytes);
      for (let i = 0; i < 1 + rng() * 4; i++) if (copy.length) copy[Math.floor(rng() * copy.length)] = Math.floor(rng() * 256);
      return [copy, 'flip bytes'];
    }
    case 1:
      return [bytes.subarray(0, at), `truncate at ${at}`];
    case 2: {
      const len = Math.floor(rng() * 40);
      return [Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + len)]), `delete ${len} at ${at}`];
    }
    case 3: {
      const p = pick(rng, PUNCT);
      return [Buffer.concat([bytes.subarray(0, at), Buffer.from(p), bytes.subarray(at)]), `insert ${JSON.stringify(p)} at ${at}`];
    }
    case 4: {
      const from = Math.floor(rng() * bytes.length);
      const piece = bytes.subarray(from, from + Math.floor(rng() * 200));
      return [Buffer.concat([bytes.subarray(0, at), piece, bytes.subarray(at)]), `duplicate ${piece.length} at ${at}`];
    }
    default: {
      const junk = Buffer.from(Array.from({ length: 1 + Math.floor(rng() * 16) }, () => Math.floor(rng() * 256)));
      return [Buffer.concat([bytes.subarray(0, at), junk, bytes.subarray(at)]), `insert ${junk.length} random bytes at ${at}`];
    }
  }
}

/** Every (parent, key) pair in a parsed JSON value. */
function slots(value: unknown, out: [Record<string, unknown> | unknown[], string | number][] = [], depth = 0): typeof out {
  if (depth > 6 || typeof value !== 'object' || value === null) return out;
  if (Array.isArray(value)) value.forEach((v, i) => (out.push([value, i]), slots(v, out, depth + 1)));
  else for (const [k, v] of Object.entries(value)) out.push([value as Record<string, unknown>, k]), slots(v, out, depth + 1);
  return out;
}

function deep(n: number): unknown {
  let v: unknown = 'bottom';
  for (let i = 0; i < n; i++) v = [v];
  return v;
}

function structuralMutation(rng: Rng, bytes: Buffer): [Buffer, string] | null {
  let root: unknown;
  try {
    root = JSON.parse(bytes.toString('utf8'));
  } catch {
    return null;
  }
  const all = slots(root);
  if (all.length === 0) return null;
  const [parent, key] = pick(rng, all);
  const set = (v: unknown) => ((parent as Record<string | number, unknown>)[key] = v);
  let what: string;
  switch (Math.floor(rng() * 5)) {
    case 0: {
      const v = pick(rng, VALUES);
      set(v);
      what = `${String(key)} = ${JSON.stringify(v)?.slice(0, 40)}`;
      break;
    }
    case 1:
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete parent[key as string];
      what = `delete ${String(key)}`;
      break;
    case 2:
      if (!Array.isArray(parent)) {
        const renamed = pick(rng, ['__proto__', 'constructor', 'toString', 'hasOwnProperty', '', 'deviceId', 'operator']);
        const v = parent[key as string];
        delete parent[key as string];
        // defineProperty: a literal "__proto__" key, as JSON.parse makes one.
        Object.defineProperty(parent, renamed, { value: v, enumerable: true, writable: true, configurable: true });
        what = `rename ${String(key)} -> ${renamed}`;
      } else what = 'noop';
      break;
    case 3:
      set(deep(50 + Math.floor(rng() * 400)));
      what = `${String(key)} = deep nesting`;
      break;
    default:
      set(Array.from({ length: 1 + Math.floor(rng() * 20) }, () => pick(rng, VALUES)));
      what = `${String(key)} = list of mixed values`;
  }
  // Deep values are written compactly (pretty-printing 400 levels is 160 KB of indentation); the 20,000-level
  // case is in the bad-input corpus.
  return [Buffer.from(what.endsWith('deep nesting') ? JSON.stringify(root) : JSON.stringify(root, null, 2)), what];
}

interface Failure {
  iteration: number;
  fixture: string;
  file: string;
  mutation: string;
  error: string;
}

describe('fuzzing parse + diagnose + plan + render', () => {
  it(`${ITERATIONS} mutated inputs, zero uncaught exceptions (seed ${SEED})`, { timeout: 900_000 }, async () => {
    const fixtures = fixtureNames().filter((n) => !n.startsWith('sqlite-') && readdirSync(path.join(FIXTURES, n)).includes('devices'));
    const root = tempDir('ocf-fuzz-');
    const dirs = new Map<string, string>();
    for (const name of fixtures) {
      const dir = path.join(root, name);
      cpSync(path.join(FIXTURES, name), dir, { recursive: true });
      rmSync(path.join(dir, 'fixture.json'));
      dirs.set(name, dir);
    }
    const rng = prng(SEED);
    const failures: Failure[] = [];
    const outcomes = { planned: 0, rendered: 0, nothing: 0, refused: 0 };
    for (let i = 0; i < ITERATIONS; i++) {
      const fixture = pick(rng, fixtures);
      const dir = dirs.get(fixture)!;
      const rel = pick(rng, TARGETS);
      const file = path.join(dir, rel);
      let original: Buffer;
      try {
        original = readFileSync(file);
      } catch {
        i--; // this fixture has no such file: pick again, it does not count
        continue;
      }
      // Stack mutations: 1-3 per input, structural ones when the bytes still parse.
      let bytes = original;
      const what: string[] = [];
      for (let m = 0; m < 1 + Math.floor(rng() * 3); m++) {
        const r = rng() < 0.5 ? structuralMutation(rng, bytes) : null;
        const [next, desc] = r ?? byteMutation(rng, bytes);
        bytes = next;
        what.push(desc);
      }
      writeFileSync(file, bytes);
      try {
        const version = fixtureMeta(fixture).openclawVersion ?? undefined;
        const snapshot = await takeSnapshot({ stateDir: dir, openclawVersion: version, env: {} });
        const diagnosis = diagnose(snapshot);
        const ruleErrors = diagnosis.findings.filter((f) => f.id === 'internal-rule-error');
        if (ruleErrors.length) throw new Error(`a rule threw: ${ruleErrors.map((f) => renderFinding(f, []).explanation).join('; ')}`);
        const plan = planRotate(snapshot, diagnosis, rng() < 0.2 ? { scopes: ['operator.write'] } : {});
        if (plan.nothing) outcomes.nothing++;
        else {
          outcomes.planned++;
          const editor = new JsonStoreEditor(dir);
          const current = new Map(editor.files(plan).map((abs) => [abs, readFileSync(abs)]));
          editor.render(plan, current, { nowMs: Date.now() });
          outcomes.rendered++;
        }
      } catch (error) {
        if (error instanceof CannotRunError) outcomes.refused++;
        else failures.push({ iteration: i, fixture, file: rel, mutation: what.join(' / '), error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
      } finally {
        writeFileSync(file, original);
      }
    }
    if (process.env.OPENCLAW_FIX_FUZZ_REPORT) console.log(JSON.stringify(outcomes));
    // Every kind of outcome was reached: the fuzzer is not stuck on one path.
    expect(outcomes.planned + outcomes.nothing + outcomes.refused).toBeGreaterThan(ITERATIONS * 0.9);
    expect(outcomes.rendered).toBeGreaterThan(0);
    expect(outcomes.refused).toBeGreaterThan(0);
    const distinct = [...new Map(failures.map((f) => [f.error.slice(0, 80), f])).values()];
    expect(distinct, `${failures.length} failure(s); replay with OPENCLAW_FIX_FUZZ_SEED=${SEED}`).toEqual([]);
  });
});
