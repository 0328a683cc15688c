/** planRotate on real fixture states: what rotate would change, per release and failure mode. Pure: nothing is written. */
import { nothingText } from '../../src/report/rotate.js';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../src/core/diagnose.js';
import { CannotRunError } from '../../src/core/errors.js';
import { takeSnapshot } from '../../src/core/snapshot.js';
import { changedPaths, JsonStoreEditor, serialize } from '../../src/repair/editor.js';
import { planRotate, type RotateOptions, type RotatePlan } from '../../src/repair/plan.js';
import { copyFixture } from '../helpers.js';

async function planFor(name: string, options: RotateOptions = {}, edit?: (dir: string) => void) {
  const { dir, meta } = copyFixture(name);
  edit?.(dir);
  const snapshot = await takeSnapshot({ stateDir: dir, openclawVersion: meta.openclawVersion ?? undefined, env: {} });
  const diagnosis = diagnose(snapshot);
  return { dir, snapshot, diagnosis, plan: planRotate(snapshot, diagnosis, options) };
}

const added = (plan: { arrays: { file: string; field: string; added: string[] }[] }, file: string, field: string) =>
  plan.arrays.find((a) => a.file === file && a.field === field)?.added;

/** Why the plan changes nothing, as rotate prints it. */
const said = (plan: RotatePlan) => nothingText(plan.nothing!, []);

describe('planRotate', () => {
  it('2.19 seed loop: adds exactly write and read to both paired arrays, keeps the token, clears the satisfied request', async () => {
    const { plan, snapshot } = await planFor('2.19-seed-loop');
    expect(plan.nothing).toBeUndefined();
    expect(plan.target).toMatchObject({ deviceId: snapshot.identity.deviceId, isHost: true, remote: false });
    expect(added(plan, 'devices/paired.json', 'scopes')).toEqual(['operator.write', 'operator.read']);
    expect(added(plan, 'devices/paired.json', 'tokens.operator.scopes')).toEqual(['operator.write', 'operator.read']);
    expect(added(plan, 'devices/paired.json', 'approvedScopes')).toBeUndefined();
    expect(added(plan, 'identity/device-auth.json', 'tokens.operator.scopes')).toEqual(['operator.write', 'operator.read']);
    expect(plan.newToken).toBe(false);
    expect(plan.escalation).toEqual([]);
    expect(plan.removePending.map((r) => r.requestId)).toEqual(['8508693b-75a4-4c2d-9c46-03b965cb6a5f']);
    expect(plan.files).toEqual(['devices/paired.json', 'identity/device-auth.json', 'devices/pending.json']);
    expect(plan.fixes).toContain('service-device-missing-write');
  });

  it('2.21: approvedScopes is widened with scopes, and read (covered by write there) is not added', async () => {
    const { plan } = await planFor('2.21-write-missing');
    expect(added(plan, 'devices/paired.json', 'scopes')).toEqual(['operator.write']);
    expect(added(plan, 'devices/paired.json', 'approvedScopes')).toEqual(['operator.write']);
    expect(added(plan, 'devices/paired.json', 'tokens.operator.scopes')).toEqual(['operator.write']);
  });

  it('2.22 with the seed scopes: nothing to do, because admin covers every operator scope there', async () => {
    const { plan } = await planFor('2.22-seed-scopes');
    expect(said(plan)).toMatch(/Nothing to do/);
    expect(said(plan)).toMatch(/admin/);
    expect(plan.files).toEqual([]);
  });

  it('7.x: nothing to do, local internal calls skip pairing', async () => {
    const { plan } = await planFor('7.x-seed-scopes');
    expect(said(plan)).toMatch(/skip device pairing/);
  });

  it('a healthy device: nothing to do', async () => {
    expect(said((await planFor('2.19-fixed')).plan)).toMatch(/no client of this host is refused/);
  });

  it('never adds operator.admin the device never had unless named; named, it is marked an escalation', async () => {
    const held = await planFor('2.19-cli-read-only');
    expect(held.plan.heldBack).toEqual(['operator.admin']);
    expect(added(held.plan, 'devices/paired.json', 'scopes')).toEqual(['operator.approvals', 'operator.pairing', 'operator.write']);
    expect(held.plan.escalation).toEqual([]);
    const named = await planFor('2.19-cli-read-only', { scopes: ['operator.admin'] });
    expect(named.plan.heldBack).toEqual([]);
    expect(named.plan.escalation).toEqual(['operator.admin']);
    expect(added(named.plan, 'devices/paired.json', 'scopes')).toContain('operator.admin');
  });

  it('brings a token whose scopes diverge in line with the device (M10), never removing', async () => {
    const { plan } = await planFor('2.22-token-diverge');
    expect(added(plan, 'devices/paired.json', 'tokens.operator.scopes')).toEqual(['operator.read', 'operator.write']);
    expect(added(plan, 'devices/paired.json', 'scopes')).toBeUndefined();
    for (const a of plan.arrays) expect(a.after.slice(0, (a.before ?? []).length)).toEqual(a.before ?? []);
  });

  it('leaves a remote device alone unless it is named; named by prefix, it is flagged remote', async () => {
    const { plan, snapshot } = await planFor('2.19-remote-device-narrow');
    expect(plan.target.isHost).toBe(true);
    expect(plan.nothing).toBeDefined();
    const other = snapshot.store.devices.find((d) => d.remoteIp)!;
    const named = await planFor('2.19-remote-device-narrow', { device: other.deviceId.slice(0, 10), scopes: ['operator.write'] });
    expect(named.plan.target).toMatchObject({ isHost: false, remote: true, remoteIp: '192.168.1.20' });
    expect(added(named.plan, 'devices/paired.json', 'scopes')).toEqual(['operator.write']);
    expect(named.plan.files).not.toContain('identity/device-auth.json');
  });

  it('refuses unknown scope names and unknown devices with exit 2', async () => {
    await expect(planFor('2.19-seed-loop', { scopes: ['operator.everything'] })).rejects.toMatchObject({ code: 'unknown-scope', exitCode: 2 });
    // A scope of a later release is unknown to 2026.2.19.
    await expect(planFor('2.19-seed-loop', { scopes: ['operator.talk.secrets'] })).rejects.toBeInstanceOf(CannotRunError);
    await expect(planFor('2.19-seed-loop', { device: 'ffffffffffff' })).rejects.toMatchObject({ code: 'device-not-found', exitCode: 2 });
  });

  it('--new-token asks for a new value; the default keeps it', async () => {
    expect((await planFor('2.19-seed-loop', { newToken: true })).plan.newToken).toBe(true);
  });
});

describe('JsonStoreEditor.render', () => {
  it('changes only the planned arrays: key order, unknown fields, other devices and formatting are kept', async () => {
    const extra = (dir: string) => {
      const file = path.join(dir, 'devices', 'paired.json');
      const value = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Record<string, unknown>>;
      const [id] = Object.keys(value);
      const host = value[id!]!;
      // A future field in the middle, and another device after the host.
      const rebuilt = { zeta: 1, ...host, futureField: { nested: ['x'] }, lastSeenAtMs: 5 };
      writeFileSync(file, JSON.stringify({ [id!]: rebuilt, other: { deviceId: 'other', publicKey: 'k', scopes: ['operator.read'], custom: true } }, null, 2));
    };
    const { dir, plan } = await planFor('2.19-seed-loop', {}, extra);
    const editor = new JsonStoreEditor(dir);
    const files = editor.files(plan);
    const current = new Map(files.map((f) => [f, readFileSync(f)]));
    const out = editor.render(plan, current, { nowMs: 1 });
    const pairedPath = path.join(dir, 'devices', 'paired.json');
    const before = JSON.parse(current.get(pairedPath)!.toString('utf8')) as Record<string, Record<string, unknown>>;
    const text = out.get(pairedPath)!.toString('utf8');
    const after = JSON.parse(text) as Record<string, Record<string, unknown>>;
    expect(text).toBe(JSON.stringify(after, null, 2));
    expect(text.endsWith('\n')).toBe(false);
    const id = plan.target.key;
    expect(Object.keys(after[id]!)).toEqual(Object.keys(before[id]!));
    expect(Object.keys(after)).toEqual(Object.keys(before));
    expect(after.other).toEqual(before.other);
    expect(changedPaths(before, after).sort()).toEqual([`${id}.scopes`, `${id}.tokens.operator.scopes`]);
    const token = (d: Record<string, unknown>) => (d.tokens as { operator: { token: string } }).operator.token;
    expect(token(after[id]!)).toBe(token(before[id]!));
    expect(JSON.parse(out.get(path.join(dir, 'devices', 'pending.json'))!.toString('utf8'))).toEqual({});
  });

  it('a file exactly as OpenClaw writes it: only the target\'s bytes change, and the result is what a full rewrite gives', async () => {
    // The host between two other devices, one with a key that needs escaping, and non-ASCII text before and after it.
    const spread = (indent: number) => (dir: string) => {
      const file = path.join(dir, 'devices', 'paired.json');
      const value = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Record<string, unknown>>;
      const [id] = Object.keys(value);
      const other = (n: string) => ({ deviceId: n, publicKey: 'k', displayName: 'Zoë’s "phone" ✓', scopes: ['operator.read'], tokens: { operator: { token: `T-${n}-0123456789`, scopes: [] } } });
      writeFileSync(file, JSON.stringify({ 'a"\\b': other('a"\\b'), [id!]: value[id!], zz: other('zz') }, null, indent));
    };
    const rendered = async (indent: number) => {
      const { dir, plan } = await planFor('2.19-seed-loop', {}, spread(indent));
      const file = path.join(dir, 'devices', 'paired.json');
      const before = readFileSync(file);
      const out = new JsonStoreEditor(dir).render(plan, new Map([[file, before], ...plan.files.slice(1).map((rel) => [path.join(dir, rel), readFileSync(path.join(dir, rel))] as const)]), { nowMs: 3 });
      return { before, after: out.get(file)!, id: plan.target.key };
    };
    const spliced = await rendered(2);
    const rewritten = await rendered(4); // not OpenClaw's format: rewritten whole, the way OpenClaw would
    expect(spliced.after.equals(rewritten.after)).toBe(true);
    expect(serialize(JSON.parse(spliced.after.toString('utf8'))).equals(spliced.after)).toBe(true);
    // Everything before and after the host's value is the old bytes.
    const at = spliced.before.indexOf(`"${spliced.id}": `);
    expect(spliced.after.subarray(0, at).equals(spliced.before.subarray(0, at))).toBe(true);
    const tail = spliced.before.subarray(spliced.before.indexOf('\n  "zz": '));
    expect(spliced.after.subarray(spliced.after.length - tail.length).equals(tail)).toBe(true);
    expect(changedPaths(JSON.parse(spliced.before.toString('utf8')), JSON.parse(spliced.after.toString('utf8'))).sort()).toEqual([`${spliced.id}.scopes`, `${spliced.id}.tokens.operator.scopes`]);
  });

  it('with --new-token, the token value changes in paired.json and device-auth.json alike', async () => {
    const { dir, plan } = await planFor('2.19-seed-loop', { newToken: true });
    const editor = new JsonStoreEditor(dir);
    const files = editor.files(plan);
    const out = editor.render(plan, new Map(files.map((f) => [f, readFileSync(f)])), { nowMs: 7 });
    const paired = JSON.parse(out.get(path.join(dir, 'devices', 'paired.json'))!.toString('utf8'));
    const auth = JSON.parse(out.get(path.join(dir, 'identity', 'device-auth.json'))!.toString('utf8'));
    const t = paired[plan.target.key].tokens.operator;
    expect(t.token).not.toMatch(/^TOKEN-/);
    expect(t.rotatedAtMs).toBe(7);
    expect(auth.tokens.operator.token).toBe(t.token);
  });
});
