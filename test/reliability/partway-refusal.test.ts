/**
 * rotate replaces several files one after another (paired.json first). A link planted at a later file between
 * two renames is refused right before that file's rename, with a message that says "Nothing was changed" about
 * that file alone. By then paired.json had been replaced: the user must read the writer's account of what the
 * files hold (put back, or putting back failed and where the state before is), never the refusal's own claim.
 * The real writer, in-process; the link is planted at the "renamed" step (hooks.ts atStep).
 */
import { lstatSync, readFileSync, readlinkSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { setHooks } from '../../src/core/hooks.js';
import { copyState, SAMPLE, tempDir } from '../helpers.js';
import { runMain } from '../in-process.js';
import { fakeServices } from '../fakes/index.js';

const V = ['--openclaw-version', '2026.2.19'];
const FILES = ['devices/paired.json', 'devices/pending.json', 'identity/device-auth.json'];
const FIRST = 'devices/paired.json';
const bytes = (dir: string, rel: string) => readFileSync(path.join(dir, rel));

afterEach(() => setHooks({}));

/** Runs rotate; after the first rename, `plant` shapes the state. Returns the run and the state's original bytes. */
async function rotateWith(plant: (dir: string, outside: string) => void) {
  const dir = copyState(SAMPLE);
  const outside = path.join(tempDir('ocf-outside-'), 'elsewhere.json');
  writeFileSync(outside, '{"not":"openclaw state"}\n');
  const original = new Map(FILES.map((rel) => [rel, bytes(dir, rel)]));
  const { env } = await fakeServices();
  let planted = false;
  setHooks({
    atStep: (step) => {
      if (step !== 'renamed' || planted) return;
      planted = true;
      // The first file is replaced by now (what makes this a part-way failure), the others are not.
      expect(bytes(dir, FIRST).equals(original.get(FIRST)!)).toBe(false);
      plant(dir, outside);
    },
  });
  const r = await runMain(['rotate', '--state-dir', dir, ...V, '--yes', '--no-restart'], { env });
  setHooks({});
  expect(planted, `${r.stdout}\n${r.stderr}`).toBe(true);
  const line = r.stderr.trim().split('\n').filter((l) => l.startsWith('openclaw-fix:')).join('\n');
  return { dir, outside, original, r, line };
}

/** A link in place of `rel`, pointing outside the state (its target must never be written). */
function linkAt(dir: string, rel: string, outside: string): void {
  renameSync(path.join(dir, rel), path.join(dir, `${rel}.moved-aside`));
  symlinkSync(outside, path.join(dir, rel));
}

describe('a later file refused after paired.json was replaced', () => {
  it('put back: says paired.json was replaced and put back, and it holds its bytes from before', async () => {
    const later = FILES.filter((f) => f !== FIRST);
    const { dir, outside, original, r, line } = await rotateWith((d, o) => {
      for (const rel of later) linkAt(d, rel, o);
    });
    expect(r.code, r.stderr).toBe(2);
    // What refused the next file, then the writer's account: one "nothing was changed", after "put back".
    expect(line).toMatch(/is a symbolic link/);
    expect(line).toMatch(/devices\/paired\.json had already been replaced and was put back from the backup; nothing was changed\.$/);
    expect(line.match(/nothing was changed/gi)).toHaveLength(1);
    // What the message says: paired.json holds its bytes from before; the planted links were not written through.
    expect(bytes(dir, FIRST).equals(original.get(FIRST)!)).toBe(true);
    for (const rel of later) {
      expect(lstatSync(path.join(dir, rel)).isSymbolicLink()).toBe(true);
      expect(readlinkSync(path.join(dir, rel))).toBe(outside);
      expect(bytes(dir, `${rel}.moved-aside`).equals(original.get(rel)!)).toBe(true);
    }
    expect(readFileSync(outside, 'utf8')).toBe('{"not":"openclaw state"}\n');
  });

  it('putting back fails too: never "nothing was changed"; the backup it names holds the state before', async () => {
    const { dir, outside, original, r, line } = await rotateWith((d, o) => {
      // paired.json (our new bytes) moved aside for a link too: the put-back is refused as well.
      for (const rel of FILES) linkAt(d, rel, o);
    });
    expect(r.code, r.stderr).toBe(2);
    expect(line).not.toMatch(/nothing was changed/i);
    expect(line).toMatch(/devices\/paired\.json had already been replaced, and putting it back failed too \(/);
    const named = line.match(/the state before is in (\S+) \(openclaw-fix restore /);
    expect(named, line).not.toBeNull();
    // The restore it names is for this state, as pasted: the run's location flags come with it.
    expect(line).toContain(`(openclaw-fix restore ${path.basename(named![1]!)} --state-dir ${dir} ${V.join(' ')})`);
    // The files are not as before (paired.json is a link now, our bytes moved aside), and the backup is.
    expect(lstatSync(path.join(dir, FIRST)).isSymbolicLink()).toBe(true);
    expect(bytes(dir, `${FIRST}.moved-aside`).equals(original.get(FIRST)!)).toBe(false);
    expect(readFileSync(path.join(named![1]!, FIRST)).equals(original.get(FIRST)!)).toBe(true);
    expect(readFileSync(outside, 'utf8')).toBe('{"not":"openclaw state"}\n');
  });
});
