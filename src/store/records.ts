/**
 * Turns stored device and request objects (from paired.json/pending.json or decoded SQLite rows) into the
 * secret-free model. Wrong field types become shape problems, never exceptions.
 *
 * The caller hands the parsed value over: every caller parsed it for this alone and drops it after, so the
 * model keeps its scope lists instead of copying them (40,000 fewer arrays for the collector on a
 * 10,000-device store).
 */
import type { DeviceRecord, PendingRequest, TokenInfo } from '../core/model.js';
import { digest, registerSecret } from '../core/secrets.js';

type Obj = Record<string, unknown>;

export function isPlainObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** How a problem names the entry: a device id cut short. Made only for a problem (10,000 records have none). */
function short(where: string): string {
  return where.length > 16 ? `${where.slice(0, 8)}…` : where;
}

// The helpers take the value, read at the call site (raw.displayName): there the load sees one object shape and
// is cheap; a load by a key passed in (obj[key]) sees every field of every record and is not. `where` is the
// entry's key, named in a problem.
function str(v: unknown, key: string, problems: string[], where: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  problems.push(`${short(where)}.${key} should be text, found ${typeName(v)}`);
  return undefined;
}

function num(v: unknown, key: string, problems: string[], where: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  problems.push(`${short(where)}.${key} should be a number, found ${typeName(v)}`);
  return undefined;
}

function strList(v: unknown, key: string, problems: string[], where: string): string[] | null {
  if (v === undefined || v === null) return null;
  if (!Array.isArray(v)) {
    problems.push(`${short(where)}.${key} should be a list of scopes, found ${typeName(v)}`);
    return null;
  }
  let bad = 0;
  for (let i = 0; i < v.length; i++) if (typeof v[i] !== 'string') bad++;
  // Kept, not copied: the parsed value is handed over (see the header).
  if (bad === 0) return v as string[];
  problems.push(`${short(where)}.${key} holds ${bad} value(s) that are not text`);
  return v.filter((s): s is string => typeof s === 'string');
}

export function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  return `a ${typeof v}`;
}

function readTokens(raw: unknown, problems: string[], where: string, withDigests: boolean): TokenInfo[] {
  if (raw === undefined || raw === null) return [];
  if (!isPlainObject(raw)) {
    problems.push(`${short(where)}.tokens should be an object keyed by role, found ${typeName(raw)}`);
    return [];
  }
  const tokens: TokenInfo[] = [];
  for (const role in raw) {
    const value = raw[role];
    if (!isPlainObject(value)) {
      problems.push(`${short(where)}.tokens.${role} should be an object, found ${typeName(value)}`);
      continue;
    }
    // Where a problem is reported; made only when there is one (20,000 tokens on a big store have none).
    const at = problems.length;
    // The value itself was registered by registerNestedSecrets (toDeviceRecord walks the record first).
    const token = value.token;
    if (token !== undefined && typeof token !== 'string') problems.push('.token should be text');
    const info: TokenInfo = {
      role,
      scopes: strList(value.scopes, 'scopes', problems, ''),
      digest: withDigests && typeof token === 'string' && token ? digest(token) : null,
      createdAtMs: num(value.createdAtMs, 'createdAtMs', problems, ''),
      rotatedAtMs: num(value.rotatedAtMs, 'rotatedAtMs', problems, ''),
      revokedAtMs: num(value.revokedAtMs, 'revokedAtMs', problems, ''),
      lastUsedAtMs: num(value.lastUsedAtMs, 'lastUsedAtMs', problems, ''),
    };
    for (let i = at; i < problems.length; i++) problems[i] = `${short(where)}.tokens.${role}${problems[i]}`;
    tokens.push(info);
  }
  return tokens;
}

/** Registers every string under a key named like a secret, wherever it sits (unknown future fields too). */
const SECRET_KEY = /token|secret|password|private/i;
/** The same few dozen key names repeat in every record: test each name once, not once per device. */
const secretKeyNames = new Map<string, boolean>();

function isSecretKey(key: string): boolean {
  let known = secretKeyNames.get(key);
  if (known === undefined) {
    known = SECRET_KEY.test(key);
    secretKeyNames.set(key, known);
  }
  return known;
}

/**
 * `underSecret`: a list that sits under a key named like a secret ("refreshTokens": [...]), so its strings are
 * secrets too. Only lists: an object under such a key ("tokens": {operator: {...}}) names its own fields.
 */
export function registerNestedSecrets(value: unknown, depth = 0, underSecret = false): void {
  if (depth > 8 || typeof value !== 'object' || value === null) return;
  if (Array.isArray(value)) {
    // An index is never named like a secret: a list's strings are secrets only under a secret-named key
    // ("refreshTokens": [...]); a scope list holds none. An indexed loop: for...of allocates an iterator per
    // list, 30,000 of them on a 10,000-device store.
    const list = value as unknown[];
    for (let i = 0; i < list.length; i++) {
      const v = list[i];
      if (typeof v === 'string') {
        if (underSecret) registerSecret(v);
      } else if (typeof v === 'object' && v !== null) registerNestedSecrets(v, depth + 1, underSecret && Array.isArray(v));
    }
    return;
  }
  for (const key in value) {
    const v = (value as Record<string, unknown>)[key];
    if (typeof v === 'string') {
      if (isSecretKey(key)) registerSecret(v);
    } else if (typeof v === 'object' && v !== null) registerNestedSecrets(v, depth + 1, Array.isArray(v) && isSecretKey(key));
  }
}

/**
 * Whether the stored entry `key` is this host's device (`hostId`, from its identity), the one whose token
 * digests are read: M08 compares them with its cached copy, and nothing compares any other device's. A
 * sha256 for every token of a 10,000-device store cost more than the rest of its record.
 */
export function isHostEntry(key: string, raw: unknown, hostId: string | undefined): boolean {
  return hostId !== undefined && (key === hostId || (isPlainObject(raw) && raw.deviceId === hostId));
}

/** `withDigests`: give each token its digest (see isHostEntry); otherwise every digest is null. */
export function toDeviceRecord(key: string, raw: unknown, withDigests: boolean): DeviceRecord {
  const problems: string[] = [];
  if (!isPlainObject(raw)) {
    return { deviceId: key, key, roles: null, scopes: null, approvedScopes: null, tokens: [], shapeProblems: [`device ${short(key)} should be an object, found ${typeName(raw)}`] };
  }
  registerNestedSecrets(raw);
  const deviceId = str(raw.deviceId, 'deviceId', problems, key) ?? key;
  if (raw.deviceId === undefined) problems.push(`device ${short(key)} has no deviceId`);
  if (typeof raw.publicKey !== 'string' || raw.publicKey === '') problems.push(`device ${short(key)} has no publicKey`);
  const roles = strList(raw.roles, 'roles', problems, key);
  return {
    deviceId,
    key,
    publicKey: str(raw.publicKey, 'publicKey', problems, key),
    displayName: str(raw.displayName, 'displayName', problems, key),
    platform: str(raw.platform, 'platform', problems, key),
    deviceFamily: str(raw.deviceFamily, 'deviceFamily', problems, key),
    clientId: str(raw.clientId, 'clientId', problems, key),
    clientMode: str(raw.clientMode, 'clientMode', problems, key),
    role: str(raw.role, 'role', problems, key),
    roles,
    scopes: strList(raw.scopes, 'scopes', problems, key),
    approvedScopes: strList(raw.approvedScopes, 'approvedScopes', problems, key),
    remoteIp: str(raw.remoteIp, 'remoteIp', problems, key),
    tokens: readTokens(raw.tokens, problems, key, withDigests),
    createdAtMs: num(raw.createdAtMs, 'createdAtMs', problems, key),
    approvedAtMs: num(raw.approvedAtMs, 'approvedAtMs', problems, key),
    lastSeenAtMs: num(raw.lastSeenAtMs, 'lastSeenAtMs', problems, key),
    shapeProblems: problems,
  };
}

export function toPendingRequest(key: string, raw: unknown): PendingRequest | null {
  if (!isPlainObject(raw)) return null;
  registerNestedSecrets(raw);
  const problems: string[] = [];
  const deviceId = str(raw.deviceId, 'deviceId', problems, key);
  if (!deviceId) return null;
  return {
    requestId: str(raw.requestId, 'requestId', problems, key) ?? key,
    deviceId,
    publicKey: str(raw.publicKey, 'publicKey', problems, key),
    platform: str(raw.platform, 'platform', problems, key),
    deviceFamily: str(raw.deviceFamily, 'deviceFamily', problems, key),
    clientId: str(raw.clientId, 'clientId', problems, key),
    clientMode: str(raw.clientMode, 'clientMode', problems, key),
    role: str(raw.role, 'role', problems, key),
    roles: strList(raw.roles, 'roles', problems, key),
    scopes: strList(raw.scopes, 'scopes', problems, key),
    remoteIp: str(raw.remoteIp, 'remoteIp', problems, key),
    silent: typeof raw.silent === 'boolean' ? raw.silent : undefined,
    isRepair: typeof raw.isRepair === 'boolean' ? raw.isRepair : undefined,
    ts: num(raw.ts, 'ts', problems, key),
    refreshedAtMs: num(raw.refreshedAtMs, 'refreshedAtMs', problems, key),
  };
}

/** Keys that mark a pending request; one inside paired.json means a polluted store (#134340). */
export function looksLikePendingRequest(raw: unknown): boolean {
  return isPlainObject(raw) && 'requestId' in raw && ('isRepair' in raw || 'ts' in raw);
}
