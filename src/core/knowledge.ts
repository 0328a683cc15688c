/**
 * What each OpenClaw release asks for and how it judges a paired device: one table, read from the
 * published releases and measured on real gateways (docs/openclaw.md, docs/oracle.md). Rules consult
 * this table; nothing else in the code branches on version numbers.
 */
import { compareVersions, inRange, parseVersion, type CalVer } from './version.js';

export const SCOPE = {
  admin: 'operator.admin',
  read: 'operator.read',
  write: 'operator.write',
  approvals: 'operator.approvals',
  pairing: 'operator.pairing',
  talkSecrets: 'operator.talk.secrets',
  questions: 'operator.questions',
  talk: 'operator.talk',
  sessionsRead: 'operator.sessions.read',
  sessionsWrite: 'operator.sessions.write',
} as const;

const BASE_SCOPES = [SCOPE.admin, SCOPE.read, SCOPE.write, SCOPE.approvals, SCOPE.pairing];
const SEED_CLI_BUNDLE = [SCOPE.admin, SCOPE.approvals, SCOPE.pairing];
const FULL_CLI_BUNDLE = [SCOPE.admin, SCOPE.read, SCOPE.write, SCOPE.approvals, SCOPE.pairing];

/**
 * How a paired scope set satisfies a requested scope.
 * exact: every requested scope must be listed (2.19).
 * read-compat: read is satisfied by read, write or admin; the rest exact (2.21).
 * admin-superset: admin satisfies any operator.*, write satisfies read (2.22+).
 * admin-superset-9.6: as above, and write also covers talk and sessions.*, read covers sessions.read.
 */
export type ScopeRule = 'exact' | 'read-compat' | 'admin-superset' | 'admin-superset-9.6';

/** Whether the gateway approves a LOCAL scope upgrade by itself. */
type SilentScopeUpgrade = 'never' | 'local' | 'shared-auth-local';

export interface ReleaseKnowledge {
  id: string;
  from: string;
  /** Inclusive upper bound; absent = open-ended. */
  to?: string;
  summary: string;
  store: 'json' | 'sqlite';
  operatorScopes: readonly string[];
  /** CLI_DEFAULT_OPERATOR_SCOPES: what `openclaw <command>` asks for at connect. */
  cliDefaultScopes: readonly string[];
  /** Internal gateway-client calls ask the least-privilege scope of their method (2.19+). */
  internalCallsLeastPrivilege: boolean;
  scopeRule: ScopeRule;
  /**
   * Which paired field the connect check reads: `scopes` only (2.19/2.21), `scopes ?? approvedScopes`, or
   * (measured from 2026.4.15) `approvedScopes ?? scopes`: the approved list wins when both are present.
   */
  baseline: 'scopes' | 'scopes-then-approved' | 'approved-then-scopes';
  /** CLI commands ask the least-privilege scope of their gateway method, not the default bundle (measured from 2026.5.28). */
  cliPerCommandScopes: boolean;
  hasApprovedScopes: boolean;
  silentLocalScopeUpgrade: SilentScopeUpgrade;
  /** Whether a LOCAL role upgrade (e.g. node -> operator) is approved silently. */
  silentLocalRoleUpgrade: boolean;
  /** Local gateway-client/backend self-calls skip pairing altogether. */
  backendSkipsPairing: boolean;
  /** A local CLI that authenticates with the shared token still pairs the host device. */
  localCliSharedTokenPairs: boolean;
  /**
   * A local client that authenticates with the shared token/password and whose device is NOT in the store
   * is let in without being paired (nothing written, no approval logged). Measured on 2.22 (docs/e2e-notes.md §9).
   * 'internal': only the gateway's own calls are (measured on 4.15: the CLI is paired silently instead).
   */
  unpairedLocalSharedAuthSkipsPairing: boolean | 'internal';
  /** `openclaw devices list/approve` fall back to the local store when the gateway refuses them. */
  localFallback: boolean;
  /** `openclaw devices rotate --scope` also rewrites the connect baseline `scopes`. */
  rotateWidensScopes: boolean;
  /** A store that does not parse is read as empty and overwritten on the next write. */
  corruptStoreReadsEmpty: boolean;
  /** `openclaw devices approve` with no id approves the newest request (later: preview only). */
  approveWithoutIdApprovesLatest: boolean;
  /**
   * The gateway pins platform/deviceFamily and asks for re-approval when they change (M06; ~2.26 onward,
   * seen in the 3.13 tarball). True for a row when any release in it pins.
   */
  metadataPinning: boolean;
  /** `device.pair.approve` needs operator.admin (4.29+), not just operator.pairing (M13). */
  approveNeedsAdmin: boolean;
  /**
   * Shared-token connects without a device identity get their scopes cleared (GHSA-rqpp-rjj8-7wv8,
   * 3.12 - ~4.21): status/probe clients report "missing scope: operator.read" with a healthy store (L1).
   */
  sharedTokenScopesCleared: boolean;
  /** The 3 s pre-auth handshake timeout (3.13 - 3.21) closes slow connects with 1000/1006 (L3). */
  shortHandshakeTimeout: boolean;
  /** First-party Control UI / webchat bundles ask for less than read+write (2.14 - 2.21, 3.13 regression) (M02). */
  controlUiAsksNarrow: boolean;
  /** A re-request supersedes the pending one with a new requestId (4.x - 6.x), so copied ids go stale (M12). */
  requestIdChurn: boolean;
  /**
   * Device token scope lists are written normalized (`normalizeDeviceAuthScopes`): operator.admin brings
   * operator.read and operator.write, operator.write brings operator.read, sorted. So after `devices approve`
   * the gateway itself leaves `scopes` [pairing, read, admin] beside a token [admin, pairing, read, write].
   * Read in the 7.35, 8.2 and 9.6 dist (2.22 does not expand); seen on a real 8.2 approve (e2e-notes §7).
   * True for a row when its releases expand; 6.11 - 7.x is set from 7.35.
   */
  tokenScopesImplied: boolean;
  /**
   * `gateway.nodes.pairing.autoApproveLocal` exists (8.1+), and `false` turns off every silent local approval:
   * scope upgrades loop, and a FIRST local pairing waits too (`device pairing required (requestId: ...)`,
   * measured on 8.2 and 9.6 with the shared token, docs/e2e-notes.md §7).
   */
  autoApproveLocalSetting: boolean;
  /**
   * The gateway imports the JSON store (devices/*.json, identity/device.json) into SQLite by itself at start, so a
   * JSON-only state needs nothing but a (re)start. Measured on 8.1 (from a 2.19 and a 7.35 state) and 8.2; 9.6 on
   * the measured filesystem refused to start instead (docs/e2e-notes.md §7), so its row keeps the doctor --fix advice.
   */
  importsJsonAtStart: boolean;
  /**
   * The client presents the device token it cached (identity/device-auth.json) ahead of the shared token, so the
   * gateway checks that token first: one that does not cover the request (or is not the paired record's) is refused
   * as `unauthorized: gateway token mismatch` (reason=token_mismatch) before pairing is looked at. Measured on
   * 2026.1.30 (test/oracle/2026.1.30.json); 2.1-2.12 ship the same client order, 2.17 leads with the shared token.
   * With a shared token configured the client then drops its cached token and the next connect pairs as usual.
   */
  cachedDeviceTokenFirst: boolean;
  /** Bounds or behaviours read from source but not pinned to a shipped release. */
  uncertain?: string;
}

const JSON_ERA_DEFAULTS = {
  store: 'json',
  operatorScopes: BASE_SCOPES,
  internalCallsLeastPrivilege: true,
  hasApprovedScopes: true,
  baseline: 'scopes-then-approved',
  cliPerCommandScopes: false,
  localCliSharedTokenPairs: false,
  unpairedLocalSharedAuthSkipsPairing: false,
  localFallback: true,
  rotateWidensScopes: false,
  approveWithoutIdApprovesLatest: true,
  silentLocalRoleUpgrade: false,
  tokenScopesImplied: false,
  autoApproveLocalSetting: false,
  importsJsonAtStart: false,
  cachedDeviceTokenFirst: false,
} as const;

/** 2.22 as measured; the 2.26 row below is this one but for the unpaired host. */
const ROW_2_22: ReleaseKnowledge = {
  ...JSON_ERA_DEFAULTS,
  id: '2.22',
  // Metadata pinning starts around 2.26 (nerve#42); judged strictly from 2.22 on.
  metadataPinning: true,
  approveNeedsAdmin: false,
  sharedTokenScopesCleared: false,
  shortHandshakeTimeout: false,
  controlUiAsksNarrow: false,
  requestIdChurn: false,
  from: '2026.2.22',
  // 2.26 pairs an unpaired host silently instead (measured); nothing between 2.22 and 2.26 was measured.
  to: '2026.2.25',
  summary: 'admin covers every operator scope, the CLI asks read+write, local scope upgrades are approved silently',
  cliDefaultScopes: FULL_CLI_BUNDLE,
  scopeRule: 'admin-superset',
  silentLocalScopeUpgrade: 'local',
  backendSkipsPairing: false,
  // Measured on the real 2.22 gateway (e2e differential, docs/e2e-notes.md §9): the shared-token CLI presents
  // the host identity like the internal calls do (a paired host's token is re-issued for the CLI bundle), and a
  // host that is not in the store is let in unpaired by both (no record written, no approval logged).
  localCliSharedTokenPairs: true,
  unpairedLocalSharedAuthSkipsPairing: true,
  corruptStoreReadsEmpty: true,
};

export const RELEASES: readonly ReleaseKnowledge[] = [
  {
    ...JSON_ERA_DEFAULTS,
    id: '1.30',
    metadataPinning: false,
    approveNeedsAdmin: false,
    sharedTokenScopesCleared: false,
    shortHandshakeTimeout: false,
    controlUiAsksNarrow: true,
    requestIdChurn: false,
    from: '2026.1.0',
    to: '2026.2.16',
    summary: 'every client asks the CLI bundle and leads with its cached device token; a local scope upgrade is approved silently',
    cliDefaultScopes: SEED_CLI_BUNDLE,
    // Measured on 1.30: the internal calls' callGateway asks the same fixed bundle as the CLI (no least privilege).
    internalCallsLeastPrivilege: false,
    scopeRule: 'exact',
    baseline: 'scopes',
    hasApprovedScopes: false,
    // Measured (test/oracle/2026.1.30.json): a local first pairing and a local upgrade are approved silently.
    silentLocalScopeUpgrade: 'local',
    backendSkipsPairing: false,
    localCliSharedTokenPairs: true,
    localFallback: false,
    rotateWidensScopes: true,
    corruptStoreReadsEmpty: true,
    cachedDeviceTokenFirst: true,
    uncertain: 'measured on 2026.1.30 only; 2026.2.1-2.12 were read from the published code (same client token order), not run; 2.13-2.16 neither read nor run',
  },
  {
    ...JSON_ERA_DEFAULTS,
    id: '2.17',
    metadataPinning: false,
    approveNeedsAdmin: false,
    sharedTokenScopesCleared: false,
    shortHandshakeTimeout: false,
    controlUiAsksNarrow: true,
    requestIdChurn: false,
    from: '2026.2.17',
    to: '2026.2.18',
    summary: 'every client asks the CLI bundle; the gateway approves a local scope upgrade by itself (logs device pairing auto-approved, widens scopes)',
    cliDefaultScopes: SEED_CLI_BUNDLE,
    internalCallsLeastPrivilege: false,
    scopeRule: 'exact',
    baseline: 'scopes',
    hasApprovedScopes: false,
    // Measured (test/oracle/2026.2.17.json): every local upgrade is approved silently and merged into `scopes`.
    silentLocalScopeUpgrade: 'local',
    backendSkipsPairing: false,
    localCliSharedTokenPairs: true,
    localFallback: false,
    rotateWidensScopes: true,
    corruptStoreReadsEmpty: true,
  },
  {
    ...JSON_ERA_DEFAULTS,
    id: '2.19',
    metadataPinning: false,
    approveNeedsAdmin: false,
    sharedTokenScopesCleared: false,
    shortHandshakeTimeout: false,
    controlUiAsksNarrow: true,
    requestIdChurn: false,
    from: '2026.2.19',
    to: '2026.2.20',
    summary: 'internal calls ask operator.read/write, the CLI bundle lacks both, exact match, no silent upgrade (the seed loop)',
    cliDefaultScopes: SEED_CLI_BUNDLE,
    scopeRule: 'exact',
    baseline: 'scopes',
    hasApprovedScopes: false,
    silentLocalScopeUpgrade: 'never',
    backendSkipsPairing: false,
    localCliSharedTokenPairs: true,
    localFallback: false,
    rotateWidensScopes: true,
    corruptStoreReadsEmpty: true,
  },
  {
    ...JSON_ERA_DEFAULTS,
    id: '2.21',
    metadataPinning: false,
    approveNeedsAdmin: false,
    sharedTokenScopesCleared: false,
    shortHandshakeTimeout: false,
    controlUiAsksNarrow: true,
    requestIdChurn: false,
    from: '2026.2.21',
    to: '2026.2.21',
    summary: 'read is covered by write or admin, write still needs an exact match; approvedScopes bounds rotate',
    cliDefaultScopes: SEED_CLI_BUNDLE,
    scopeRule: 'read-compat',
    baseline: 'scopes',
    silentLocalScopeUpgrade: 'never',
    backendSkipsPairing: false,
    localCliSharedTokenPairs: true,
    corruptStoreReadsEmpty: true,
  },
  ROW_2_22,
  {
    ...ROW_2_22,
    id: '2.26',
    from: '2026.2.26',
    to: '2026.3.1',
    // Measured on 2026.2.26 (test/oracle/2026.2.26.json): as 2.22, except that a host not in the store is paired
    // silently by its first client, internal or CLI (`device pairing auto-approved`), instead of let in unpaired.
    unpairedLocalSharedAuthSkipsPairing: false,
  },
  {
    ...JSON_ERA_DEFAULTS,
    id: '3.2',
    metadataPinning: true,
    approveNeedsAdmin: false,
    sharedTokenScopesCleared: true,
    shortHandshakeTimeout: true,
    controlUiAsksNarrow: true,
    requestIdChurn: false,
    from: '2026.3.2',
    to: '2026.3.27',
    summary: 'local backend self-calls skip pairing; the shared-token CLI signs with the host device; local scope upgrades silent (logged)',
    // Measured on 2026.3.13 (test/oracle/2026.3.13.json): the CLI presents the host identity even with the shared
    // token, and any upgrade it asks is approved at once (audit line, then `device pairing auto-approved`).
    localCliSharedTokenPairs: true,
    cliDefaultScopes: FULL_CLI_BUNDLE,
    scopeRule: 'admin-superset',
    silentLocalScopeUpgrade: 'local',
    backendSkipsPairing: true,
    corruptStoreReadsEmpty: true,
    uncertain: 'the end of this range (PR #54694/#55286, merged 2026-03-25/26) is a merge date, not a verified release',
  },
  {
    ...JSON_ERA_DEFAULTS,
    id: '3.28',
    metadataPinning: true,
    approveNeedsAdmin: false,
    sharedTokenScopesCleared: true,
    shortHandshakeTimeout: false,
    controlUiAsksNarrow: false,
    requestIdChurn: true,
    // M03 reports from this era (#95399, #97859) show the local CLI presenting its device and looping even with the shared token.
    localCliSharedTokenPairs: true,
    silentLocalRoleUpgrade: true,
    from: '2026.3.28',
    to: '2026.4.14',
    summary: 'scope upgrades are never approved silently again, backend self-calls pair again',
    cliDefaultScopes: FULL_CLI_BUNDLE,
    scopeRule: 'admin-superset',
    silentLocalScopeUpgrade: 'never',
    backendSkipsPairing: false,
    corruptStoreReadsEmpty: true,
  },
  {
    ...JSON_ERA_DEFAULTS,
    id: '4.15',
    metadataPinning: true,
    approveNeedsAdmin: true,
    sharedTokenScopesCleared: true,
    shortHandshakeTimeout: false,
    controlUiAsksNarrow: false,
    requestIdChurn: true,
    // M03 reports from this era (#95399, #97859) show the local CLI presenting its device and looping even with the shared token.
    localCliSharedTokenPairs: true,
    silentLocalRoleUpgrade: true,
    from: '2026.4.15',
    // 4.29 was measured with the 5.28 behaviour; nothing between 4.15 and 4.29 was measured, so the boundary is 4.29.
    to: '2026.4.28',
    summary: 'the CLI also asks operator.talk.secrets; the connect check reads approvedScopes before scopes; scope upgrades never silent',
    operatorScopes: [...BASE_SCOPES, SCOPE.talkSecrets],
    cliDefaultScopes: [...FULL_CLI_BUNDLE, SCOPE.talkSecrets],
    scopeRule: 'admin-superset',
    baseline: 'approved-then-scopes',
    silentLocalScopeUpgrade: 'never',
    backendSkipsPairing: false,
    // Measured (test/oracle/2026.4.15.json): an unpaired host's internal calls are let in unpaired; its CLI is paired silently.
    unpairedLocalSharedAuthSkipsPairing: 'internal',
    corruptStoreReadsEmpty: true,
    approveWithoutIdApprovesLatest: false,
  },
  {
    ...JSON_ERA_DEFAULTS,
    id: '4.29',
    metadataPinning: true,
    approveNeedsAdmin: true,
    sharedTokenScopesCleared: true,
    shortHandshakeTimeout: false,
    controlUiAsksNarrow: false,
    requestIdChurn: true,
    // Measured (test/oracle/2026.4.29.json, 2026.5.28.json, identical verdicts): the shared-token CLI presents the host
    // identity; each command asks only its method's scope (`cron list` read, `system event` write, `cron rm` admin);
    // internal calls skip pairing.
    localCliSharedTokenPairs: true,
    cliPerCommandScopes: true,
    silentLocalRoleUpgrade: true,
    from: '2026.4.29',
    to: '2026.6.10',
    summary: 'internal calls skip pairing; each CLI command asks only its scope, signed with the host device; approvedScopes before scopes; upgrades never silent',
    operatorScopes: [...BASE_SCOPES, SCOPE.talkSecrets],
    cliDefaultScopes: [...FULL_CLI_BUNDLE, SCOPE.talkSecrets],
    scopeRule: 'admin-superset',
    baseline: 'approved-then-scopes',
    silentLocalScopeUpgrade: 'never',
    backendSkipsPairing: true,
    corruptStoreReadsEmpty: true,
    approveWithoutIdApprovesLatest: false,
  },
  {
    ...JSON_ERA_DEFAULTS,
    id: '6.11',
    tokenScopesImplied: true,
    metadataPinning: true,
    approveNeedsAdmin: true,
    sharedTokenScopesCleared: false,
    shortHandshakeTimeout: false,
    controlUiAsksNarrow: false,
    requestIdChurn: false,
    silentLocalRoleUpgrade: true,
    // Measured on 2026.6.33 and 6.35 (test/oracle/): the shared-token CLI still signs with the host device and a
    // narrow host is refused ("scope upgrade pending approval"); upgrades are not silent; each command asks its scope.
    localCliSharedTokenPairs: true,
    cliPerCommandScopes: true,
    from: '2026.6.11',
    to: '2026.6.35',
    summary: 'internal calls skip pairing; the shared-token CLI signs with the host device, one scope per command; approvedScopes before scopes; upgrades never silent',
    operatorScopes: [...BASE_SCOPES, SCOPE.talkSecrets],
    cliDefaultScopes: [...FULL_CLI_BUNDLE, SCOPE.talkSecrets],
    scopeRule: 'admin-superset',
    baseline: 'approved-then-scopes',
    silentLocalScopeUpgrade: 'never',
    backendSkipsPairing: true,
    corruptStoreReadsEmpty: false,
    approveWithoutIdApprovesLatest: false,
  },
  {
    ...JSON_ERA_DEFAULTS,
    id: '6.36',
    tokenScopesImplied: true,
    metadataPinning: true,
    approveNeedsAdmin: true,
    sharedTokenScopesCleared: false,
    shortHandshakeTimeout: false,
    controlUiAsksNarrow: false,
    requestIdChurn: false,
    silentLocalRoleUpgrade: true,
    cliPerCommandScopes: true,
    // 6.35 still signs the CLI with the host (measured); 7.35 does not (measured): nothing between was measured.
    from: '2026.6.36',
    to: '2026.7.999',
    summary: 'last JSON-store line: backend self-calls and the shared-token CLI skip pairing, scope upgrades never silent',
    operatorScopes: [...BASE_SCOPES, SCOPE.talkSecrets],
    cliDefaultScopes: [...FULL_CLI_BUNDLE, SCOPE.talkSecrets],
    scopeRule: 'admin-superset',
    baseline: 'approved-then-scopes',
    silentLocalScopeUpgrade: 'never',
    backendSkipsPairing: true,
    corruptStoreReadsEmpty: false,
    approveWithoutIdApprovesLatest: false,
  },
  {
    ...JSON_ERA_DEFAULTS,
    id: '8.1',
    tokenScopesImplied: true,
    autoApproveLocalSetting: true,
    importsJsonAtStart: true,
    metadataPinning: true,
    approveNeedsAdmin: true,
    sharedTokenScopesCleared: false,
    shortHandshakeTimeout: false,
    controlUiAsksNarrow: false,
    requestIdChurn: false,
    silentLocalRoleUpgrade: true,
    // Measured on 8.2 with auth none and autoApproveLocal false (test/oracle/2026.8.2.auth-none.no-autoapprove.json):
    // the CLI, which presents the host identity only without a shared secret, asks each command's own scope, and the
    // connect check reads approvedScopes before scopes. With the shared token neither is visible (the CLI skips pairing).
    cliPerCommandScopes: true,
    baseline: 'approved-then-scopes',
    from: '2026.8.0',
    to: '2026.9.5',
    summary: 'SQLite store; local scope upgrades silent for shared-token/password/none auth unless autoApproveLocal is false',
    store: 'sqlite',
    operatorScopes: [...BASE_SCOPES, SCOPE.talkSecrets, SCOPE.questions],
    cliDefaultScopes: [...FULL_CLI_BUNDLE, SCOPE.questions, SCOPE.talkSecrets],
    scopeRule: 'admin-superset',
    silentLocalScopeUpgrade: 'shared-auth-local',
    backendSkipsPairing: true,
    corruptStoreReadsEmpty: false,
    approveWithoutIdApprovesLatest: false,
  },
  {
    ...JSON_ERA_DEFAULTS,
    id: '9.6',
    tokenScopesImplied: true,
    autoApproveLocalSetting: true,
    metadataPinning: true,
    approveNeedsAdmin: true,
    sharedTokenScopesCleared: false,
    shortHandshakeTimeout: false,
    controlUiAsksNarrow: false,
    requestIdChurn: false,
    silentLocalRoleUpgrade: true,
    // Measured with auth none and autoApproveLocal false (test/oracle/2026.9.6.auth-none.no-autoapprove.json), as on 8.2.
    cliPerCommandScopes: true,
    baseline: 'approved-then-scopes',
    from: '2026.9.6',
    summary: 'as 8.1; write also covers operator.talk and operator.sessions.*',
    store: 'sqlite',
    operatorScopes: [
      ...BASE_SCOPES,
      SCOPE.talkSecrets,
      SCOPE.questions,
      SCOPE.talk,
      SCOPE.sessionsRead,
      SCOPE.sessionsWrite,
    ],
    cliDefaultScopes: [...FULL_CLI_BUNDLE, SCOPE.questions, SCOPE.talkSecrets],
    scopeRule: 'admin-superset-9.6',
    silentLocalScopeUpgrade: 'shared-auth-local',
    backendSkipsPairing: true,
    corruptStoreReadsEmpty: false,
    approveWithoutIdApprovesLatest: false,
  },
];

/**
 * Used when the installed version is unknown: the strictest behaviour seen in any release, so a real
 * problem is never called healthy. Store kind comes from the files present instead.
 */
const STRICTEST: ReleaseKnowledge = {
  ...JSON_ERA_DEFAULTS,
  id: 'unknown',
  metadataPinning: true,
  approveNeedsAdmin: true,
  sharedTokenScopesCleared: true,
  shortHandshakeTimeout: true,
  controlUiAsksNarrow: true,
  requestIdChurn: true,
  from: '2026.1.0',
  summary: 'version unknown: judged by the strictest rules of any release',
  operatorScopes: RELEASES[RELEASES.length - 1]!.operatorScopes,
  cliDefaultScopes: [...FULL_CLI_BUNDLE, SCOPE.talkSecrets],
  scopeRule: 'exact',
  baseline: 'scopes',
  silentLocalScopeUpgrade: 'never',
  backendSkipsPairing: false,
  localCliSharedTokenPairs: true,
  localFallback: false,
  corruptStoreReadsEmpty: true,
  // The 1.x token check is measured only on 1.x; the other rows' rules judge an unknown version.
  cachedDeviceTokenFirst: false,
};

function knowledgeFor(version: CalVer | null): ReleaseKnowledge {
  if (!version) return STRICTEST;
  return RELEASES.find((r) => inRange(version, r.from, r.to)) ?? STRICTEST;
}

export function knowledgeForString(version: string | undefined): ReleaseKnowledge {
  return knowledgeFor(version ? parseVersion(version) : null);
}

export function isKnownScope(release: ReleaseKnowledge, scope: string): boolean {
  return release.operatorScopes.includes(scope);
}

/** Every scope any release knows: for validating `--scope` when the version is unknown. */
/** Does a device holding `held` satisfy one requested scope on this release? */
export function scopeSatisfied(rule: ScopeRule, held: readonly string[], requested: string): boolean {
  if (held.includes(requested)) return true;
  if (rule === 'exact') return false;
  if (requested === SCOPE.read && (held.includes(SCOPE.write) || held.includes(SCOPE.admin))) return true;
  if (rule === 'read-compat') return false;
  if (requested.startsWith('operator.') && held.includes(SCOPE.admin)) return true;
  if (rule === 'admin-superset-9.6') {
    if ([SCOPE.talk, SCOPE.sessionsRead, SCOPE.sessionsWrite].includes(requested as never) && held.includes(SCOPE.write)) return true;
    if (requested === SCOPE.sessionsRead && held.includes(SCOPE.read)) return true;
  }
  return false;
}

/** The requested scopes a held set does not satisfy (empty = allowed). */
export function unsatisfiedScopes(rule: ScopeRule, held: readonly string[], requested: readonly string[]): string[] {
  return requested.filter((scope) => !scopeSatisfied(rule, held, scope));
}

/** Least-privilege scope of each gateway RPC method (internals §4, METHOD_SCOPE_GROUPS). */
const METHOD_SCOPES: Record<string, readonly string[]> = {
  [SCOPE.write]: [
    'send', 'poll', 'agent', 'agent.wait', 'wake', 'chat.send', 'chat.abort', 'node.invoke', 'talk.mode',
    'voicewake.set', 'browser.request', 'push.test', 'tts.speak',
  ],
  [SCOPE.read]: [
    'health', 'status', 'logs.tail', 'channels.status', 'models.list', 'agents.list', 'sessions.list',
    'sessions.preview', 'sessions.resolve', 'cron.list', 'cron.status', 'cron.runs', 'chat.history', 'config.get',
    'node.list', 'node.describe', 'system-presence', 'last-heartbeat', 'talk.config',
  ],
  [SCOPE.admin]: [
    'cron.add', 'cron.update', 'cron.remove', 'cron.run', 'sessions.patch', 'sessions.reset', 'sessions.delete',
    'sessions.compact', 'agents.create', 'agents.update', 'agents.delete', 'skills.install', 'skills.update',
    'chat.inject', 'channels.logout', 'system-event', 'set-heartbeats', 'agents.files.set',
  ],
  [SCOPE.pairing]: [
    'device.pair.list', 'device.pair.approve', 'device.pair.reject', 'device.pair.remove', 'device.token.rotate',
    'device.token.revoke', 'node.rename',
  ],
  [SCOPE.approvals]: ['exec.approval.request', 'exec.approval.waitDecision', 'exec.approval.resolve'],
};
const ADMIN_PREFIXES = ['config.', 'update.', 'wizard.', 'exec.approvals.', 'web.login.'];

/** The scope a method needs; unclassified methods default to admin, as the gateway does. */
export function scopeForMethod(method: string): string {
  for (const [scope, methods] of Object.entries(METHOD_SCOPES)) {
    if (methods.includes(method)) return scope;
  }
  if (method.startsWith('usage.') || method.startsWith('sessions.usage')) return SCOPE.read;
  if (method.startsWith('tts.')) return SCOPE.write;
  if (method.startsWith('node.pair.')) return SCOPE.pairing;
  if (ADMIN_PREFIXES.some((p) => method.startsWith(p))) return SCOPE.admin;
  return SCOPE.admin;
}

/** What users notice when a scope is refused to the gateway's own internal calls. */
export const FEATURES_BY_SCOPE: Record<string, readonly string[]> = {
  [SCOPE.write]: [
    'cron delivery (announce to Discord/Telegram/...)',
    'the announce queue (sub-agent results)',
    'sessions_spawn and sessions_send',
    'the browser tool',
    'agent runs started through the gateway',
  ],
  [SCOPE.read]: ["health probes (`openclaw doctor` says \"Gateway not running.\")", 'status and cron listing through the gateway'],
};

/** The internal calls openclaw-fix predicts: the gateway's own cron delivery/announce (write) and health probe (read). */
export const INTERNAL_CALLS = [
  { client: 'internal-write', method: 'send', feature: 'cron delivery, announce queue, sessions_spawn' },
  { client: 'internal-read', method: 'health', feature: 'health probe, status' },
] as const;

/**
 * CLI commands by the scope class of their gateway method, as the sweep runs them (scripts/sweep.mjs). On 4.15
 * every CLI command asks the CLI's default bundle; from 4.29 (measured; 5.28 too) it asks what its method needs.
 */
export const CLI_COMMANDS = [
  { client: 'cli-read', method: 'cron.list', command: 'openclaw cron list' },
  { client: 'cli-write', method: 'wake', command: 'openclaw system event' },
  { client: 'cli-admin', method: 'cron.remove', command: 'openclaw cron rm' },
] as const;

/** The rows before `release` (older releases), newest first: what devices approved earlier were asked for (M04). */
export function earlierReleases(release: ReleaseKnowledge): ReleaseKnowledge[] {
  const from = parseVersion(release.from);
  if (!from || release.id === 'unknown') return [];
  return RELEASES.filter((r) => {
    const f = parseVersion(r.from);
    return f !== null && compareVersions(f, from) < 0;
  }).reverse();
}

/** Scopes that some release added to what its own clients ask for (read/write 2.22, talk.secrets 4.15, questions 8.1): the M04 deltas. */
export const SCOPES_ADDED_BY_RELEASES: readonly string[] = [
  ...new Set(RELEASES.flatMap((r) => r.cliDefaultScopes).filter((s) => !RELEASES[0]!.cliDefaultScopes.includes(s))),
];

/**
 * Releases whose verdicts were MEASURED on the real gateway (`npm run sweep`, data in test/oracle/<release>.json,
 * which test/unit/oracle.test.ts predicts cell by cell from this table): release -> date of the run. For any other
 * release the table's row is an inference from the measured neighbours.
 */
export const MEASURED_RELEASES: Readonly<Record<string, string>> = {
  '2026.1.30': '2026-12-04',
  '2026.5.28': '2026-12-04',
  '2026.2.17': '2026-12-04',
  '2026.2.19': '2026-12-04',
  '2026.2.21': '2026-12-04',
  '2026.2.22': '2026-12-04',
  '2026.2.26': '2026-12-04',
  '2026.3.13': '2026-12-04',
  '2026.3.31': '2026-12-04',
  '2026.4.15': '2026-12-04',
  '2026.4.29': '2026-12-04',
  '2026.6.33': '2026-12-04',
  '2026.6.35': '2026-12-04',
  '2026.7.35': '2026-12-04',
  '2026.8.1': '2026-12-04',
  '2026.8.2': '2026-12-04',
  '2026.9.6': '2026-12-04',
};

export function isMeasuredRelease(version: string | null | undefined): boolean {
  return !!version && Object.hasOwn(MEASURED_RELEASES, version);
}
