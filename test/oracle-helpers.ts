/**
 * Shared by the oracle tests. The knowledge table against the measurements (issue 20): every cell the sweep recorded on a REAL gateway
 * (test/oracle/<release>.json, written by `npm run sweep`) is predicted from the table through the product's own
 * pipeline (a real state dir -> takeSnapshot -> predictClient) and must agree, verdict and reason. One
 * disagreement fails the test: the table is data checked against measurements, not against what we read.
 *
 * The gateway states no reason for a connect it lets in, so an allowed cell's reason is read from evidence:
 *   auto-approved   the gateway logged `device pairing auto-approved` for this attempt
 *   skips-pairing   the host had no record before or after, or this client left the EMPTY record untouched
 *                   (it never presented the host identity)
 *   store-consulted otherwise: the record let it in (`paired`) or a silent approval left no log line
 *                   (`auto-approved`); from outside the two look the same, so either prediction agrees.
 * A refusal's reason is the gateway's own (`security audit: ... reason=<r>`).
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
// @ts-expect-error plain .mjs generator shared with scripts/
import { createStateDb, newIdentity } from '../scripts/gen-sqlite-fixtures.mjs';
import { clientSpecs, predictClient } from '../src/core/clients.js';
import type { ClientVerdict } from '../src/core/model.js';
import { takeSnapshot } from '../src/core/snapshot.js';
import { ROOT, tempDir } from './helpers.js';

export const ORACLE_DIR = path.join(ROOT, 'test', 'oracle');

interface Lists {
  scopes: string[] | null;
  approvedScopes: string[] | null;
  tokenScopes: string[] | null;
}
export interface OracleCell {
  state: string;
  client: string;
  allowed: boolean;
  auditReason: string | null;
  autoApprovedLogged: boolean;
  clientSaid: string;
  before: Lists | null;
  after: Lists | null;
  pendingAfter: unknown[];
  log: string[];
  /** A refused cell's second attempt, nothing reset (sweeps from 1.30's on): let in means the refusal was not a loop. */
  retry?: { allowed: boolean; autoApprovedLogged: boolean; clientSaid: string; after: Lists | null; log: string[] };
}
export interface OracleDoc {
  format: number;
  release: string;
  measuredAt: string;
  store: 'json' | 'sqlite';
  /** The gateway config the run measured (absent in older files: the shared token, local approval as shipped). */
  config?: { authMode: 'token' | 'none'; autoApproveLocal?: false };
  states: Array<{ name: string; pending?: { clientId: string; clientMode: string; scopes: string[] } }>;
  cells: OracleCell[];
}

/** A data file's name in test titles: the release, and the gateway config when it is not the default one. */
export function docLabel(d: OracleDoc): string {
  const parts = [d.config?.authMode === 'none' ? 'auth none' : null, d.config?.autoApproveLocal === false ? 'autoApproveLocal false' : null].filter(Boolean);
  return parts.length ? `${d.release} (${parts.join(', ')})` : d.release;
}

export function oracleDocs(): OracleDoc[] {
  return readdirSync(ORACLE_DIR)
    .filter((f) => /^\d{4}\.\d+\.\d+(\.[a-z-]+)*\.json$/.test(f))
    .map((f) => JSON.parse(readFileSync(path.join(ORACLE_DIR, f), 'utf8')) as OracleDoc);
}

export interface Outcome {
  verdict: 'allowed' | 'refused';
  reason: string;
}

/** The real outcome of one cell, from evidence only (header). */
export function realOutcome(doc: OracleDoc, cell: OracleCell): Outcome {
  if (!cell.allowed) {
    return { verdict: 'refused', reason: cell.auditReason ?? (deviceTokenRefused(cell) ? 'device-token-mismatch' : notPairedRefused(cell) ? 'not-paired' : `unexplained: ${cell.clientSaid}`) };
  }
  if (cell.autoApprovedLogged) return { verdict: 'allowed', reason: 'auto-approved' };
  if (cell.before === null && cell.after === null) return { verdict: 'allowed', reason: 'skips-pairing' };
  const empty = doc.cells.find((c) => c.state === 'empty' && c.client === cell.client);
  const ignoresStore = empty && empty.allowed && !empty.autoApprovedLogged && JSON.stringify(empty.before) === JSON.stringify(empty.after);
  if (ignoresStore) return { verdict: 'allowed', reason: 'skips-pairing' };
  return { verdict: 'allowed', reason: 'store-consulted' };
}

/**
 * A refusal of the device token the client presented. 1.x words it as a shared-token failure ("gateway token
 * mismatch", reason=token_mismatch): the client led with its cached device token, which the gateway tried after
 * the shared check failed. The sweep's shared token is always the configured one, so here it means the device token.
 */
/**
 * A first pairing the gateway will not approve by itself (8.1+ with autoApproveLocal false): no audit line, only the
 * close ("device is not approved yet" on 8.2, "cause=pairing-required" on 9.6), for a host with no record.
 */
function notPairedRefused(cell: OracleCell): boolean {
  return cell.before === null && /pairing required/i.test(cell.clientSaid);
}

function deviceTokenRefused(cell: OracleCell): boolean {
  return /device token/i.test(cell.clientSaid) || cell.log.some((l) => /\bunauthorized\b.*reason=token_mismatch/.test(l));
}

export function agrees(predicted: Pick<ClientVerdict, 'verdict' | 'reason'>, real: Outcome): boolean {
  if (predicted.verdict !== real.verdict) return false;
  if (real.reason === 'store-consulted') return predicted.reason === 'paired' || predicted.reason === 'auto-approved';
  return predicted.reason === real.reason;
}

const made: string[] = [];
/** Remove every state dir stateFor() made (call from afterAll). */
export function removeOracleStates(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

const IDENTITY = newIdentity();
const REQUEST_ID = '11111111-2222-4333-8444-555555555555';

/** The host-device state of one cell, as files the product reads (the same layout the gateway wrote). */
export async function stateFor(doc: OracleDoc, cell: OracleCell): Promise<string> {
  const root = tempDir('ocf-oracle-');
  made.push(root);
  const dir = path.join(root, 'state');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const auth = doc.config?.authMode === 'none' ? { mode: 'none' } : { mode: 'token', token: 'oracle-shared-token-0123456789' };
  const nodes = doc.config?.autoApproveLocal === false ? { nodes: { pairing: { autoApproveLocal: false } } } : {};
  writeFileSync(path.join(dir, 'openclaw.json'), JSON.stringify({ gateway: { mode: 'local', port: 9, bind: 'loopback', auth, ...nodes } }), { mode: 0o600 });
  const spec = doc.states.find((s) => s.name === cell.state);
  const now = Date.now();
  const record = cell.before && {
    deviceId: IDENTITY.deviceId,
    publicKey: IDENTITY.publicKey,
    platform: 'linux',
    clientId: 'cli',
    clientMode: 'cli',
    role: 'operator',
    roles: ['operator'],
    scopes: cell.before.scopes ?? undefined,
    ...(cell.before.approvedScopes ? { approvedScopes: cell.before.approvedScopes } : {}),
    tokens: { operator: { token: 'oracle-device-token-0123456789', role: 'operator', scopes: cell.before.tokenScopes ?? [], createdAtMs: now } },
    createdAtMs: now - 60_000,
    approvedAtMs: now - 60_000,
  };
  const pending = spec?.pending
    ? [{ requestId: REQUEST_ID, deviceId: IDENTITY.deviceId, publicKey: IDENTITY.publicKey, platform: 'linux', clientId: spec.pending.clientId, clientMode: spec.pending.clientMode, role: 'operator', roles: ['operator'], scopes: spec.pending.scopes, silent: false, isRepair: true, ts: now - 1000 }]
    : [];
  if (doc.store === 'sqlite') {
    await createStateDb(dir, { identity: IDENTITY, devices: record ? [record] : [], pending, appVersion: doc.release });
    return dir;
  }
  mkdirSync(path.join(dir, 'identity'), { mode: 0o700 });
  writeFileSync(
    path.join(dir, 'identity', 'device.json'),
    JSON.stringify({ version: 1, deviceId: IDENTITY.deviceId, publicKeyPem: IDENTITY.publicKeyPem, privateKeyPem: IDENTITY.privateKeyPem, createdAtMs: now }),
    { mode: 0o600 },
  );
  mkdirSync(path.join(dir, 'devices'), { mode: 0o700 });
  writeFileSync(path.join(dir, 'devices', 'paired.json'), JSON.stringify(record ? { [IDENTITY.deviceId]: record } : {}), { mode: 0o600 });
  // The client's cached copy of the record's token, as the sweep keeps it (scripts/sweep.mjs syncCachedToken).
  if (record) {
    const cached = { version: 1, deviceId: IDENTITY.deviceId, tokens: { operator: { ...record.tokens.operator, updatedAtMs: now } } };
    writeFileSync(path.join(dir, 'identity', 'device-auth.json'), JSON.stringify(cached), { mode: 0o600 });
  }
  writeFileSync(path.join(dir, 'devices', 'pending.json'), JSON.stringify(Object.fromEntries(pending.map((p) => [p.requestId, p]))), { mode: 0o600 });
  return dir;
}

export async function predictCell(doc: OracleDoc, cell: OracleCell): Promise<ClientVerdict> {
  const dir = await stateFor(doc, cell);
  const snapshot = await takeSnapshot({ stateDir: dir, openclawVersion: doc.release, env: {}, hashStore: false });
  const spec = clientSpecs(snapshot.release).find((s) => s.client === cell.client);
  if (!spec) throw new Error(`no client spec ${cell.client}`);
  return predictClient(snapshot, spec);
}

/**
 * The sweep's layout on `release` (JSON store): this host paired with `scopes`, its operator token the same, that token
 * cached in identity/device-auth.json, a shared gateway token configured. Removed by removeOracleStates().
 */
export async function hostState(release: string, scopes: string[]): Promise<string> {
  const doc = { format: 1, release, measuredAt: '', store: 'json', states: [{ name: 's' }], cells: [] } as unknown as OracleDoc;
  const before = { scopes, approvedScopes: null, tokenScopes: scopes };
  return stateFor(doc, { state: 's', client: 'cli-read', allowed: true, auditReason: null, autoApprovedLogged: false, clientSaid: '', before, after: before, pendingAfter: [], log: [] });
}

/** A JSON file of a state, changed by hand the way a user would. */
export function editJson(file: string, edit: (value: any) => void): void {
  const value = JSON.parse(readFileSync(file, 'utf8'));
  edit(value);
  writeFileSync(file, JSON.stringify(value));
}
