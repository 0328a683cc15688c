import type { ClientVerdict, DeviceRecord, FileInfo, LogGroup, PendingRequest, VerdictReason } from './model.js';
import type { ReleaseKnowledge } from './knowledge.js';

/**
 * Every finding openclaw-fix can report, in one closed table. A finding id is part of the versioned JSON
 * schema (docs/json-schema.md): users script against it, `--ignore` takes it, the JUnit test case and the
 * Prometheus `rule` label carry it. A rule can only report an id listed here (the type says so), and the
 * reporters read a finding's mode and behaviour from here, never from its wording.
 *
 * One name per failure mode: a mode's name is its first finding id below. The rule that detects it has that
 * id, lives in `src/rules/<mode>-<name>.ts`, and `explain` names the mode by it (test/unit/finding-names.test.ts).
 *
 * A finding is data: `{id, severity, args}`, where `args` is the record of facts `FindingArgs` below declares for
 * that id. The sentences are the reporters' (src/report/wording/, one module per rule file).
 */

/** The failure catalog (README "Failure modes", explain/modes.ts): M01-M16 end in "pairing required", L1-L4 only look like it. */
export type ModeId =
  | 'M01' | 'M02' | 'M03' | 'M04' | 'M05' | 'M06' | 'M07' | 'M08' | 'M09' | 'M10' | 'M11' | 'M12' | 'M13' | 'M14' | 'M15' | 'M16'
  | 'L1' | 'L2' | 'L3' | 'L4';

export interface FindingKind {
  /** The failure-catalog mode this finding is, or null for checks outside the catalog. */
  mode: ModeId | null;
  /** Shown as an error, it means this host's own clients loop on "pairing required" (the text verdict says so). */
  loop?: true;
  /** Reported by --probe from the gateway's answer, after the rules ran: `--ignore` cannot leave it out. */
  probe?: true;
}

export const FINDINGS = {
  // The catalog, in mode order; the first id of each mode is the mode's name.
  'service-device-missing-write': { mode: 'M01', loop: true },
  'device-lacks-read-write': { mode: 'M02' },
  'service-device-missing-read': { mode: 'M03', loop: true },
  'cli-admin-refused': { mode: 'M03' },
  'scope-added-by-update': { mode: 'M04' },
  'internal-call-not-loopback': { mode: 'M05' },
  'metadata-pin-mismatch': { mode: 'M06' },
  'role-upgrade-pending': { mode: 'M07' },
  'device-token-mismatch': { mode: 'M08' },
  'identity-not-paired': { mode: 'M09' },
  'identity-missing': { mode: 'M09' },
  'identity-unreadable': { mode: 'M09' },
  'identity-key-mismatch': { mode: 'M09' },
  'token-scopes-diverge': { mode: 'M10' },
  'rotate-cannot-widen': { mode: 'M11' },
  'pending-request-churn': { mode: 'M12' },
  'approver-lacks-authority': { mode: 'M13' },
  'approve-latest-preview-only': { mode: 'M14' },
  'store-unreadable': { mode: 'M15' },
  'store-record-malformed': { mode: 'M15' },
  'store-tmp-leftover': { mode: 'M15' },
  'sqlite-migration': { mode: 'M16' },
  'legacy-store-ignored': { mode: 'M16' },
  'legacy-identity-file': { mode: 'M16' },
  'shared-token-scopes-cleared': { mode: 'L1' },
  'gateway-token-drift': { mode: 'L2' },
  'handshake-timeout': { mode: 'L3' },
  'control-ui-insecure': { mode: 'L4' },
  // Outside the catalog: the state's other files, the logs, the knowledge table, the probe, and ourselves.
  'store-line-endings': { mode: null },
  'store-permissions': { mode: null },
  'config-unreadable': { mode: null },
  'config-port-invalid': { mode: null },
  'device-auth-unreadable': { mode: null },
  'pending-repair-request': { mode: null },
  'log-loop-after-fix': { mode: null },
  'log-contradicts-prediction': { mode: null },
  'log-remote-device-looping': { mode: null },
  'openclaw-version-unknown': { mode: null },
  'release-unverified': { mode: null },
  'probe-could-not-run': { mode: null, probe: true },
  'probe-disagrees': { mode: null, probe: true },
  'probe-requests-left': { mode: null, probe: true },
  'internal-rule-error': { mode: null },
} as const satisfies Record<string, FindingKind>;

export type FindingId = keyof typeof FINDINGS;

export const FINDING_IDS = Object.keys(FINDINGS) as FindingId[];

export function isFindingId(id: string): id is FindingId {
  return Object.hasOwn(FINDINGS, id);
}

/** What `--ignore` takes: every finding the rules report (the probe's come from the gateway's answer). */
export function isIgnorable(id: string): id is FindingId {
  return isFindingId(id) && !('probe' in FINDINGS[id]);
}

export function modeOf(id: FindingId): ModeId | null {
  return FINDINGS[id].mode;
}

/** True for the findings that mean this host's own clients loop on "pairing required". */
export function isLoop(id: FindingId): boolean {
  return 'loop' in FINDINGS[id];
}

/** A mode's one name: its first finding id (also its rule id, its rule's file name and its `explain` slug). */
export function modeName(mode: ModeId): FindingId {
  const id = FINDING_IDS.find((f) => FINDINGS[f].mode === mode);
  if (!id) throw new Error(`no finding for mode ${mode}`);
  return id;
}

// ---------------------------------------------------------------------------------------------------------------
// What each finding carries: the facts a rule decided on, no sentence. The wording of finding X is in
// src/report/wording/<the rule file of X>.ts and reads only these.

/** A word of a command the user fills in (a request id, a device id), shown as `<name>` and never quoted. */
export interface Placeholder {
  placeholder: string;
}

export function placeholder(name: string): Placeholder {
  return { placeholder: name };
}

/**
 * An openclaw-fix command a fix names: the subcommand and its arguments. The reporter prefixes `openclaw-fix`,
 * appends the location flags of the run (--state-dir...), and shell-quotes every word but the placeholders.
 */
export type FixCommand = readonly ['rotate' | 'restore' | 'doctor', ...(string | Placeholder)[]];

/** The official OpenClaw way to the same scopes on this release, when a user would rather not use openclaw-fix. */
export type OfficialFix =
  /** `openclaw devices rotate` still widens a device on this release: every scope it should hold. */
  | { kind: 'devices-rotate'; deviceId: string | undefined; scopes: string[] }
  /** The CLI falls back to the local store: approve the requests on file (none: list them first). */
  | { kind: 'approve-local'; requestIds: string[]; suggestUpgrade: boolean }
  /** Only a device holding operator.pairing or operator.admin can approve. */
  | { kind: 'approve-elsewhere' };

/** A pending request with the paired record it is for: the evidence shown before any approve line. */
export interface RequestOnFile {
  request: PendingRequest;
  device: DeviceRecord | undefined;
  /** Same device id and same public key: approving it cannot hand the device to another key pair. */
  sameKeyPair: boolean;
}

/** Which device a finding names, and whether it is this host's own. */
interface DeviceRef {
  device: DeviceRecord;
  isHost: boolean;
}

interface ReleaseFacts {
  /** The installed (or --openclaw-version) release, null when unknown. */
  version: string | null;
  release: ReleaseKnowledge;
}

type ServiceDeviceMissingWriteArgs =
  | { kind: 'skips-pairing'; version: string | null }
  | (ReleaseFacts & { kind: 'allowed-without'; held: string[]; lacks: string; autoApproved: boolean })
  | (ReleaseFacts & {
      kind: 'refused';
      /** Why the first refused client is refused (scope-upgrade, not-paired...). */
      reason: VerdictReason;
      refused: ClientVerdict[];
      /** Missing scopes, operator.write first. */
      missing: string[];
      features: string[];
      held: string[];
      host: DeviceRecord | undefined;
      deviceId: string | undefined;
      /** The fix needs operator.admin, which this device never held: a grant made only when named. */
      escalation: boolean;
      command: FixCommand;
      official: OfficialFix;
      gatewayRunning: boolean | undefined;
      port: number;
      healthRefused: boolean;
    });

type ServiceDeviceMissingReadArgs =
  | { kind: 'not-paired'; cli: ClientVerdict }
  | (ReleaseFacts & { kind: 'locked-out'; cli: ClientVerdict; held: string[]; escalation: boolean; probeMode: boolean; command: FixCommand; official: OfficialFix });

export interface FindingArgs {
  'service-device-missing-write': ServiceDeviceMissingWriteArgs;
  'device-lacks-read-write':
    | { kind: 'device'; target: DeviceRef; held: string[]; missing: string[]; release: ReleaseKnowledge; ui: boolean; requests: RequestOnFile[]; logs: LogGroup[] }
    | { kind: 'group'; release: ReleaseKnowledge; missing: string[]; devices: { deviceId: string; missing: string[] }[] };
  'service-device-missing-read': ServiceDeviceMissingReadArgs;
  'cli-admin-refused': ReleaseFacts & { admin: ClientVerdict; held: string[]; command: FixCommand; official: OfficialFix };
  'scope-added-by-update': ReleaseFacts & {
    target: DeviceRef;
    held: string[];
    missing: string[];
    /** The older release row whose clients this device's scopes satisfied; absent when a repair request showed it. */
    wasCompleteFor?: { from: string; to?: string };
    requests: RequestOnFile[];
    command?: FixCommand;
  };
  'internal-call-not-loopback': {
    port: number;
    bind?: string;
    host?: DeviceRecord;
    requests: PendingRequest[];
    logs: LogGroup[];
  };
  'metadata-pin-mismatch':
    | { kind: 'request'; target: DeviceRef; platformChanged: boolean; request: RequestOnFile; logs: LogGroup[] }
    | { kind: 'logs-only'; logs: LogGroup[] };
  'role-upgrade-pending':
    | { kind: 'request'; target: DeviceRef; newRoles: string[]; request: RequestOnFile }
    | { kind: 'no-role'; target: DeviceRef }
    | { kind: 'logs-only'; logs: LogGroup[] };
  'device-token-mismatch':
    | {
        kind: 'stale';
        /** identity/device-auth.json names another device than identity/device.json. */
        otherDevice?: { cached: string; identity: string };
        /** The host's cached tokens that differ from the paired record (digests only) or are revoked there. */
        tokens: { role: string; cached: string; paired: string; revoked: boolean }[];
        logs: LogGroup[];
        /** A shared gateway token is configured: the local CLI can log in with it. */
        shared: boolean;
        /** 1.x with the shared token: each client is refused once for this cached token, then let in on its retry. */
        healsOnRetry?: boolean;
        sqlite: boolean;
        storePath: string;
        deviceId?: string;
      }
    /** 1.x: the clients refused once for the cached token, let in on their retry with the shared token. */
    | { kind: 'refused-once'; clients: ClientVerdict[] }
    /** identity/device-auth.json names another device than identity/device.json: no client presents it. */
    | { kind: 'other-device'; cached: string; identity: string }
    /** identity/device-auth.json is not in the shape the client loads ({version: 1, deviceId, tokens}): no client presents it. */
    | { kind: 'unloadable'; problem: 'version' | 'device-id' | 'tokens' };
  'identity-missing': { path: string; stateDir: string; devices: number; cachedDeviceId?: string; knownHost?: string };
  'identity-unreadable': { file: FileInfo };
  'identity-key-mismatch':
    | { kind: 'derived'; deviceId: string; derived: string }
    | { kind: 'record'; publicKey: string; recordKey: string };
  'identity-not-paired': { local: boolean; deviceId: string; paired: string[] };
  'token-scopes-diverge': {
    isHost: boolean;
    deviceId: string;
    /** Each differing list, the device's own scopes first. */
    lists: { name: string; scopes: string[] }[];
    /** Which list the connect check reads on this release (knowledge `baseline`). */
    baseline: ReleaseKnowledge['baseline'];
    /** Token scopes the device is not approved for: the command names them with --scope. */
    tokenOnly: string[];
    command: FixCommand;
  };
  'rotate-cannot-widen': { target: DeviceRef; role: string; tokenScopes: string[]; beyond: string[]; held: string[]; logs: LogGroup[]; command?: FixCommand };
  'pending-request-churn': { deviceId: string; requests: PendingRequest[]; nowMs: number; requestIdChurn: boolean };
  'approver-lacks-authority': { needed: string; operators: { deviceId: string; held: string[] }[]; localFallback: boolean };
  'approve-latest-preview-only': { requests: RequestOnFile[] };
  'store-unreadable':
    | { kind: 'paired'; file: FileInfo; sqlite: boolean; version: string | null; corruptReadsEmpty: boolean }
    | { kind: 'pending'; file: FileInfo; sqlite: boolean };
  'store-record-malformed': { key: string; problems: string[] };
  'store-line-endings': { path: string };
  'store-tmp-leftover': { files: string[] };
  'sqlite-migration':
    | { kind: 'leftover-json'; legacyPath: string; migrated: string[] }
    | { kind: 'imports-at-start'; storePath: string }
    | { kind: 'not-imported'; storePath: string }
    | { kind: 'downgraded'; migrated: string[] }
    | { kind: 'claim-left'; claims: string[] }
    | { kind: 'migration-failed'; logs: LogGroup[] };
  'legacy-store-ignored': { differences: LegacyDifference[]; legacyPath: string; storePath: string };
  'legacy-identity-file': { kind: 'device-auth-only'; path: string } | { kind: 'identity'; files: string[] };
  'shared-token-scopes-cleared': { logs: LogGroup[] };
  'gateway-token-drift': {
    services: { source: string; digest: string | null; placeholder?: string }[];
    configDigest?: string;
    /** gateway.auth.mode "token" without a token. */
    modeWithoutToken: boolean;
  };
  'handshake-timeout': { logs: LogGroup[]; shortTimeout: boolean };
  'control-ui-insecure': { allowInsecureAuth: boolean; dangerouslyDisableDeviceAuth: boolean };
  'config-unreadable': { file: FileInfo };
  'config-port-invalid': { value: string; fromEnv: boolean; configPath: string };
  'device-auth-unreadable': { file: FileInfo };
  'pending-repair-request': {
    request: PendingRequest;
    deviceId: string;
    isHost: boolean;
    /** The paired record's scopes. */
    deviceScopes: string[] | null;
    stillMissing: string[];
    keyMatches: boolean;
    ageMs?: number;
    expired: boolean;
    /** 2.19 and 2.21: approving it files the next request for the other scope (#23006). */
    approvalKeepsLooping: boolean;
  };
  'log-loop-after-fix': { group: LogGroup; isHost: boolean; lastMs: number; changedMs: number; nowMs: number; storePath: string; held: string[] };
  'log-contradicts-prediction': ReleaseFacts & { group: LogGroup; lastMs?: number; nowMs: number; predicted: ClientVerdict };
  'log-remote-device-looping': { deviceId: string; top: LogGroup; refusals: number; asked: string[]; held: string[]; remoteIp?: string };
  'openclaw-version-unknown': { command: FixCommand };
  'release-unverified': { version: string; release: ReleaseKnowledge; below?: string; above?: string; measured: string[] };
  'store-permissions':
    | { kind: 'open'; files: { name: string; path: string; mode: number }[] }
    | { kind: 'foreign'; owner: number; files: { name: string; path: string; uid: number }[] }
    /** State files that are symbolic links: a chmod or chown would act on whatever they point to. */
    | { kind: 'link'; files: { name: string; path: string }[] };
  'probe-could-not-run': { why: string };
  'probe-disagrees': { comparison: ProbeDisagreement };
  'probe-requests-left': { problem: string; kept: string[] };
  'internal-rule-error': { rule: string; message: string };
}

export interface ProbeAnswer {
  outcome: 'accepted' | 'refused' | 'cannot';
  closeCode: number | null;
  /** The gateway's own words (first line, control characters escaped). */
  reason: string | null;
  requestId: string | null;
  asked: string[] | null;
  ms: number;
  /** The first connect's refusal when the client retried without its cached token (the fields above: the retry). */
  firstRefusal?: { closeCode: number | null; reason: string | null; ms: number } | null;
}

/** Where the leftover paired.json disagrees with the SQLite rows the gateway uses (M16). */
export type LegacyDifference =
  | { deviceId: string; notInSqlite: true }
  | { deviceId: string; field: 'scopes' | 'approvedScopes' | 'roles' | 'tokens.operator.scopes'; legacy: string[] | null; used: string[] | null };

/** A client the probe connected as, where the gateway's answer differs from the prediction. */
interface ProbeDisagreement {
  client: string;
  clientId: string;
  clientMode: string;
  predicted: { verdict: string; reason: string; healsOnRetry?: boolean };
  /** What the gateway answered to the release's own client. */
  real: ProbeAnswer;
  version: string | null;
  releaseId: string;
}
