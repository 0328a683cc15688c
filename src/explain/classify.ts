/**
 * Scores every mode of the family from extracted signals. Each signal adds weight to the modes it points
 * at, with the reason in words; the strongest become "likely", weaker ones "possible". Scope evidence
 * (asked vs held, who asked) is judged with the knowledge table's bundles, not with per-sample patterns.
 */
import { RELEASES, SCOPE, SCOPES_ADDED_BY_RELEASES } from '../core/knowledge.js';
import type { ModeId } from './modes.js';
import type { DeviceFragment, Signals } from './signals.js';

export interface Score {
  mode: ModeId;
  score: number;
  because: string[];
}

const SEED = RELEASES[0]!.cliDefaultScopes;
const ALL_CLI = new Set(RELEASES.flatMap((r) => r.cliDefaultScopes));
const UI_CLIENT = /control-ui|webchat|tui|^ui$/i;

const list = (s: readonly string[] | undefined) => (s && s.length ? s.join(', ') : '(none)');
const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((s) => b.includes(s));

class Board {
  private readonly scores = new Map<ModeId, Score>();
  add(mode: ModeId, weight: number, because: string): void {
    const s = this.scores.get(mode) ?? { mode, score: 0, because: [] };
    s.score += weight;
    if (!s.because.includes(because)) s.because.push(because);
    this.scores.set(mode, s);
  }
  /** Weakens a mode already on the board (a fact that argues against it), keeping the reason. */
  weaken(mode: ModeId, weight: number, because: string): void {
    const s = this.scores.get(mode);
    if (!s) return;
    s.score -= weight;
    s.because.push(because);
  }
  ranked(): Score[] {
    return [...this.scores.values()].sort((a, b) => b.score - a.score);
  }
}

/** What an upgrade (asked vs held, by whom) says: seed write loop, narrow CLI, added scope, UI client. */
function judgeUpgrade(board: Board, asked: string[], held: string[] | undefined, client: string | undefined, mode: string | undefined, where: string): void {
  const who = [client, mode].filter(Boolean).join('/');
  const internal = client === 'gateway-client' && (mode === undefined || mode === 'backend');
  const ui = UI_CLIENT.test(`${client ?? ''} ${mode === 'backend' ? '' : mode ?? ''}`);
  const delta = held ? asked.filter((s) => !held.includes(s)) : asked;
  const text = `${where}: ${who ? `${who} ` : ''}asks ${list(asked)}${held ? ` while the device holds ${list(held)}` : ''}`;
  if (ui) return board.add('M02', 6, `${text} (a UI/TUI client)`);
  if (delta.length && delta.every((s) => SCOPES_ADDED_BY_RELEASES.includes(s) && s !== SCOPE.read && s !== SCOPE.write)) {
    return board.add('M04', 6, `${text}: only scope(s) a later release added`);
  }
  if (asked.includes(SCOPE.write) && !(held ?? []).includes(SCOPE.write) && (internal || client === undefined) && asked.length <= 2) {
    return board.add('M01', 6, `${text}: write for an internal call, the 2.19 seed loop`);
  }
  if (asked.length === 1 && asked[0] === SCOPE.read) {
    if (held && SEED.every((s) => held.includes(s))) return board.add('M01', 3, `${text}: the read request that follows the write one on 2.19`);
    if (internal && !held) {
      board.add('M03', 4, `${text}: the host device lacks even read (a narrow or admin-only baseline)`);
      return board.add('M01', 2, `${text}: an internal call refused`);
    }
    return board.add('M03', 5, `${text}: admin-only/narrow baseline where read is not covered`);
  }
  if (client === 'cli' || asked.some((s) => [SCOPE.admin, SCOPE.approvals, SCOPE.pairing].includes(s as never))) {
    return board.add('M03', 6, `${text}: the CLI asks its bundle and the device is approved for less`);
  }
  board.add('M03', 2, text);
}

function judgeDevice(board: Board, d: DeviceFragment): void {
  const scopes = d.scopes ?? d.approvedScopes ?? [];
  const name = d.id ? `device ${d.id}` : 'a paired device';
  const arrays = [d.scopes, d.approvedScopes, d.tokenScopes].filter((a): a is string[] => Array.isArray(a));
  if (arrays.length >= 2 && arrays.some((a) => !sameSet(a, arrays[0]!))) {
    board.add('M10', 7, `${name}: scopes ${list(d.scopes)}, approvedScopes ${list(d.approvedScopes)}, token scopes ${list(d.tokenScopes)} disagree`);
  }
  const lacksRW = !scopes.includes(SCOPE.read) || !scopes.includes(SCOPE.write);
  const hasClientInfo = d.clientId || d.clientMode || d.displayName;
  const ui = UI_CLIENT.test(`${d.clientId ?? ''} ${d.clientMode ?? ''} ${d.displayName ?? ''}`);
  if (ui && lacksRW) return board.add('M02', 6, `${name} is a UI/TUI client (${d.clientId ?? '?'}/${d.clientMode ?? '?'}) holding only ${list(scopes)}`);
  if ((d.clientMode === 'probe' || d.clientId === 'cli') && lacksRW) {
    return board.add('M03', 6, `${name} is the CLI device (${d.clientId ?? '?'}/${d.clientMode ?? '?'}) approved only for ${list(scopes)}${d.clientMode === 'probe' ? ': a probe made first contact' : ''}`);
  }
  if (d.remoteIp && !/^(127\.|::1)/.test(d.remoteIp)) board.add('M05', 2, `${name} was paired from ${d.remoteIp}`);
  if (hasClientInfo || scopes.length === 0) return;
  if (sameSet(scopes, SEED)) {
    board.add('M01', 4, `scopes ${list(scopes)}: the old CLI bundle without read/write (the 2.19 seed state)`);
    board.add('M02', 2, `scopes ${list(scopes)}: any device paired before 2.19 holds this`);
  } else if (scopes.every((s) => ALL_CLI.has(s)) && lacksRW && !(scopes.includes(SCOPE.admin) && scopes.length > 1)) {
    board.add('M03', 5, `scopes ${list(scopes)}: a narrow baseline (read-only / pairing-only / admin-only) below what the CLI asks`);
  }
}

export function classify(signals: Signals): Score[] {
  const board = new Board();
  const { flags, events } = signals;

  for (const e of events) {
    switch (e.kind) {
      case 'access-upgrade':
        if (e.reason === 'role-upgrade') board.add('M07', 7, `audit line: role upgrade ${e.roleFrom?.join(',') ?? '?'} -> ${e.roleTo ?? '?'}`);
        // A pasted line may run on after the client id (`client=cli ... reason=...`): keep the id only.
        else if (e.scopesTo) judgeUpgrade(board, e.scopesTo, e.scopesFrom, e.client?.split(/\s/)[0], undefined, 'audit line');
        else genericScopeUpgrade(board, 'audit line: scope-upgrade without the scope lists');
        break;
      case 'metadata-upgrade':
        board.add('M06', 8, `metadata upgrade: claimed ${e.claimedPlatform ?? '?'} vs pinned ${e.pinnedPlatform ?? '?'}`);
        break;
      case 'pairing-close':
      case 'closed-pairing-required':
      case 'connect-failed':
      case 'upgrade-pending':
        byReason(board, e.reason, e.kind);
        break;
      case 'announce-failed':
        board.add('M01', 6, `announce queue refused (${e.key ?? 'queue'}): the gateway's own internal call`);
        break;
      case 'cron-delivery-failed':
        board.add('M01', 5, "cron delivery refused: the gateway's own internal call");
        break;
      case 'token-mismatch':
        board.add('M08', 7, 'device token mismatch');
        break;
      case 'handshake-timeout':
        board.add('L3', 8, `closed by the handshake timeout (cause=handshake-timeout)`);
        break;
      case 'missing-scope':
        if (e.scope === SCOPE.admin || e.scope === SCOPE.pairing) board.add('M13', 6, `missing scope: ${e.scope} (what approving needs)`);
        else if (e.scope === SCOPE.read && (flags.has('probe-limited') || e.method === 'status' || e.method === 'health')) board.add('L1', 7, 'missing scope: operator.read on a status/probe call whose connection was accepted');
        else if (e.scope === SCOPE.read && e.method && /chat|sessions/.test(e.method)) board.add('M02', 5, `missing scope: operator.read on ${e.method} (Control UI)`);
        else if (e.scope === SCOPE.read) {
          board.add('L1', 4, 'missing scope: operator.read with the connection accepted (no 1008)');
          board.add('M02', 2, 'missing scope: operator.read (a device without read)');
        } else board.add('M04', 3, `missing scope: ${e.scope ?? '?'} (a scope the client now needs)`);
        break;
      case 'store-migration-failed':
        board.add('M16', 8, `device-store migration to SQLite failed: ${e.error ?? ''}`.trim());
        break;
      case 'store-migrated':
        board.add('M16', 4, 'device store migrated to SQLite');
        break;
      default:
        break;
    }
  }

  for (const u of signals.upgrades) {
    if (u.reason === 'role-upgrade') board.add('M07', 7, `${u.where}: role upgrade ${u.roleFrom?.join(',') || '?'} -> ${u.roleTo ?? '?'}`);
    else if (u.scopesTo) judgeUpgrade(board, u.scopesTo, u.scopesFrom, u.client?.split(/\s/)[0], u.clientMode, u.where);
    else if (!events.some((e) => e.reason === 'scope-upgrade')) genericScopeUpgrade(board, `${u.where}: scope-upgrade without the scope lists`);
  }
  for (const h of signals.hints) board.add(h.mode, h.weight, h.because);

  for (const d of signals.devices) judgeDevice(board, d);
  for (const r of signals.requests) {
    const device = signals.devices.find((d) => d.id && d.id === r.deviceId);
    if (r.selected) continue; // the --latest preview; M14 below
    if (device && r.platform && device.platform && r.platform !== device.platform) board.add('M06', 7, `request ${r.requestId}: platform ${r.platform} vs pinned ${device.platform}`);
    else if (device && r.role && device.roles && !device.roles.includes(r.role)) board.add('M07', 7, `request ${r.requestId}: role ${r.role} vs approved ${list(device.roles)}`);
    else if (r.scopes && r.isRepair !== false) judgeUpgrade(board, r.scopes, device?.scopes, r.clientId, r.clientMode, `pending request ${r.requestId ?? ''}`.trim());
    if (r.remoteIp && !/^(127\.|::1)/.test(r.remoteIp)) board.add('M05', 3, `request from ${r.remoteIp}`);
  }
  for (const id of signals.identityIds) board.add('M09', 4, `identity/device.json names device ${id}: the question is whether paired.json has it`);

  if (flags.has('approve-latest')) board.add('M14', 9, '`devices approve --latest` / a "selected" preview: approving without an id only previews');
  if (flags.has('source-lan')) board.add('M05', 7, 'the connection came from a LAN/tailnet address (`Source: local lan`, `Bind: lan`)');
  if (flags.has('bind-wide')) board.add('M05', 6, `gateway.bind is "${signals.config.bind}"`);
  if (signals.remotePeers.length) board.add('M05', 5, `1008 closes from non-loopback peers: ${[...new Set(signals.remotePeers)].join(', ')}`);
  if (signals.config.allowInsecureAuth || signals.config.dangerouslyDisableDeviceAuth) board.add('L4', 3, 'the Control UI device check is weakened in the config');
  if (flags.has('unknown-request')) board.add('M12', 7, '`unknown requestId` / no pending request: the request was superseded or expired');
  if (flags.has('rotate-denied')) board.add('M11', 7, 'device token rotation denied: rotate cannot widen beyond the approved baseline');
  if (flags.has('gateway-token')) board.add('L2', 7, 'shared gateway token mismatch/missing: not device pairing');
  if (flags.has('control-ui-context')) board.add('L4', 7, 'the browser lacks a secure context / device identity');
  if (flags.has('probe-limited') && !events.some((e) => e.kind === 'missing-scope')) board.add('L1', 5, 'probe connected but RPC limited (scopeLimited)');
  if (flags.has('migration')) board.add('M16', 5, 'mentions the SQLite store / migration');
  if (flags.has('native-approvals')) board.add('M04', 6, 'the native approvals handler (asks more scopes since 4.8) is refused');
  if (flags.has('after-update')) board.add('M04', 3, 'started after an update');
  if (flags.has('capability-pending')) {
    board.add('M04', 2, '`Capability: pairing-pending`');
    board.add('M03', 2, '`Capability: pairing-pending`');
  }
  if (flags.has('cannot-approve-own')) board.add('M13', 7, "the device can't approve its own upgrade");
  if (flags.has('sessions-spawn') && flags.has('pairing-required') && !flags.has('source-lan')) board.add('M01', 4, 'sessions_spawn / sub-agent calls refused');
  if ((flags.has('close-1000') || flags.has('close-1006')) && !events.some((e) => e.kind === 'handshake-timeout')) {
    board.add('L3', 4, 'closed with 1000/1006 and no close reason');
    board.add('M15', 1, 'a store that fails to load also closes every connection with 1000');
  }
  // M01 exists only on 2026.2.19-2.21: a paste that names only other releases argues against it.
  const named = signals.versions.map((v) => /^2026\.(\d+)\.(\d+)/.exec(v)).filter((m): m is RegExpExecArray => Boolean(m));
  if (named.length && named.every((m) => !(Number(m[1]) === 2 && Number(m[2]) >= 19 && Number(m[2]) <= 21))) {
    board.weaken('M01', 3, `but the paste names ${signals.versions.join(', ')}, and M01 occurs only on 2026.2.19-2.21`);
  }
  const ranked = board.ranked();
  // A bare "pairing required" with nothing more: the CLI lockout is the common case; say what else it can be.
  if (ranked.length === 0 && flags.has('pairing-required')) {
    genericClose(board);
    return board.ranked();
  }
  if (flags.has('embedded-fallback') && ranked.length === 0) board.add('M03', 3, 'the agent fell back to embedded mode');
  return board.ranked();
}

function genericScopeUpgrade(board: Board, why: string): void {
  board.add('M03', 3, `${why}: most often the CLI/host device approved for too little`);
  board.add('M01', 2, `${why}: on 2.19-2.21 the gateway's own calls`);
  board.add('M04', 2, `${why}: after an update that added a scope`);
  board.add('M10', 2, `${why}: scope lists out of step (e.g. a rotation that narrowed the device)`);
  board.add('M02', 1, `${why}: another device with an old bundle`);
}

function genericClose(board: Board): void {
  board.add('M03', 4, 'a client-side "pairing required" (1008) with no other detail: most often the CLI locked out by a narrow device');
  board.add('M09', 2, 'or this host is not paired at all (new identity)');
  board.add('M01', 1, "or, on 2.19-2.21, the gateway's own internal calls");
  board.add('M05', 1, 'or the client reached the gateway over a LAN address');
}

function byReason(board: Board, reason: string | undefined, kind: string): void {
  switch (reason) {
    case 'not-paired':
      board.add('M09', 6, `${kind}: reason not-paired (this device is unknown or its key changed)`);
      break;
    case 'role-upgrade':
      board.add('M07', 6, `${kind}: role upgrade`);
      break;
    case 'metadata-upgrade':
      board.add('M06', 6, `${kind}: device identity/metadata changed`);
      break;
    case 'scope-upgrade':
      genericScopeUpgrade(board, `${kind}: scope-upgrade`);
      break;
    default:
      genericClose(board);
  }
}
