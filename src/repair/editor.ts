/**
 * Store adapters: render a plan into the new bytes of each file, and check afterwards that what is on disk
 * is what the plan meant. The JSON store is edited on the ORIGINAL parsed objects (key order, unknown and
 * future fields kept) and serialized exactly as OpenClaw writes it. The SQLite store plugs in here later.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { CannotRunError } from '../core/errors.js';
import type { Snapshot, StoreKind } from '../core/model.js';
import { registerSecret } from '../core/secrets.js';
import { readDeviceAuth } from '../store/identity.js';
import { readJsonStore } from '../store/json-store.js';
import { isPlainObject } from '../store/records.js';
import { DEVICE_AUTH_FILE, PAIRED_FILE, PENDING_FILE, type RotatePlan } from './plan.js';

export interface RenderContext {
  nowMs: number;
}

export interface StoreEditor {
  kind: StoreKind;
  /** Absolute paths the plan writes, in write order (the connect check's file first). */
  files(plan: RotatePlan): string[];
  /** New bytes per absolute path, from the current bytes. Throws CannotRunError when a file is not what the plan expects. */
  render(plan: RotatePlan, current: ReadonlyMap<string, Buffer>, ctx: RenderContext): Map<string, Buffer>;
  /** Problems with the store as it is on disk now, measured against the plan (empty = the change is in place). */
  verify(plan: RotatePlan): string[];
}

export function editorFor(snapshot: Snapshot): StoreEditor {
  if (snapshot.store.kind === 'sqlite') {
    throw new CannotRunError(
      'not-supported',
      `This install keeps devices in SQLite (${snapshot.store.path}, OpenClaw 2026.8.1+); this build of openclaw-fix edits only the JSON store. Nothing was changed.`,
      snapshot.store.path,
    );
  }
  return new JsonStoreEditor(snapshot.location.stateDir);
}

/** As OpenClaw writes: 2-space JSON, no trailing newline. */
export function serialize(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value, null, 2), 'utf8');
}

/** Paths (dot-joined) where two parsed JSON values differ; arrays compare as a whole. */
export function changedPaths(a: unknown, b: unknown, at = ''): string[] {
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    return keys.flatMap((k) => changedPaths(a[k], b[k], at ? `${at}.${k}` : k));
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [at];
}

/** A token value like OpenClaw's: 32 random bytes, base64url. */
function newTokenValue(): string {
  const value = randomBytes(32).toString('base64url');
  registerSecret(value);
  return value;
}

function parse(file: string, bytes: Buffer | undefined): Record<string, unknown> {
  let value: unknown;
  try {
    value = bytes === undefined ? undefined : JSON.parse(bytes.toString('utf8'));
  } catch {
    value = undefined;
  }
  if (!isPlainObject(value)) {
    throw new CannotRunError('store-changed', `${file} no longer holds the JSON object openclaw-fix planned on; nothing was changed. Run openclaw-fix doctor.`, file);
  }
  return value;
}

function pushMissing(list: unknown, add: readonly string[]): string[] {
  const base = Array.isArray(list) ? (list as unknown[]) : [];
  for (const s of add) if (!base.includes(s)) base.push(s);
  return base as string[];
}

export class JsonStoreEditor implements StoreEditor {
  readonly kind = 'json' as const;
  constructor(private readonly stateDir: string) {}

  private abs(rel: string): string {
    return path.join(this.stateDir, rel);
  }

  files(plan: RotatePlan): string[] {
    return plan.files.map((f) => this.abs(f));
  }

  render(plan: RotatePlan, current: ReadonlyMap<string, Buffer>, ctx: RenderContext): Map<string, Buffer> {
    const out = new Map<string, Buffer>();
    const token = plan.newToken ? newTokenValue() : undefined;
    const added = (file: string, field: string) => plan.arrays.find((a) => a.file === file && a.field === field)?.added ?? [];
    // Which dotted paths this plan may touch per file: anything else changing is a bug, caught before writing.
    const allowed = new Map<string, string[]>();

    if (plan.files.includes(PAIRED_FILE)) {
      const file = this.abs(PAIRED_FILE);
      const before = current.get(file);
      const root = parse(file, before);
      const device = root[plan.target.key];
      if (!isPlainObject(device)) throw new CannotRunError('store-changed', `Device ${plan.target.deviceId} is no longer in ${file}; nothing was changed.`, file);
      const k = plan.target.key;
      const paths: string[] = [];
      const scopesAdd = added(PAIRED_FILE, 'scopes');
      if (scopesAdd.length) {
        device.scopes = pushMissing(device.scopes, scopesAdd);
        paths.push(`${k}.scopes`);
      }
      const approvedAdd = added(PAIRED_FILE, 'approvedScopes');
      if (approvedAdd.length) {
        device.approvedScopes = pushMissing(device.approvedScopes, approvedAdd);
        paths.push(`${k}.approvedScopes`);
      }
      if (plan.addRole) {
        device.roles = pushMissing(device.roles, [plan.addRole]);
        paths.push(`${k}.roles`);
      }
      const op = isPlainObject(device.tokens) && isPlainObject(device.tokens.operator) ? device.tokens.operator : undefined;
      const tokenAdd = added(PAIRED_FILE, 'tokens.operator.scopes');
      if (op && tokenAdd.length) {
        op.scopes = pushMissing(op.scopes, tokenAdd);
        paths.push(`${k}.tokens.operator.scopes`);
      }
      if (op && token) {
        op.token = token;
        op.rotatedAtMs = ctx.nowMs;
        paths.push(`${k}.tokens.operator.token`, `${k}.tokens.operator.rotatedAtMs`);
      }
      out.set(file, serialize(root));
      allowed.set(file, paths);
    }

    if (plan.files.includes(DEVICE_AUTH_FILE)) {
      const file = this.abs(DEVICE_AUTH_FILE);
      const root = parse(file, current.get(file));
      const op = isPlainObject(root.tokens) && isPlainObject(root.tokens.operator) ? root.tokens.operator : undefined;
      if (!op || root.deviceId !== plan.target.deviceId) throw new CannotRunError('store-changed', `${file} no longer holds this device's operator token; nothing was changed.`, file);
      const paths: string[] = [];
      const add = added(DEVICE_AUTH_FILE, 'tokens.operator.scopes');
      if (add.length) {
        op.scopes = pushMissing(op.scopes, add);
        paths.push('tokens.operator.scopes');
      }
      if (token) {
        op.token = token;
        op.updatedAtMs = ctx.nowMs;
        paths.push('tokens.operator.token', 'tokens.operator.updatedAtMs');
      }
      out.set(file, serialize(root));
      allowed.set(file, paths);
    }

    if (plan.files.includes(PENDING_FILE)) {
      const file = this.abs(PENDING_FILE);
      const root = parse(file, current.get(file));
      for (const r of plan.removePending) delete root[r.requestId];
      out.set(file, serialize(root));
      allowed.set(file, plan.removePending.map((r) => r.requestId));
    }

    // visudo-style: parse what we are about to write and prove only the planned fields changed, and no scope was dropped.
    for (const [file, bytes] of out) {
      const before = parse(file, current.get(file));
      const after = JSON.parse(bytes.toString('utf8')) as unknown;
      const ok = allowed.get(file) ?? [];
      const stray = changedPaths(before, after).filter((p) => !ok.some((a) => p === a || p.startsWith(`${a}.`)));
      if (stray.length) throw new Error(`internal: the rendered ${path.basename(file)} changes ${stray.join(', ')} beyond the plan`);
    }
    return out;
  }

  verify(plan: RotatePlan): string[] {
    const problems: string[] = [];
    const store = readJsonStore(this.stateDir);
    if (store.paired.status !== 'ok') return [`${store.paired.path} ${store.paired.problem ?? store.paired.status}`];
    const device = store.devices.find((d) => d.key === plan.target.key);
    if (!device) return [`device ${plan.target.deviceId} is no longer in ${store.paired.path}`];
    for (const change of plan.arrays) {
      let list: string[] | null = null;
      if (change.file === PAIRED_FILE) {
        list =
          change.field === 'scopes'
            ? device.scopes
            : change.field === 'approvedScopes'
              ? device.approvedScopes
              : (device.tokens.find((t) => t.role === 'operator')?.scopes ?? null);
      } else if (change.file === DEVICE_AUTH_FILE) {
        list = readDeviceAuth(this.stateDir).tokens.find((t) => t.role === 'operator')?.scopes ?? null;
      }
      const missing = change.after.filter((s) => !(list ?? []).includes(s));
      if (missing.length) problems.push(`${change.file} ${change.field} lacks ${missing.join(', ')}`);
    }
    if (plan.addRole && !(device.roles ?? []).includes(plan.addRole)) problems.push(`${PAIRED_FILE} roles lacks ${plan.addRole}`);
    return problems;
  }
}
