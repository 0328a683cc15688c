/**
 * Extracts the signals a paste carries, whatever its shape: log events (through the shared recognisers
 * in src/logs/patterns.ts), store/config/identity records (through the lenient JSON reader), and the
 * family's plain strings. Classification (classify.ts) scores modes from these, never from raw text.
 */
import { recognise, type LogEvent } from '../logs/patterns.js';
import { registerNestedSecrets } from '../store/records.js';
import { allObjects, isObject, parseLenient, stringList, type JObject } from './lenient-json.js';
import { jsonLineMessage, logicalLines, normalizeText } from './normalize.js';

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

export interface RequestFragment {
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

export interface ConfigFragment {
  bind?: string;
  authMode?: string;
  allowInsecureAuth?: boolean;
  dangerouslyDisableDeviceAuth?: boolean;
  autoApproveLocal?: boolean;
}

/** A plain string of the family that the log recognisers do not cover (client errors, status output, wrappers). */
export type Flag =
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

function collectObjects(root: JObject, signals: Signals): void {
  for (const { path, value: o } of allObjects(root)) {
    if (path.includes('tokens')) continue; // token entries belong to their device
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
  const signals: Signals = { events: [], devices: [], requests: [], config: {}, identityIds: [], flags: new Set(), versions: [], remotePeers: [] };

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

  // Records: the paste as one lenient JSON document (fragments included).
  const root = parseLenient(text);
  // A pasted store or config may carry real tokens: make sure no output path can echo them.
  registerNestedSecrets(root);
  collectObjects(root, signals);
  if (signals.config.bind && !['loopback', 'auto'].includes(signals.config.bind)) signals.flags.add('bind-wide');

  for (const [flag, re] of FLAGS) if (re.test(text)) signals.flags.add(flag);
  signals.versions = [...new Set([...text.matchAll(/\b(2026\.\d{1,2}\.\d{1,3}(?:-[\w.]+)?)\b/g)].map((m) => m[1]!))];
  return signals;
}
