/**
 * The probe: ask the running gateway itself. Each client whose connect loops (the CLI, and the gateway's own
 * internal calls: gateway-client/backend asking operator.write and operator.read) connects for real, with the
 * installed release's own client code, signed with this host's device identity. Per client: accepted, or
 * refused with the gateway's close code and reason, the request id it recorded, and the time taken. Where the
 * release's client drops the cached device token the gateway refused (2026.1.x), its next connect is made too, once.
 *
 * Side effects, and only these: a refused connect makes the gateway record a pending (repair) request, which
 * the probe removes again by request id (unless keepRequests); a release that auto-approves changes the store,
 * which is reported, never undone. Nothing else is written by us.
 */
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ClientKind, DeviceRecord, PendingRequest, Snapshot } from '../core/model.js';
import { readDeviceAuth } from '../store/identity.js';
import { readStore } from '../store/index.js';
import { jsonStorePaths } from '../store/json-store.js';
import { portAnswers } from '../core/gateway-port.js';
import { spawnStarter } from '../core/runner.js';
import { ConflictError, vetTarget, writeFileAtomic } from '../repair/atomic.js';
import { DRIVER_SOURCE, PROBE_ENV, PROBE_MARK, type DriverClient, type DriverRequest } from './driver.js';
import { CannotProbe, locateReleaseClient, type ReleaseClient } from './release-client.js';

type ProbeOutcome = 'accepted' | 'refused' | 'cannot';
type RefusalKind = 'pairing-required' | 'scope-upgrade-pending' | 'other';

export interface ProbeClientResult {
  client: ClientKind;
  clientId: string;
  clientMode: string;
  /** The scopes the release's client asked for (null: the release's default for that client). */
  asked: string[] | null;
  outcome: ProbeOutcome;
  closeCode: number | null;
  /** The gateway's own words (first line, control characters escaped). */
  reason: string | null;
  refusal: RefusalKind | null;
  /** The pending request this connect made the gateway record (from its reason, else new in the store). */
  requestId: string | null;
  /** The request was created by this connect (and so is removed again), not one already pending that it refreshed. */
  requestCreated: boolean;
  /** Accepted, and then the health call itself answered with an error (a scope check of the method, not the connect). */
  afterConnect: string | null;
  ms: number;
  /**
   * The refusal of this client's first connect, when the release's client dropped the cached device token that got
   * it refused and connected again, as it does by itself (2026.1.x with a shared token): the fields above are then
   * the retry's answer. "Refused once, then let in" when the retry was accepted.
   */
  firstRefusal: { closeCode: number | null; reason: string | null; ms: number } | null;
}

export interface ProbeReport {
  ran: boolean;
  /** Why it could not probe; never a guessed verdict. */
  cannot: string | null;
  release: { version: string; node: string } | null;
  clients: ProbeClientResult[];
  requests: { created: string[]; removed: string[]; kept: string[]; problem: string | null };
  /** Changes the gateway made to the store because of the probe's connects (auto-approval, token re-issue). */
  storeChanges: string[];
  /**
   * JSON store: how each store file moved during the probe, step by step (not in the JSON output). A repair
   * whose verification failed undoes with it what the probe's own connects made the gateway write (undo.ts).
   */
  trail?: StoreTrail;
  ms: number;
}

/** One step of the probe that may have moved a store file: a connect's window, or the removal of its requests. */
interface TrailStep {
  /** sha256 of the file before and after the step (null: no file). */
  from: string | null;
  to: string | null;
  /** The step's change is the probe's own: only this host's record (its connect) or our own removal write. */
  ours: boolean;
  what: string;
}

/** Per store file (absolute path): its bytes before the probe's first connect, and every step after. */
export type StoreTrail = Map<string, { start: Buffer | undefined; steps: TrailStep[] }>;

export interface ProbeOptions {
  keepRequests?: boolean;
  env?: NodeJS.ProcessEnv;
  /** Per connect; the driver is killed after all of them plus a margin. */
  timeoutMs?: number;
  /** Told before anything connects (the side effects), and progress. */
  note?: (text: string) => void;
}

/** What the probe does to the gateway and the store, said before it runs (README has the same words). */
const PROBE_SIDE_EFFECTS =
  'probe: connecting to the gateway as this host (CLI, internal write, internal read). A refused connect makes the gateway record a pending pairing request; openclaw-fix removes the ones its own connects created.';

const CLIENTS: Array<{ client: ClientKind; clientId: string; clientMode: string; driver: DriverClient }> = [
  // The CLI: the release's callGateway in CLI mode asks the CLI's default scopes.
  { client: 'cli', clientId: 'cli', clientMode: 'cli', driver: { client: 'cli', method: 'health', opts: { clientName: 'cli', mode: 'cli' } } },
  // Cron delivery / announce: `send` as gateway-client/backend. The connect asks what the release's own
  // least-privilege resolver gives `send`; the method called is health, so nothing is ever sent.
  {
    client: 'internal-write',
    clientId: 'gateway-client',
    clientMode: 'backend',
    driver: { client: 'internal-write', method: 'health', opts: { clientName: 'gateway-client', mode: 'backend', scopes: ['operator.write'] }, scopesFor: 'send' },
  },
  // The health probe: gateway-client/backend, least privilege for health (operator.read).
  { client: 'internal-read', clientId: 'gateway-client', clientMode: 'backend', driver: { client: 'internal-read', method: 'health', opts: { clientName: 'gateway-client', mode: 'backend' } } },
];

/**
 * From 2026.5.28 each CLI command asks what its own method needs: a reading command (`openclaw cron list`,
 * `status`) is a connect of its own, asking operator.read (the release's resolver says, for cron.list). Before,
 * every command asks the CLI's default scopes: the `cli` connect above is that command's connect too.
 */
const CLI_READ = {
  client: 'cli-read' as const,
  clientId: 'cli',
  clientMode: 'cli',
  driver: { client: 'cli-read', method: 'health', opts: { clientName: 'cli', mode: 'cli', scopes: ['operator.read'] }, scopesFor: 'cron.list' },
};

/** The connects this probe makes for the snapshot's release. */
export function probeClients(snapshot: Pick<Snapshot, 'release'>): typeof CLIENTS {
  return snapshot.release.cliPerCommandScopes ? [...CLIENTS, CLI_READ] : CLIENTS;
}

/** Untrusted text (the gateway's reason, a device name) made safe for a terminal and a CI log: one line, escaped. */
export function plainText(text: string, max = 300): string {
  // eslint-disable-next-line no-control-regex
  const escaped = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return escaped.length > max ? `${escaped.slice(0, max)}…` : escaped;
}

/** Reads a driver result's error into the gateway's verdict. */
export function classify(ok: boolean, error: string | undefined): Pick<ProbeClientResult, 'outcome' | 'closeCode' | 'reason' | 'refusal' | 'requestId' | 'afterConnect'> & { unreachable?: string } {
  const none = { closeCode: null, reason: null, refusal: null, requestId: null, afterConnect: null };
  if (ok) return { outcome: 'accepted', ...none };
  const text = error ?? '';
  const first = text.split('\n')[0] ?? '';
  const close = /gateway closed \((\d+)[^)]*\):\s*(.*)$/.exec(first);
  const requestId = /requestId:\s*([\w-]{8,})/i.exec(text)?.[1] ?? null;
  const refusalWords = /pairing required|scope upgrade pending|unauthorized|device token|not paired|device identity/i;
  if (close || refusalWords.test(first)) {
    const reason = plainText(close ? close[2]! : first);
    const refusal: RefusalKind = /scope upgrade pending/i.test(reason) ? 'scope-upgrade-pending' : /pairing required/i.test(reason) ? 'pairing-required' : 'other';
    return { outcome: 'refused', closeCode: close ? Number(close[1]) : null, reason, refusal, requestId, afterConnect: null };
  }
  if (/ECONNREFUSED|gateway timeout|timed out|ECONNRESET|connect failed/i.test(first)) {
    return { outcome: 'cannot', ...none, reason: plainText(first), unreachable: plainText(first) };
  }
  // The connect was accepted and the method answered with its own error (e.g. a scope check of `health`).
  if (AFTER_HELLO_ERROR.test(first)) return { outcome: 'accepted', ...none, afterConnect: plainText(first) };
  // Anything else (the client code threw before connecting, a config the release rejects) says nothing about
  // the gateway: no verdict rather than a guessed "accepted".
  return { outcome: 'cannot', ...none, reason: plainText(first) };
}

/** 2026.1.x's refusal of a cached device token that lacks the scopes asked: `unauthorized: gateway token mismatch`. */
const TOKEN_MISMATCH = /token mismatch|token_mismatch/i;

/** One `@@PROBE@@` answer of the driver for a connect. */
interface DriverAnswer {
  client?: string;
  ok?: boolean;
  error?: string;
  ms?: number;
  scopes?: string[] | null;
}

/**
 * The private copy's client token cache holds an operator token (the release's client reads it before every
 * connect, and removes the one the gateway refused). Only whether there is one: the token is not kept.
 */
function hasCachedToken(shadow: string): boolean {
  try {
    const auth = JSON.parse(readFileSync(path.join(shadow, 'identity', 'device-auth.json'), 'utf8')) as { tokens?: { operator?: { token?: unknown } } };
    return typeof auth.tokens?.operator?.token === 'string' && auth.tokens.operator.token !== '';
  } catch {
    return false;
  }
}

/** Errors a method answers with once the gateway accepted the connect (the request reached its handler). */
const AFTER_HELLO_ERROR = /missing scope|unsupported channel|invalid [\w.]+ params|unknown method/i;

interface StoreLook {
  pending: Map<string, PendingRequest>;
  devices: Map<string, string>;
  /** JSON store: each file's bytes (paired.json, pending.json), undefined when absent. */
  bytes: Map<string, Buffer | undefined>;
}

function deviceLine(d: DeviceRecord): string {
  const list = (x: string[] | null) => (x ? x.join(',') : '-');
  return `scopes [${list(d.scopes)}], approvedScopes [${list(d.approvedScopes)}], token scopes ${d.tokens.map((t) => `${t.role}:[${list(t.scopes)}]`).join(' ') || '-'}`;
}

async function lookAtStore(snapshot: Snapshot): Promise<StoreLook> {
  const hostDeviceId = snapshot.identity.deviceId ?? undefined;
  const read = await readStore(snapshot.location.stateDir, snapshot.release, { hash: false, ...(hostDeviceId ? { hostDeviceId } : {}) });
  const devices = new Map(read.store.devices.map((d) => [d.key, deviceLine(d)]));
  const auth = read.deviceAuth ?? readDeviceAuth(snapshot.location.stateDir);
  devices.set('(device-auth)', auth.tokens.map((t) => `${t.role}:[${(t.scopes ?? []).join(',')}]`).join(' '));
  const bytes = new Map<string, Buffer | undefined>();
  if (snapshot.store.kind === 'json') {
    const files = jsonStorePaths(snapshot.location.stateDir);
    for (const file of [files.paired, files.pending]) {
      try {
        bytes.set(file, readStoreBytes(file));
      } catch {
        bytes.set(file, undefined);
      }
    }
  }
  return { pending: new Map(read.store.pendingRequests.map((r) => [r.requestId, r])), devices, bytes };
}

export function digest(bytes: Buffer | undefined): string | null {
  return bytes ? createHash('sha256').update(bytes).digest('hex') : null;
}

/**
 * A connect signed as this host may make the gateway write this host's own record (paired.json: last use,
 * an auto-approval; pending.json: the host's request). Anything else that moved in the same window was
 * written for someone else, and is not the probe's.
 */
export function onlyHostChanged(file: string, before: Buffer | undefined, after: Buffer | undefined, hostId: string | undefined): boolean {
  if (digest(before) === digest(after)) return true;
  if (!hostId || !before || !after) return false;
  const others = (bytes: Buffer): string | null => {
    try {
      const value = JSON.parse(bytes.toString('utf8')) as unknown;
      if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
      const rest = Object.entries(value as Record<string, unknown>).filter(([key, entry]) =>
        path.basename(file) === 'pending.json' ? (entry as { deviceId?: unknown } | null)?.deviceId !== hostId : key !== hostId,
      );
      return JSON.stringify(rest);
    } catch {
      return null;
    }
  };
  const a = others(before);
  return a !== null && a === others(after);
}

function storeDiff(before: StoreLook, after: StoreLook, hostId: string | undefined): string[] {
  const out: string[] = [];
  for (const [key, line] of after.devices) {
    const was = before.devices.get(key);
    if (was === line) continue;
    const who = key === '(device-auth)' ? "this host's client token cache (device-auth)" : `device ${key.slice(0, 12)}${key === hostId ? ' (this host)' : ''}`;
    out.push(was === undefined ? `${who} was added: ${line}` : `${who} changed: ${was} -> ${line}`);
  }
  for (const key of before.devices.keys()) if (!after.devices.has(key)) out.push(`device ${key.slice(0, 12)} was removed`);
  return out.map((s) => plainText(s, 600));
}

/** Reads `@@PROBE@@` lines off the driver's stdout, one at a time. */
class LineReader {
  private buf = '';
  private queue: unknown[] = [];
  private waiting: ((v: unknown) => void) | null = null;
  private ended = false;
  push(chunk: string): void {
    this.buf += chunk;
    let i;
    while ((i = this.buf.indexOf('\n')) >= 0) {
      const line = this.buf.slice(0, i);
      this.buf = this.buf.slice(i + 1);
      if (!line.startsWith(PROBE_MARK)) continue;
      try {
        this.deliver(JSON.parse(line.slice(PROBE_MARK.length)));
      } catch {
        /* not ours */
      }
    }
  }
  end(): void {
    this.ended = true;
    this.deliver(null);
  }
  private deliver(v: unknown): void {
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = null;
      w(v);
    } else if (v !== null || this.ended) this.queue.push(v);
  }
  next(): Promise<unknown> {
    if (this.queue.length) return Promise.resolve(this.queue.shift());
    if (this.ended) return Promise.resolve(null);
    return new Promise((r) => (this.waiting = r));
  }
}

function cannot(why: string, started: number): ProbeReport {
  return { ran: false, cannot: why, release: null, clients: [], requests: { created: [], removed: [], kept: [], problem: null }, storeChanges: [], ms: Date.now() - started };
}

export async function runProbe(snapshot: Snapshot, options: ProbeOptions = {}): Promise<ProbeReport> {
  const started = Date.now();
  const env = options.env ?? process.env;
  const { config, location } = snapshot;
  if (location.demo) return cannot('the demo state has no gateway', started);
  if (config.mode === 'remote' || config.remoteUrl) return cannot('the config points the clients at a remote gateway; the probe only connects to a local one', started);
  if (snapshot.store.kind === 'sqlite' && snapshot.store.problem) return cannot(`the store could not be read (${snapshot.store.problem}), so the requests the probe creates could not be found again`, started);
  if (!(await portAnswers(config.port, '127.0.0.1', 1000))) return cannot(`no gateway answers on 127.0.0.1:${config.port}`, started);
  let client;
  try {
    client = await locateReleaseClient(snapshot, env);
  } catch (error) {
    if (error instanceof CannotProbe) return cannot(error.message, started);
    throw error;
  }
  let shadow: string | undefined;
  if (snapshot.store.kind === 'json') {
    try {
      shadow = shadowStateDir(location.stateDir);
    } catch (error) {
      return cannot(error instanceof CannotProbe ? error.message : `the client's working copy of this host's identity could not be made (${error instanceof Error ? error.message : String(error)})`, started);
    }
  }
  try {
    return await probeWith(snapshot, client, shadow, options, started);
  } finally {
    if (shadow) rmSync(shadow, { recursive: true, force: true });
  }
}

/**
 * JSON era: the release's client keeps its device token in <state>/identity/device-auth.json and rewrites it on
 * every accepted connect. The probe must not write the state, so the client runs on a private copy of this host's
 * identity files (a 0700 temp dir, removed afterwards); the config is read where it is (OPENCLAW_CONFIG_PATH).
 * Whatever the gateway itself writes to the store is seen and reported by the store diff.
 */
function shadowStateDir(stateDir: string): string {
  const copy = (name: string, required: boolean, into: string) => {
    const from = path.join(stateDir, 'identity', name);
    let st;
    try {
      st = lstatSync(from);
    } catch {
      if (required) throw new CannotProbe(`this host has no device identity yet (${from}); the gateway's internal calls create it on first use`);
      return;
    }
    if (!st.isFile() || st.size > 1024 * 1024) throw new CannotProbe(`${from} is not a regular file of a sane size`);
    writeFileSync(path.join(into, 'identity', name), readFileSync(from), { mode: 0o600, flag: 'wx' });
  };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'openclaw-fix-probe-'));
  try {
    mkdirSync(path.join(dir, 'identity'), { mode: 0o700 });
    copy('device.json', true, dir);
    copy('device-auth.json', false, dir);
    return dir;
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

async function probeWith(snapshot: Snapshot, client: ReleaseClient, shadow: string | undefined, options: ProbeOptions, started: number): Promise<ProbeReport> {
  const env = options.env ?? process.env;
  const note = options.note ?? (() => undefined);
  const { config, location } = snapshot;
  const hostId = snapshot.identity.deviceId ?? undefined;
  note(PROBE_SIDE_EFFECTS);

  const timeoutMs = options.timeoutMs ?? 8000;
  const specs = probeClients(snapshot);
  const request: DriverRequest = { module: client.module, exportName: client.exportName, scopesExportName: client.scopesExportName, timeoutMs, clients: specs.map((c) => c.driver) };
  const childEnv: NodeJS.ProcessEnv = {
    ...env,
    [PROBE_ENV]: JSON.stringify(request),
    OPENCLAW_STATE_DIR: shadow ?? location.stateDir,
    OPENCLAW_CONFIG_PATH: location.configPath,
    OPENCLAW_GATEWAY_PORT: String(config.port),
    NO_COLOR: '1',
    FORCE_COLOR: '0',
  };
  delete childEnv.NODE_OPTIONS;
  const child = spawnStarter(client.nodeBin, ['--input-type=module', '-e', DRIVER_SOURCE], { cwd: shadow ?? location.stateDir, env: childEnv, input: true });
  const reader = new LineReader();
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (d: string) => reader.push(d));
  // The release's code writes beside its state dir (the private copy) until it exits: the copy is removed after.
  const exited = child.exited.then(() => true);
  void exited.then(() => reader.end());
  const killer = setTimeout(() => child.stop('SIGKILL'), (timeoutMs + 2000) * specs.length + 20_000);

  const results: ProbeClientResult[] = [];
  const created: string[] = [];
  const storeChanges: string[] = [];
  let fatal: string | null = null;
  const pendingFile = jsonStorePaths(location.stateDir).pending;
  let pendingBefore: Buffer | undefined;
  const trail: StoreTrail = new Map();
  try {
    const ready = (await reader.next()) as { ready?: boolean; fatal?: string } | null;
    if (!ready?.ready) fatal = ready?.fatal ? `the release's client code failed to load (${plainText(ready.fatal)})` : 'the release\'s client code did not start';
    for (const spec of specs) {
      if (fatal) break;
      if (results.length === 0 && snapshot.store.kind === 'json') {
        try {
          pendingBefore = readStoreBytes(pendingFile);
        } catch {
          pendingBefore = undefined;
        }
      }
      const before = await lookAtStore(snapshot);
      const cachedBefore = shadow !== undefined && hasCachedToken(shadow);
      child.stdin?.write('go\n');
      let r = (await reader.next()) as DriverAnswer | null;
      if (!r || r.client !== spec.client) {
        fatal = `the release's client stopped before the ${spec.client} connect`;
        break;
      }
      // The release's client drops a cached device token the gateway refused (2026.1.x, when a shared token is
      // configured) and its next connect goes with the shared token: that next connect is what the user meets
      // next, so the probe makes it too, once, and reports both answers.
      let firstRefusal: ProbeClientResult['firstRefusal'] = null;
      const first = classify(Boolean(r.ok), r.error);
      if (first.outcome === 'refused' && TOKEN_MISMATCH.test(first.reason ?? '') && cachedBefore && !hasCachedToken(shadow!)) {
        child.stdin?.write('again\n');
        const retry = (await reader.next()) as DriverAnswer | null;
        if (!retry || retry.client !== spec.client) {
          fatal = `the release's client stopped before the ${spec.client} connect's retry`;
          break;
        }
        firstRefusal = { closeCode: first.closeCode, reason: first.reason, ms: r.ms ?? 0 };
        r = retry;
      }
      const after = await lookAtStore(snapshot);
      for (const [file, was] of before.bytes) {
        const entry = trail.get(file) ?? { start: was, steps: [] };
        trail.set(file, entry);
        const now = after.bytes.get(file);
        entry.steps.push({ from: digest(was), to: digest(now), ours: onlyHostChanged(file, was, now, hostId), what: `the ${spec.client} connect${firstRefusal ? ' and its retry' : ''}` });
      }
      const verdict = classify(Boolean(r.ok), r.error);
      const fresh = [...after.pending.keys()].filter((id) => !before.pending.has(id));
      // The request this connect created: the one its refusal names, else the one that appeared for this host.
      const mine = fresh.filter((id) => after.pending.get(id)?.deviceId === hostId || id === verdict.requestId);
      created.push(...mine);
      // A refusal while this host already has a request pending refreshes that one (2.19): it is the one the
      // gateway recorded, but not ours to remove.
      const refreshed = [...after.pending.entries()]
        .filter(([id, r]) => before.pending.has(id) && r.deviceId === hostId && JSON.stringify(r) !== JSON.stringify(before.pending.get(id)))
        .map(([id]) => id);
      const requestId = verdict.outcome === 'refused' ? (verdict.requestId ?? mine[0] ?? refreshed[0] ?? null) : null;
      storeChanges.push(...storeDiff(before, after, hostId).map((s) => `${spec.client} connect: ${s}`));
      const { unreachable, ...rest } = verdict;
      if (unreachable) {
        results.push({ client: spec.client, clientId: spec.clientId, clientMode: spec.clientMode, asked: r.scopes ?? null, ...rest, requestId: null, requestCreated: false, ms: r.ms ?? 0, firstRefusal });
        continue;
      }
      results.push({ client: spec.client, clientId: spec.clientId, clientMode: spec.clientMode, asked: r.scopes ?? null, ...rest, requestId, requestCreated: requestId !== null && mine.includes(requestId), ms: r.ms ?? 0, firstRefusal });
    }
  } finally {
    clearTimeout(killer);
    child.stdin?.end();
    const wait = (ms: number) => Promise.race([exited, new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms).unref())]);
    if (!(await wait(5000))) {
      child.stop('SIGKILL');
      await wait(2000);
    }
  }

  const requests = { created: [...new Set(created)], removed: [] as string[], kept: [] as string[], problem: null as string | null };
  if (requests.created.length) {
    if (options.keepRequests) requests.kept = requests.created;
    else {
      try {
        requests.removed = await removeRequests(snapshot, requests.created, pendingBefore, trail);
        requests.kept = requests.created.filter((id) => !requests.removed.includes(id));
      } catch (error) {
        requests.problem = plainText(error instanceof Error ? error.message : String(error), 600);
        requests.kept = requests.created;
      }
    }
  }
  const report: ProbeReport = {
    ran: !fatal,
    cannot: fatal,
    release: { version: client.version, node: client.nodeVersion },
    clients: results,
    requests,
    storeChanges,
    ...(trail.size ? { trail } : {}),
    ms: Date.now() - started,
  };
  // A connect the probe could not make (no answer, timeout) is not a verdict.
  const unreachable = results.find((c) => c.outcome === 'cannot');
  if (!fatal && unreachable) report.cannot = `the ${unreachable.client} connect got no verdict (${unreachable.reason})`;
  return report;
}

/**
 * Removes exactly these requests, by id. paired.json-era: pending.json rewritten atomically with
 * compare-and-swap (the gateway writes it too); when nothing else changed since the probe started, the bytes
 * from before the probe are put back as they were. SQLite: one transaction deleting those rows.
 */
async function removeRequests(snapshot: Snapshot, ids: string[], original: Buffer | undefined, trail: StoreTrail): Promise<string[]> {
  if (snapshot.store.kind === 'sqlite') {
    const { openDatabase, closeQuietly } = await import('../store/sqlite-open.js');
    const db = await openDatabase(snapshot.store.path, { readOnly: false });
    try {
      const removed: string[] = [];
      db.exec('BEGIN IMMEDIATE');
      try {
        const del = db.prepare('DELETE FROM device_pairing_pending WHERE request_id = ?');
        for (const id of ids) if (Number(del.run(id).changes) > 0) removed.push(id);
        db.exec('COMMIT');
      } catch (error) {
        db.exec('ROLLBACK');
        throw error;
      }
      return removed;
    } finally {
      closeQuietly(db);
    }
  }
  const file = jsonStorePaths(snapshot.location.stateDir).pending;
  for (let attempt = 0; attempt < 3; attempt++) {
    const bytes = readStoreBytes(file);
    if (!bytes) return [];
    const store = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
    const removed = ids.filter((id) => Object.hasOwn(store, id));
    if (removed.length === 0) return [];
    for (const id of removed) delete store[id];
    // Nothing else changed since the probe began: put back the very bytes that were there.
    const next = original && sameJson(original, store) ? original : Buffer.from(JSON.stringify(store, null, 2));
    try {
      await writeFileAtomic(file, next, { expect: bytes, owner: await vetTarget(file) });
      trail.get(file)?.steps.push({ from: digest(bytes), to: digest(next), ours: true, what: "the removal of the probe's requests" });
      return removed;
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
    }
  }
  throw new Error(`${file} kept changing while the probe removed its requests (the gateway writes it); they were left in it`);
}

function sameJson(bytes: Buffer, value: unknown): boolean {
  try {
    return JSON.stringify(JSON.parse(bytes.toString('utf8'))) === JSON.stringify(value);
  } catch {
    return false;
  }
}

/** A JSON store file's bytes (regular file, bounded), or undefined when there is none. */
export function readStoreBytes(file: string): Buffer | undefined {
  let st;
  try {
    st = lstatSync(file);
  } catch {
    return undefined;
  }
  if (!st.isFile()) throw new Error(`${file} is not a regular file; the probe leaves it alone`);
  if (st.size > 64 * 1024 * 1024) throw new Error(`${file} is larger than 64 MB; the probe leaves it alone`);
  return readFileSync(file);
}
