/**
 * Extracts the signals a paste carries, whatever its shape: log events (through the shared recognisers
 * in src/logs/patterns.ts), store/config/identity records (through the lenient JSON reader), and the
 * family's plain strings. Classification (classify.ts) scores modes from these, never from raw text.
 */
import { recognise, type LogEvent } from '../logs/patterns.js';
import { registerNestedSecrets } from '../store/records.js';
import { allObjects, isObject, parseLenient, stringList, type JObject, type JValue } from './lenient-json.js';
import { jsonLineMessage, logicalLines, normalizeText } from './normalize.js';
import { canonicalRecord, doctorFacts, MAX_JSON_DEPTH, nestingDepth, judgeListing, listingFacts, textRecords, type FileFact, type ModeHint, type UpgradeFact } from './shapes.js';

export interface DeviceFragment {
  id?: string;
  publicKey?: string;
  scopes?: string[];
  approvedScopes?: string[];
  tokenScopes?: string[];
  clientId?: string;
  clientMode?: string;
  displayName?: string;
  platform?: string;
  roles?: string[];
  remoteIp?: string;
}

interface RequestFragment {
  requestId?: string;
  deviceId?: string;
  publicKey?: string;
  scopes?: string[];
  clientId?: string;
  clientMode?: string;
  role?: string;
  platform?: string;
  isRepair?: boolean;
  remoteIp?: string;
  /** Printed by `devices approve` without an id: a preview, nothing approved. */
  selected?: boolean;
}

interface ConfigFragment {
  bind?: string;
  authMode?: string;
  allowInsecureAuth?: boolean;
  dangerouslyDisableDeviceAuth?: boolean;
  autoApproveLocal?: boolean;
}

/** A plain string of the family that the log recognisers do not cover (client errors, status output, wrappers). */
type Flag =
  | 'pairing-required'
  | 'source-lan'
  | 'bind-wide'
  | 'approve-latest'
  | 'unknown-request'
  | 'rotate-denied'
  | 'gateway-token'
  | 'control-ui-context'
  | 'probe-limited'
  | 'close-1000'
  | 'close-1006'
  | 'migration'
  | 'native-approvals'
  | 'after-update'
  | 'sessions-spawn'
  | 'cannot-approve-own'
  | 'local-fallback'
  | 'capability-pending'
  | 'embedded-fallback';

const FLAGS: readonly [Flag, RegExp][] = [
  ['pairing-required', /pairing required|PAIRING_REQUIRED|NOT_PAIRED|Pairing required/],
  ['source-lan', /Source:\s*local (?:lan|tailnet)\b|Source:\s*remote\b|Bind:\s*(?:lan|tailnet|custom)\b/i],
  ['approve-latest', /devices approve\s+(?:[^\n]*\s)?--latest|approve --latest/],
  ['unknown-request', /unknown requestId|No pending device pairing requests/i],
  ['rotate-denied', /token rotation denied|scope-outside-approved-baseline|missing-approved-scope-baseline|caller-missing-scope/],
  ['gateway-token', /gateway token mismatch|gateway token missing|AUTH_TOKEN_MISMATCH|token_missing|gateway password mismatch/i],
  ['control-ui-context', /requires HTTPS or localhost|secure context|device identity required|must have required property 'nonce'|device[- ]id(?:entity)?[- ]mismatch/i],
  ['probe-limited', /scopeLimited|rpcOk"?\s*:\s*false|unreachable \(missing scope|RPC:\s*limited|probe_failed/],
  ['close-1000', /\(1000 normal closure\)|code=1000\b/],
  ['close-1006', /\(1006 abnormal closure|code=1006\b/],
  ['migration', /migrat\w* (?:failed|to SQLite)|requires migration|MigrationRequired|canonical SQLite|\.migrated\b|openclaw\.sqlite|device_pairing_(?:paired|pending)/i],
  ['native-approvals', /native[- ]approval/i],
  ['after-update', /did not become healthy after restart|after (?:the )?(?:update|upgrade)|openclaw update\b/i],
  ['sessions-spawn', /sessions_spawn|sessions_send|subagent/],
  ['cannot-approve-own', /can'?t approve its own|cannot approve its own/],
  ['local-fallback', /using local fallback/],
  ['capability-pending', /Capability:\s*pairing-pending|connected-no-operator-scope/],
  ['embedded-fallback', /EMBEDDED FALLBACK|falling back to embedded|running embedded agent/],
];

export interface Signals {
  events: LogEvent[];
  devices: DeviceFragment[];
  requests: RequestFragment[];
  config: ConfigFragment;
  /** A host identity file (identity/device.json) was pasted: its deviceId. */
  identityIds: string[];
  flags: Set<Flag>;
  versions: string[];
  /** Closes that came from a non-loopback peer (`remote=172.18.0.2`). */
  remotePeers: string[];
  /** Asked-vs-held facts from any shape other than the gateway's audit line (fields, YAML, tables, prose, doctor output). */
  upgrades: UpgradeFact[];
  /** Evidence that points at a mode directly: `openclaw doctor` findings, state-dir listings. */
  hints: ModeHint[];
  /** Files a pasted listing of the state dir shows. */
  files: FileFact[];
  /** Remarks that are not a mode (a key file readable by others). */
  notes: string[];
  /** Request and device ids named outside records (doctor output). */
  requestIds: string[];
  deviceIds: string[];
}

const scalar = (o: JObject, k: string): string | undefined => (typeof o[k] === 'string' ? (o[k] as string) : undefined);

function deviceFrom(o: JObject, path: string[]): DeviceFragment | null {
  const scopes = stringList(o.scopes);
  const approved = stringList(o.approvedScopes);
  if (!scopes && !approved) return null;
  let tokenScopes: string[] | undefined;
  if (isObject(o.tokens)) {
    for (const t of Object.values(o.tokens)) if (isObject(t)) tokenScopes = tokenScopes ?? stringList(t.scopes);
  } else if (Array.isArray(o.tokens)) {
    for (const t of o.tokens) if (isObject(t)) tokenScopes = tokenScopes ?? stringList(t.scopes);
  }
  return {
    id: scalar(o, 'deviceId') ?? path.filter((p) => !p.startsWith('#')).pop(),
    publicKey: scalar(o, 'publicKey'),
    scopes,
    approvedScopes: approved,
    tokenScopes,
    clientId: scalar(o, 'clientId'),
    clientMode: scalar(o, 'clientMode'),
    displayName: scalar(o, 'displayName'),
    platform: scalar(o, 'platform'),
    roles: stringList(o.roles) ?? (scalar(o, 'role') ? [scalar(o, 'role')!] : undefined),
    remoteIp: scalar(o, 'remoteIp'),
  };
}

/** The asked-vs-held facts of a record that carries them (`scopesTo`, or a role upgrade), whatever named its fields. */
function upgradeFrom(o: JObject, where: string): UpgradeFact | null {
  const scopesTo = stringList(o.scopesTo);
  const status = scalar(o, 'status') ?? '';
  // `devices list`: a new pairing is not an upgrade; a role upgrade names the roles asked.
  if (/new pairing/i.test(status)) return null;
  const rolesTo = stringList(o.rolesTo);
  if (/role upgrade/i.test(status) && rolesTo?.length) {
    const held = stringList(o.roleFrom) ?? [];
    return { reason: 'role-upgrade', roleFrom: held, roleTo: rolesTo.filter((r) => !held.includes(r)).join(',') || rolesTo.join(','), deviceId: scalar(o, 'deviceId'), requestId: scalar(o, 'requestId'), where };
  }
  const reason = scalar(o, 'reason');
  if (reason === 'role-upgrade' && typeof o.roleTo === 'string') {
    return { reason, roleFrom: stringList(o.roleFrom), roleTo: o.roleTo, client: scalar(o, 'clientId'), deviceId: scalar(o, 'deviceId'), where };
  }
  if (!scopesTo?.length) {
    // The reason alone, re-typed with the line's other fields: a scope upgrade whose lists were left out.
    return reason === 'scope-upgrade' && (o.deviceId || o.clientId || o.scopesFrom) ? { reason, client: scalar(o, 'clientId'), deviceId: scalar(o, 'deviceId'), where } : null;
  }
  if (reason && reason !== 'scope-upgrade') return null;
  return { reason, scopesFrom: stringList(o.scopesFrom) ?? stringList(o.approvedScopes) ?? stringList(o.scopes), scopesTo, client: scalar(o, 'clientId'), clientMode: scalar(o, 'clientMode'), deviceId: scalar(o, 'deviceId'), requestId: scalar(o, 'requestId'), where };
}

function collectObjects(root: JObject, signals: Signals, where = 'pasted fields'): void {
  for (const found of allObjects(root)) {
    const path = found.path;
    if (path.includes('tokens') || ('token' in found.value && 'role' in found.value)) continue; // token entries belong to their device
    // Field names as the store, sqlite3 or a person spells them; scope lists in any notation.
    const o = canonicalRecord(found.value);
    const upgrade = upgradeFrom(o, where);
    if (upgrade) {
      signals.upgrades.push(upgrade);
      continue;
    }
    const isRequest = typeof o.requestId === 'string' && ('isRepair' in o || 'ts' in o || 'silent' in o || path.includes('selected') || path.includes('pending'));
    if (isRequest) {
      signals.requests.push({
        requestId: scalar(o, 'requestId'),
        deviceId: scalar(o, 'deviceId'),
        publicKey: scalar(o, 'publicKey'),
        scopes: stringList(o.scopes),
        clientId: scalar(o, 'clientId'),
        clientMode: scalar(o, 'clientMode'),
        role: scalar(o, 'role'),
        platform: scalar(o, 'platform'),
        isRepair: typeof o.isRepair === 'boolean' ? o.isRepair : undefined,
        remoteIp: scalar(o, 'remoteIp'),
        selected: path.includes('selected'),
      });
      continue;
    }
    if (path.includes('selected') && typeof o.requestId === 'string') continue;
    const device = deviceFrom(o, path);
    if (device) signals.devices.push(device);
    else if (typeof o.deviceId === 'string' && ('version' in o || 'publicKeyPem' in o || 'privateKeyPem' in o) && !('tokens' in o)) {
      signals.identityIds.push(o.deviceId);
    }
    if (typeof o.bind === 'string') signals.config.bind = o.bind;
    if (isObject(o.auth) && typeof o.auth.mode === 'string') signals.config.authMode = o.auth.mode;
    if (o.allowInsecureAuth === true) signals.config.allowInsecureAuth = true;
    if (o.dangerouslyDisableDeviceAuth === true) signals.config.dangerouslyDisableDeviceAuth = true;
    if (typeof o.autoApproveLocal === 'boolean') signals.config.autoApproveLocal = o.autoApproveLocal;
  }
  if ('selected' in root || allObjects(root).some((f) => 'selected' in f.value)) signals.flags.add('approve-latest');
}

const LOOPBACK_PEER = /^(127\.|::1|\[::1\]|localhost|n\/a)/;

export function extractSignals(raw: string): Signals {
  const text = normalizeText(raw);
  const signals: Signals = { events: [], devices: [], requests: [], config: {}, identityIds: [], flags: new Set(), versions: [], remotePeers: [], upgrades: [], hints: [], files: [], notes: [], requestIds: [], deviceIds: [] };

  // Log events: JSON log lines by their message, every other record as it reads.
  const seen = new Set<string>();
  const addEvent = (message: string) => {
    const event = recognise(message);
    if (!event) return;
    const key = JSON.stringify(event);
    if (!seen.has(key)) {
      seen.add(key);
      signals.events.push(event);
    }
  };
  for (const line of raw.replace(/\r\n?/g, '\n').split('\n')) {
    const message = jsonLineMessage(line);
    if (message) addEvent(normalizeText(message));
  }
  for (const record of logicalLines(text)) addEvent(record);
  for (const e of signals.events) {
    if (e.remote && !LOOPBACK_PEER.test(e.remote)) signals.remotePeers.push(e.remote);
  }
  for (const m of text.matchAll(/remote=([\d.:a-f[\]]+)[^\n]*code=1008/gi)) if (!LOOPBACK_PEER.test(m[1]!)) signals.remotePeers.push(m[1]!);

  // Records: the paste as one lenient JSON document (fragments included). A paste that is strict JSON
  // (sqlite3 `.mode json`, `devices list --json`) is also read as it is, before escapes inside its strings are decoded.
  const strict = strictJson(raw);
  if (strict) {
    registerNestedSecrets(strict);
    collectObjects(strict, signals);
  }
  const root = parseLenient(text);
  // A pasted store or config may carry real tokens: make sure no output path can echo them.
  registerNestedSecrets(root);
  collectObjects(root, signals);
  // The same facts as YAML, tables, key=value runs, prose or sqlite3 rows.
  for (const record of textRecords(text)) {
    registerNestedSecrets(record);
    collectObjects(record, signals);
  }
  dedupe(signals);
  const doctor = doctorFacts(text);
  signals.upgrades.push(...doctor.upgrades);
  signals.hints.push(...doctor.hints);
  signals.requestIds.push(...doctor.requestIds);
  signals.deviceIds.push(...doctor.deviceIds);
  signals.files = listingFacts(text);
  const listing = judgeListing(signals.files);
  signals.hints.push(...listing.hints);
  signals.notes.push(...listing.notes);
  if (signals.config.bind && !['loopback', 'auto'].includes(signals.config.bind)) signals.flags.add('bind-wide');

  for (const [flag, re] of FLAGS) if (re.test(text)) signals.flags.add(flag);
  signals.versions = [...new Set([...text.matchAll(/\b(2026\.\d{1,2}\.\d{1,3}(?:-[\w.]+)?)\b/g)].map((m) => m[1]!))];
  return signals;
}

/**
 * One fact counts once: the JSON reader and the field reader can both see a record, and a re-typed audit
 * field set can repeat the audit line next to it.
 */
function dedupe(signals: Signals): void {
  const seen = new Set<string>();
  const once = <T>(items: T[], key: (x: T) => string): T[] =>
    items.filter((x) => {
      const k = key(x);
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  const scopes = (s: string[] | undefined) => (s ? [...s].sort().join(',') : '-');
  for (const e of signals.events) {
    if (e.kind === 'access-upgrade') seen.add(`u|${e.reason ?? ''}|${scopes(e.scopesFrom)}|${scopes(e.scopesTo)}|${e.client?.split(/\s/)[0] ?? ''}`);
  }
  signals.upgrades = once(signals.upgrades, (u) => `u|${u.reason ?? ''}|${scopes(u.scopesFrom)}|${scopes(u.scopesTo)}|${u.client ?? ''}`);
  signals.upgrades = signals.upgrades.filter((u, i, all) => !all.some((v, j) => j !== i && v.scopesTo && u.scopesTo && scopes(v.scopesTo) === scopes(u.scopesTo) && scopes(v.scopesFrom) === scopes(u.scopesFrom) && (v.client ?? '') !== '' && (u.client ?? '') === ''));
  signals.devices = once(signals.devices, (d) => `d|${d.id ?? ''}|${scopes(d.scopes)}|${scopes(d.approvedScopes)}|${scopes(d.tokenScopes)}|${d.clientId ?? ''}|${d.clientMode ?? ''}`);
  signals.requests = once(signals.requests, (r) => `r|${r.requestId ?? ''}|${r.deviceId ?? ''}|${scopes(r.scopes)}`);
}

function strictJson(raw: string): JObject | null {
  const t = raw.trim();
  if (!/^[[{]/.test(t) || nestingDepth(t) > MAX_JSON_DEPTH) return null;
  try {
    const v = JSON.parse(t) as JValue;
    if (Array.isArray(v)) return { items: v };
    return isObject(v) ? v : null;
  } catch {
    return null;
  }
}
