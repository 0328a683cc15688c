/**
 * rotate's final check after a spliced write of paired.json (src/repair/reread.ts): the state it re-reads is
 * the state a full snapshot reads, and it steps aside (undefined: read everything) whenever the file on disk
 * is not exactly what was written.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../src/core/diagnose.js';
import { takeSnapshot } from '../../src/core/snapshot.js';
import { JsonStoreEditor } from '../../src/repair/editor.js';
import { planRotate } from '../../src/repair/plan.js';
import { snapshotAfterSplice } from '../../src/repair/reread.js';
import { copyFixture } from '../helpers.js';

async function rotated(name: string) {
  const { dir, meta } = copyFixture(name);
  // As rotate reads the store: no file hashes (it keeps the bytes instead).
  const options = { stateDir: dir, openclawVersion: meta.openclawVersion ?? undefined, env: {}, nowMs: 1_800_000_000_000, hashStore: false };
  const first = await takeSnapshot(options);
  const plan = planRotate(first, diagnose(first));
  const editor = new JsonStoreEditor(dir);
  const out = editor.render(plan, new Map(editor.files(plan).map((abs) => [abs, readFileSync(abs)])), { nowMs: 5 });
  for (const [abs, bytes] of out) writeFileSync(abs, bytes, { mode: 0o600 });
  return { dir, options, first, splice: editor.lastSplice!, paired: path.join(dir, 'devices', 'paired.json') };
}

describe('snapshotAfterSplice', () => {
  it('after a spliced write: the same snapshot and diagnosis as a full read (paired, pending and device-auth.json written)', async () => {
    const r = await rotated('2.19-seed-loop');
    expect(r.splice).toBeDefined();
    const reread = snapshotAfterSplice(r.first, r.splice, r.options);
    const full = await takeSnapshot(r.options);
    expect(reread).toEqual(full);
    expect(diagnose(reread!)).toEqual(diagnose(full));
    // The fix is seen: the host's device is no longer refused.
    expect(diagnose(reread!).findings.map((f) => f.id)).not.toContain('service-device-missing-write');
  });

  it('steps aside when paired.json on disk is not what was written (another writer), or a database appeared', async () => {
    const r = await rotated('2.19-seed-loop');
    writeFileSync(r.paired, Buffer.concat([readFileSync(r.paired), Buffer.from('\n')]));
    expect(snapshotAfterSplice(r.first, r.splice, r.options)).toBeUndefined();

    const s = await rotated('2.19-seed-loop');
    mkdirSync(path.join(s.dir, 'state'), { recursive: true });
    writeFileSync(path.join(s.dir, 'state', 'openclaw.sqlite'), '');
    expect(snapshotAfterSplice(s.first, s.splice, s.options)).toBeUndefined();
  });

  it('a store not in OpenClaw\'s byte format is rewritten whole and not spliced: nothing to re-read by value', async () => {
    const { dir, meta } = copyFixture('2.19-seed-loop');
    const paired = path.join(dir, 'devices', 'paired.json');
    writeFileSync(paired, JSON.stringify(JSON.parse(readFileSync(paired, 'utf8')), null, 4));
    const first = await takeSnapshot({ stateDir: dir, openclawVersion: meta.openclawVersion ?? undefined, env: {} });
    const plan = planRotate(first, diagnose(first));
    const editor = new JsonStoreEditor(dir);
    editor.render(plan, new Map(editor.files(plan).map((abs) => [abs, readFileSync(abs)])), { nowMs: 5 });
    expect(editor.lastSplice).toBeUndefined();
  });
});
