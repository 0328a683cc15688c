/**
 * Every finding openclaw-fix can report, in one closed table. A finding id is part of the versioned JSON
 * schema (docs/json-schema.md): users script against it, `--ignore` takes it, the JUnit test case and the
 * Prometheus `rule` label carry it. A rule can only report an id listed here (the type says so), and the
 * reporters read a finding's mode and behaviour from here, never from its wording.
 *
 * One name per failure mode: a mode's name is its first finding id below. The rule that detects it has that
 * id, lives in `src/rules/<mode>-<name>.ts`, and `explain` names the mode by it (test/unit/finding-names.test.ts).
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
