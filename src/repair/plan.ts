/**
 * PURE: turns a snapshot and its diagnosis into the exact change `rotate` would make. Nothing here reads
 * or writes files; the store editor renders the plan into bytes, and apply.ts writes them.
 * What a device needs comes from the client predictions (clients.ts) and the knowledge table, never from
 * version checks here.
 */
import { connectBaseline } from '../core/clients.js';
import type { Diagnosis } from '../core/diagnose.js';
import { CannotRunError, unchanged } from '../core/errors.js';
import { SCOPE, isKnownScope, unsatisfiedScopes } from '../core/knowledge.js';
import type { DeviceRecord, Finding, Snapshot } from '../core/model.js';
import { shortId } from '../core/short-id.js';

export interface RotateOptions {
  device?: string;
  scopes?: string[];
  newToken?: boolean;
}

/** One scope list before and after. `file` is relative to the state dir. */
interface ArrayChange {
  file: string;
  /** Path inside the file, e.g. `scopes`, `tokens.operator.scopes`. */
  field: string;
  before: string[] | null;
  added: string[];
  after: string[];
}

interface PendingRemoval {
  requestId: string;
  clientId?: string;
  scopes: string[];
}

interface RotateTarget {
  deviceId: string;
  /** Key in paired.json (differs from deviceId only in a damaged store). */
  key: string;
  isHost: boolean;
  /** Not this host's own device, or it connected from another address: changed only when named. */
  remote: boolean;
  remoteIp?: string;
  displayName?: string;
  clientId?: string;
}

/** Why a plan changes nothing. */
export type NothingToDo =
  /** What the device needs is a grant it never had (operator.admin): made only when named with --scope. */
  | { kind: 'held-back'; deviceId: string; isHost: boolean; heldBack: string[] }
  /** Its clients are not refused and its lists agree. */
  | {
      kind: 'in-order';
      deviceId: string;
      isHost: boolean;
      scopes: string[] | null;
      /** M01's info finding: why this host's internal calls are allowed on this release. */
      hostInfo?: Finding;
      /** A repair request on file asks for scopes the device does not hold (a client openclaw-fix does not predict). */
      unsatisfied?: { scopes: string[]; requestId: string };
      /** A repair request on file (already satisfied, unless `unsatisfied`). */
      satisfiedRequest: boolean;
      /** 1.x: the host's clients are refused once for the cached device token and let in on the retry (M08's warning). */
      refusedOnce: boolean;
    };

export interface RotatePlan {
  /** The store the plan is written for: its `files` / `arrays[].file` are files (json) or tables (sqlite). */
  store: 'json' | 'sqlite';
  /** Nothing to change, and why (report/rotate.ts says it in words). */
  nothing?: NothingToDo;
  target: RotateTarget;
  /** Scopes granted by this change (in no list of the device before). */
  added: string[];
  /** Grants the device never had that only an explicit --scope allowed (operator.admin, a role). */
  escalation: string[];
  /** Needed but not granted without an explicit --scope: what the user must name to finish the fix. */
  heldBack: string[];
  /** Role added to `roles` (only with --scope operator.admin). */
  addRole?: string;
  arrays: ArrayChange[];
  removePending: PendingRemoval[];
  newToken: boolean;
  /** Files the change writes, relative to the state dir, in write order (SQLite: tables of state/openclaw.sqlite). */
  files: string[];
  /** Findings (ids) this change is meant to clear. */
  fixes: string[];
}

export const PAIRED_FILE = 'devices/paired.json';
export const PENDING_FILE = 'devices/pending.json';
export const DEVICE_AUTH_FILE = 'identity/device-auth.json';
/** The same places in the SQLite store (2026.8.1+): tables of <state>/state/openclaw.sqlite and their columns. */
export const SQLITE_DB_FILE = 'state/openclaw.sqlite';
export const SQLITE_PAIRED = 'device_pairing_paired';
export const SQLITE_PENDING = 'device_pairing_pending';
export const SQLITE_AUTH = 'device_auth_tokens';

/** Where each list lives, per store: the plan speaks the store's own names so what is shown is what is written. */
export const LOCATIONS = {
  json: { paired: PAIRED_FILE, pending: PENDING_FILE, auth: DEVICE_AUTH_FILE, scopes: 'scopes', approvedScopes: 'approvedScopes', tokenScopes: 'tokens.operator.scopes', authScopes: 'tokens.operator.scopes' },
  sqlite: { paired: SQLITE_PAIRED, pending: SQLITE_PENDING, auth: SQLITE_AUTH, scopes: 'scopes_json', approvedScopes: 'approved_scopes_json', tokenScopes: 'tokens_json.operator.scopes', authScopes: 'scopes_json' },
} as const;

/** The findings a plan is for (`fixes`). */
const TARGET_FINDINGS: ReadonlySet<string> = new Set(['service-device-missing-write', 'service-device-missing-read', 'cli-admin-refused', 'token-scopes-diverge', 'pending-repair-request']);

function union(...lists: (readonly string[] | null | undefined)[]): string[] {
  return [...new Set(lists.flatMap((l) => l ?? []))];
}

/** Refuses unknown scope names with the list this release knows (exit 2). */
function validateScopes(snapshot: Snapshot, scopes: readonly string[]): void {
  const unknown = scopes.filter((s) => !isKnownScope(snapshot.release, s));
  if (unknown.length === 0) return;
  const on = snapshot.version.version ? `OpenClaw ${snapshot.version.version}` : 'any OpenClaw release';
  throw unchanged(new CannotRunError(
    'unknown-scope',
    `Unknown scope ${unknown.map((s) => `"${s}"`).join(', ')}: ${on} knows ${snapshot.release.operatorScopes.join(', ')}. Nothing was changed.`,
  ));
}

/** `--device`: a full id or a unique prefix; default the host's own device. */
function resolveTarget(snapshot: Snapshot, device?: string): DeviceRecord {
  const { devices } = snapshot.store;
  const hostId = snapshot.identity.deviceId;
  if (!device) {
    if (!hostId) {
      throw unchanged(new CannotRunError(
        'no-identity',
        `This host has no device identity (${snapshot.identity.file.path}: ${snapshot.identity.file.status}), so there is no host device to change. Name one with --device ID. Nothing was changed.`,
        snapshot.identity.file.path,
      ));
    }
    const host = devices.find((d) => d.deviceId === hostId || d.key === hostId);
    if (!host) {
      throw unchanged(new CannotRunError(
        'device-not-paired',
        `This host's device ${shortId(hostId)} is not in ${snapshot.store.path}: there is nothing to widen. Its next local connect pairs it with the scopes it asks for (run openclaw-fix doctor for details). Nothing was changed.`,
        snapshot.store.path,
        1,
      ));
    }
    return host;
  }
  const needle = device.trim().toLowerCase();
  const exact = devices.find((d) => d.deviceId.toLowerCase() === needle || d.key.toLowerCase() === needle);
  if (exact) return exact;
  const matches = devices.filter((d) => d.deviceId.toLowerCase().startsWith(needle));
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) {
    throw unchanged(new CannotRunError('device-not-found', `No paired device id starts with "${device}" in ${snapshot.store.path} (${devices.length} device(s); see openclaw-fix doctor --verbose). Nothing was changed.`, snapshot.store.path));
  }
  throw unchanged(new CannotRunError('device-ambiguous', `"${device}" matches ${matches.length} devices (${matches.map((d) => shortId(d.deviceId)).join(', ')}); give more of the id. Nothing was changed.`, snapshot.store.path));
}

/** What the device needs, from the predicted verdicts (host) or its own refused requests (any device). */
function neededScopes(snapshot: Snapshot, diagnosis: Diagnosis, device: DeviceRecord, isHost: boolean): { scopes: string[]; role: boolean } {
  if (isHost) {
    // A refusal the client recovers from on its next connect (1.x's cached token) needs no grant: the gateway
    // itself approves the retry.
    const refused = diagnosis.clients.filter((c) => c.verdict === 'refused' && !c.healsOnRetry);
    // A client refused for the role is refused for its scopes next, once the role is there: grant both in one run.
    const baseline = connectBaseline(snapshot.release, device);
    const afterRole = refused.filter((c) => c.reason === 'role-upgrade').map((c) => unsatisfiedScopes(snapshot.release.scopeRule, baseline, c.requests));
    return { scopes: union(...refused.map((c) => c.missing), ...afterRole), role: refused.some((c) => c.reason === 'role-upgrade') };
  }
  const baseline = connectBaseline(snapshot.release, device);
  const asked = snapshot.store.pendingRequests.filter((r) => r.deviceId === device.deviceId && r.isRepair);
  return { scopes: union(...asked.map((r) => unsatisfiedScopes(snapshot.release.scopeRule, baseline, r.scopes ?? []))), role: false };
}

function everHeld(device: DeviceRecord): Set<string> {
  return new Set(union(device.scopes, device.approvedScopes, ...device.tokens.map((t) => t.scopes)));
}

/** The device's open repair requests the change satisfies (its roles and the final scope list cover them): removed with it. */
function satisfiedRepairRequests(snapshot: Snapshot, device: DeviceRecord, roles: string[], addRole: string | undefined, final: string[]): PendingRemoval[] {
  return snapshot.store.pendingRequests
    .filter((r) => r.deviceId === device.deviceId && r.isRepair)
    .filter((r) => !r.role || r.role === 'operator' || r.role === addRole || roles.includes(r.role))
    .filter((r) => unsatisfiedScopes(snapshot.release.scopeRule, final, r.scopes ?? []).length === 0)
    .map((r) => ({ requestId: r.requestId, clientId: r.clientId, scopes: r.scopes ?? [] }));
}

/** The change in one line, for the backup manifest and the report. */
export function planRotate(snapshot: Snapshot, diagnosis: Diagnosis, options: RotateOptions = {}): RotatePlan {
  const named = union(options.scopes);
  validateScopes(snapshot, named);
  const device = resolveTarget(snapshot, options.device);
  const hostId = snapshot.identity.deviceId;
  const isHost = device.deviceId === hostId;
  const target: RotateTarget = { deviceId: device.deviceId, key: device.key, isHost, remote: !isHost || Boolean(device.remoteIp), remoteIp: device.remoteIp, displayName: device.displayName, clientId: device.clientId };

  const held = everHeld(device);
  // What a person approved: the device's `scopes` (and `approvedScopes`). A token list holding more is not an
  // approval (a hand edit, another tool): operator.admin found only there is still a new grant. Only when
  // `scopes` itself is missing or not a list is every list the device holds what it was approved for (the
  // repair of a broken field rebuilds it from them, docs/guarantees.md).
  const approved = device.scopes ? new Set(union(device.scopes, device.approvedScopes)) : held;
  const need = neededScopes(snapshot, diagnosis, device, isHost);
  // A scope or role the device was never approved for is a new grant: only an explicit --scope operator.admin allows it.
  const adminNamed = named.includes(SCOPE.admin);
  const heldBack = need.scopes.filter((s) => s === SCOPE.admin && !approved.has(s) && !adminNamed);
  const roles = device.roles ?? (device.role ? [device.role] : []);
  // Operator scopes on a device without the operator role would do nothing: the role is part of the grant.
  const needsRole = !roles.includes('operator') && (need.role || (roles.length > 0 && named.length > 0));
  if (needsRole && !adminNamed) heldBack.push('role operator');
  const addRole = needsRole && adminNamed ? 'operator' : undefined;

  const grant = union(need.scopes.filter((s) => !heldBack.includes(s)), named);
  const escalation = [...grant.filter((s) => s === SCOPE.admin && !approved.has(s)), ...(addRole ? [`role ${addRole}`] : [])];
  // Every list ends up holding everything the device is approved for plus the grant; nothing is removed.
  const final = union(device.scopes, device.approvedScopes, grant);

  const store = snapshot.store.kind === 'sqlite' ? 'sqlite' : 'json';
  const at = LOCATIONS[store];
  const arrays: ArrayChange[] = [];
  const change = (file: string, field: string, before: string[] | null) => {
    const added = final.filter((s) => !(before ?? []).includes(s));
    if (added.length) arrays.push({ file, field, before, added, after: [...(before ?? []), ...added] });
  };
  change(at.paired, at.scopes, device.scopes);
  if (device.approvedScopes) change(at.paired, at.approvedScopes, device.approvedScopes);
  const token = device.tokens.find((t) => t.role === 'operator' && !t.revokedAtMs);
  if (token) change(at.paired, at.tokenScopes, token.scopes);
  const auth = snapshot.deviceAuth;
  const authToken = auth.deviceId === device.deviceId && auth.file.status === 'ok' ? auth.tokens.find((t) => t.role === 'operator') : undefined;
  if (authToken) change(at.auth, at.authScopes, authToken.scopes);

  const added = final.filter((s) => !held.has(s));
  const newToken = Boolean(options.newToken && token);
  const changes = arrays.length > 0 || Boolean(addRole) || newToken;

  const removePending = changes ? satisfiedRepairRequests(snapshot, device, roles, addRole, final) : [];

  const files = [
    ...(arrays.some((a) => a.file === at.paired) || addRole || newToken ? [at.paired] : []),
    ...(authToken && (arrays.some((a) => a.file === at.auth) || newToken) && isHost ? [at.auth] : []),
    ...(removePending.length ? [at.pending] : []),
  ];
  const fixes = diagnosis.findings
    .filter((f: Finding) => TARGET_FINDINGS.has(f.id) && f.severity !== 'info' && (f.deviceId === device.deviceId || (isHost && !f.deviceId)))
    .map((f) => f.id);


  const plan: RotatePlan = { store, target, added, escalation, heldBack, addRole, arrays, removePending, newToken, files, fixes };
  if (!changes) plan.nothing = nothingReason(snapshot, diagnosis, device, isHost, heldBack);
  return plan;
}

function nothingReason(snapshot: Snapshot, diagnosis: Diagnosis, device: DeviceRecord, isHost: boolean, heldBack: string[]): NothingToDo {
  const target = { deviceId: device.deviceId, isHost };
  if (heldBack.length) return { kind: 'held-back', ...target, heldBack };
  // Why this host's internal calls are fine here (M01's info finding), for users who read old advice.
  const hostInfo = isHost ? diagnosis.findings.find((f) => f.severity === 'info' && f.id === 'service-device-missing-write') : undefined;
  // Say a request is satisfied only when the connect baseline really covers it; otherwise name what it asks.
  const baseline = connectBaseline(snapshot.release, device);
  const requests = snapshot.store.pendingRequests.filter((r) => r.deviceId === device.deviceId && r.isRepair);
  const open = requests.filter((r) => unsatisfiedScopes(snapshot.release.scopeRule, baseline, r.scopes ?? []).length > 0);
  const unsatisfied = open.length
    ? { scopes: union(...open.map((r) => unsatisfiedScopes(snapshot.release.scopeRule, baseline, r.scopes ?? []))), requestId: open[0]!.requestId }
    : undefined;
  const refusedOnce = isHost && diagnosis.clients.some((c) => c.healsOnRetry);
  return { kind: 'in-order', ...target, scopes: device.scopes, hostInfo, unsatisfied, satisfiedRequest: requests.length > 0, refusedOnce };
}
