/**
 * The read-only view of an OpenClaw install that every rule works on. It never holds a secret:
 * token values and private keys are reduced to short digests at read time (see snapshot.ts).
 */
import type { FindingArgs, FindingId, ModeId } from './findings.js';
import type { ReleaseKnowledge } from './knowledge.js';

export type Severity = 'error' | 'warning' | 'info';

export interface FileStat {
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtimeMs: number;
  isFile: boolean;
  isSymlink: boolean;
}

type FileStatus =
  | 'ok'
  | 'missing'
  | 'empty'
  | 'unparsable'
  | 'wrong-shape'
  | 'unreadable'
  | 'not-regular';

export interface FileInfo {
  path: string;
  status: FileStatus;
  /** One plain sentence on what is wrong, when status is not ok or missing. */
  problem?: string;
  /** Where the JSON stops parsing, when the parser said so. */
  parseErrorAt?: { line: number; column: number };
  stat?: FileStat;
  bom?: boolean;
  crlf?: boolean;
  /** The array shape `openclaw devices list --json` prints, pasted in place of the file. */
  listShape?: boolean;
  /** sha256 of the raw bytes (for compare-and-swap and "unchanged" checks). */
  sha256?: string;
}

/**
 * The file is there but cannot be used as it is: empty, unparsable, of the wrong shape, unreadable or not a regular
 * file. A missing file is not this: OpenClaw creates it, and a fresh install has none.
 */
export function isUnusable(file: FileInfo): boolean {
  return file.status !== 'ok' && file.status !== 'missing';
}

export interface TokenInfo {
  role: string;
  scopes: string[] | null;
  /**
   * First 12 hex of sha256(token): enough to compare copies, useless to an attacker. Read only for this host's
   * device (records.ts isHostEntry); null on every other device, and where there is no token.
   */
  digest: string | null;
  createdAtMs?: number;
  rotatedAtMs?: number;
  revokedAtMs?: number;
  lastUsedAtMs?: number;
}

export interface DeviceRecord {
  deviceId: string;
  /** The key in paired.json (or the primary key in SQLite); differs from deviceId only in a damaged store. */
  key: string;
  publicKey?: string;
  displayName?: string;
  platform?: string;
  deviceFamily?: string;
  clientId?: string;
  clientMode?: string;
  role?: string;
  roles: string[] | null;
  scopes: string[] | null;
  approvedScopes: string[] | null;
  remoteIp?: string;
  tokens: TokenInfo[];
  createdAtMs?: number;
  approvedAtMs?: number;
  lastSeenAtMs?: number;
  /** Field-level shape problems (wrong types), reported by store rules. */
  shapeProblems: string[];
}

export interface PendingRequest {
  requestId: string;
  deviceId: string;
  publicKey?: string;
  platform?: string;
  deviceFamily?: string;
  clientId?: string;
  clientMode?: string;
  role?: string;
  roles: string[] | null;
  scopes: string[] | null;
  remoteIp?: string;
  silent?: boolean;
  isRepair?: boolean;
  ts?: number;
  refreshedAtMs?: number;
}

export interface HostIdentity {
  file: FileInfo;
  deviceId?: string;
  /** base64url of the raw Ed25519 public key, derived from publicKeyPem (public, safe to show). */
  publicKey?: string;
  /** sha256(raw public key) recomputed; differs from deviceId in a damaged identity. */
  derivedDeviceId?: string;
}

export interface DeviceAuthCache {
  file: FileInfo;
  /**
   * Why OpenClaw's client would not load the file at all: it reads it only as {version: 1, deviceId: string,
   * tokens: object} (read in 1.30, 2.19, 4.29, 7.35) and treats any other shape as no cache.
   */
  unloadable?: 'version' | 'device-id' | 'tokens';
  deviceId?: string;
  tokens: TokenInfo[];
}

export interface GatewayConfig {
  file: FileInfo;
  mode?: string;
  port: number;
  portSource: 'default' | 'config' | 'env';
  /** The configured port is not one a socket can use (70000, -1, 3.5, 1e400): what was set, where. Nothing probes it. */
  portInvalid?: string;
  bind?: string;
  authMode?: string;
  /** A shared token exists (config or OPENCLAW_GATEWAY_TOKEN); the value itself is never kept. */
  hasSharedToken: boolean;
  hasPassword: boolean;
  /** Digest of the configured token, to compare with the service environment (L2). */
  sharedTokenDigest?: string;
  remoteUrl?: string;
  autoApproveLocal?: boolean;
  dangerouslyDisableDeviceAuth?: boolean;
  allowInsecureAuth?: boolean;
}

type VersionSource = 'flag' | 'package' | 'cli' | 'demo' | 'none';

export interface InstalledVersion {
  version: string | null;
  source: VersionSource;
  /** Where it was found (package.json path or command). */
  where?: string;
}

export type StoreKind = 'json' | 'sqlite';

export interface StoreView {
  kind: StoreKind;
  /** The file that holds paired devices (paired.json or openclaw.sqlite). */
  path: string;
  paired: FileInfo;
  pending: FileInfo;
  devices: DeviceRecord[];
  pendingRequests: PendingRequest[];
  /** Set when the SQLite store exists but could not be opened (locked, newer schema...). */
  problem?: string;
}

export interface StateLocation {
  stateDir: string;
  source: string;
  profile?: string;
  configPath: string;
  configSource: string;
  home: string;
  demo: boolean;
}

export interface Snapshot {
  location: StateLocation;
  version: InstalledVersion;
  release: ReleaseKnowledge;
  config: GatewayConfig;
  identity: HostIdentity;
  deviceAuth: DeviceAuthCache;
  store: StoreView;
  /** The legacy JSON store when the SQLite store is authoritative (migration leftovers). */
  legacyStore?: StoreView;
  /** SQLite era: identity/device.json / device-auth.json still on disk beside the database (M16). */
  legacyIdentity?: HostIdentity;
  legacyDeviceAuth?: DeviceAuthCache;
  /** SQLite era: schema_meta 'primary' schema_version of openclaw.sqlite. */
  sqliteSchemaVersion?: number;
  /** Current user, to judge file ownership. */
  uid: number;
  /** Owner of the state directory (the user the gateway runs as), when it could be read. */
  stateDirUid?: number;
  nowMs: number;
  /**
   * Something answers on 127.0.0.1:<config.port> (a short TCP connect, doctor and check only; undefined = not
   * probed, e.g. the demo state). A gateway can run and still refuse its own calls: the official
   * `openclaw doctor` then reports "Gateway not running." (2026.2.19).
   */
  gatewayRunning?: boolean;
  logEvidence?: LogEvidence;
  /**
   * Notable files beside the store, relative to the state dir (names only, never contents):
   * `*.migrated`, `*.tmp` leftovers, the SQLite database, migration claim files (M15/M16).
   */
  stateFiles?: string[];
  /** Where the gateway service takes its shared token from, as digests (L2). */
  serviceTokens?: ServiceToken[];
}

/** A shared gateway token baked into the service (unit Environment= or env file); only a digest is kept. */
export interface ServiceToken {
  /** The unit or env file it was read from. */
  source: string;
  /** First 12 hex of sha256(token), or null for an empty / placeholder value ("undefined", "null"). */
  digest: string | null;
  placeholder?: string;
}

/** Filled by the log scanner (src/logs); rules treat it as optional evidence. */
export interface LogEvidence {
  /** Every source read: file paths, `-` for stdin, `journal:<unit>`. */
  files: string[];
  /** Epoch ms of the window start when lines were filtered by time (--since). */
  sinceMs?: number;
  groups: LogGroup[];
  /** Bytes read, lines that contained a needle, lines skipped (binary or too long), events recognised. */
  stats: { bytes: number; candidates: number; skipped: number; events: number };
  /** Sources that could not be read, as plain sentences. */
  problems: string[];
}

/** One kind of event from one device and client, with how often and since when. */
export interface LogGroup {
  /** A LogEventKind from src/logs/patterns.ts. */
  kind: string;
  deviceId?: string;
  client?: string;
  reason?: string;
  /** Scopes the device held, as the gateway logged them (latest line). */
  scopesFrom?: string[];
  /** Scopes the client asked for. */
  scopesTo?: string[];
  ip?: string;
  auth?: string;
  requestId?: string;
  /** Announce key, missing scope, migration error...: the one detail that names this group. */
  detail?: string;
  count: number;
  /** ISO times; absent when no line of the group carried a time. */
  firstAt?: string;
  lastAt?: string;
  /** The latest matching message (secrets redacted on output). */
  sample: string;
  /** The source of the latest line. */
  source: string;
  /** What users lose: cron delivery, announce, sessions_spawn, CLI, health probe... */
  feature?: string;
  /** "every 15 s since 23:31", when there are two or more timed lines. */
  rate?: string;
  /** Mean seconds between lines, for machines. */
  intervalSec?: number;
}

/**
 * One finding: data only. `args` holds the facts its id declares (core/findings.ts FindingArgs); the reporters
 * turn it into sentences (src/report/render.ts). The union over ids lets TypeScript check `args` against `id`.
 */
export type Finding = { [Id in FindingId]: FindingOf<Id> }[FindingId];

interface FindingOf<Id extends FindingId> {
  /** One of the closed set in core/findings.ts. */
  id: Id;
  /** Failure-catalog mode (M01..M16, L1..L4) or null: always the one core/findings.ts gives the id (diagnose sets it). */
  mode?: ModeId | null;
  severity: Severity;
  args: FindingArgs[Id];
  deviceId?: string;
  /** The state file this finding is about (absolute), when it is about one: CI annotations point at it. */
  file?: string;
  /** The log groups that show this finding happening: from a log rule, or attached by doctor (logs/attach.ts). */
  logs?: FindingLogs;
}

export interface FindingLogs {
  groups: LogGroup[];
  /** The time the groups' ages are told from (the snapshot's). */
  nowMs: number;
  /** Further groups left out, counted. */
  more?: number;
}

/**
 * cli: a CLI command the gateway does not classify (asks the CLI's default bundle); cli-read/-write/-admin: CLI
 * commands whose method needs that scope (`cron list`, `system event`, `cron rm`), which from 2026.5.28 ask only it.
 */
export type ClientKind = 'cli' | 'internal-write' | 'internal-read' | 'cli-read' | 'cli-write' | 'cli-admin';

export interface ClientVerdict {
  client: ClientKind;
  clientId: string;
  clientMode: string;
  method: string;
  requests: string[];
  auth: string;
  verdict: 'allowed' | 'refused';
  /** The gateway's own word for it (the JSON's `reason`, docs/json-schema.md); rules branch on it. */
  reason: VerdictReason;
  /** Which case of the connect check decided, with its facts: the sentence is the reporters' (report/wording/clients.ts). */
  why: VerdictWhy;
  missing: string[];
  /**
   * Refused on this connect, let in on the client's next one with nothing changed by hand: the refusal made the
   * client drop what tripped it (1.x drops its cached device token and falls back to the shared token). Not a loop.
   */
  healsOnRetry?: true;
}

/** Why the gateway lets a client in (paired ... first-pairing) or refuses it (the rest), in the gateway's words. */
export type VerdictReason =
  | 'paired'
  | 'auto-approved'
  | 'skips-pairing'
  | 'first-pairing'
  | 'scope-upgrade'
  | 'role-upgrade'
  | 'not-paired'
  | 'device-token-mismatch'
  | 'store-unreadable';

/**
 * Every case of the connect check (core/clients.ts predictClient) that decides a verdict, with the facts its
 * explanation needs: a closed set, each case worded once in src/report/wording/clients.ts (a case without wording
 * does not compile). Several cases share a `reason`: the reason is what the gateway says, the case is why.
 */
export interface VerdictArgs {
  /** Local internal calls skip device pairing on this release. */
  'internal-skips-pairing': Record<string, never>;
  /** The local CLI authenticates with the shared token and is not paired on this release. */
  'cli-shared-token': Record<string, never>;
  /** The host is not in the store, and a local shared-token client is let in unpaired on this release. */
  'unpaired-shared-token': Record<string, never>;
  'store-unreadable': Record<string, never>;
  /** No host identity yet: a local first client creates one and is paired silently. */
  'no-identity-local': Record<string, never>;
  /** No host identity yet, and gateway.nodes.pairing.autoApproveLocal is false. */
  'no-identity-approval-off': Record<string, never>;
  /** No host identity, and the client is not on loopback. */
  'no-identity-remote': Record<string, never>;
  /** The host is not in the store (or its record holds another public key): a local first pairing is silent. */
  'unpaired-local': { keyMismatch: boolean };
  /** The same, with gateway.nodes.pairing.autoApproveLocal false. */
  'unpaired-approval-off': { keyMismatch: boolean };
  /** The same, over a non-loopback address. */
  'unpaired-remote': { keyMismatch: boolean };
  /** The device is not approved for operator; local clients get the role upgrade silently. */
  'role-upgrade-silent': Record<string, never>;
  /** The device is approved for other roles only. */
  'role-not-operator': { roles: string[] };
  /** 1.x: the cached device token is not the paired record's live operator token. */
  'cached-token-stale': Record<string, never>;
  /** 1.x: the cached device token is live but approved for fewer scopes than asked. */
  'cached-token-lacks': { tokenScopes: string[]; missing: string[] };
  /** Authenticated by the device token alone, whose scopes lack some asked (none: no operator token). */
  'device-token-lacks': { missing: string[] };
  'paired': Record<string, never>;
  /** The gateway approves the local upgrade to these scopes by itself on this release. */
  'scope-upgrade-silent': { scopes: string[] };
  /** Asks scopes the device does not hold; only a human can approve the upgrade. */
  'scope-upgrade': { missing: string[] };
}

export type VerdictWhyId = keyof VerdictArgs;

/** One case and its facts; the union over ids lets TypeScript check `args` against `id`, as for findings. */
export type VerdictWhy = { [Id in VerdictWhyId]: { id: Id; args: VerdictArgs[Id] } }[VerdictWhyId];
