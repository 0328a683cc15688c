/**
 * The --json envelope, schema version 1 (documented in docs/json-schema.md). Additive changes keep
 * the version; renames or removals bump it.
 */
import { modeOf } from '../core/findings.js';
import type { Snapshot, StoreView } from '../core/model.js';
import { TOOL_VERSION } from '../version.js';
import { FAILURE_KINDS } from '../logs/describe.js';
import { renderFinding } from './render.js';
import { verdictExplanation } from './wording/clients.js';
import type { JsonReporter, Report } from './report.js';

function hostIdOf(snapshot: Snapshot): string | undefined {
  return snapshot.identity.deviceId ?? undefined;
}

const SCHEMA_VERSION = 1;

export function envelope(command: string, exitCode: number) {
  return { schemaVersion: SCHEMA_VERSION, tool: { name: 'openclaw-fix', version: TOOL_VERSION }, command, ok: exitCode === 0, exitCode };
}

export function errorJson(command: string, exitCode: number, code: string, message: string, path?: string, replacedGatewayWrites?: { file: string; writes: number }[]) {
  return { ...envelope(command, exitCode), error: { code, message, ...(path ? { path } : {}), ...(replacedGatewayWrites?.length ? { replacedGatewayWrites } : {}) } };
}

function storeJson(store: StoreView) {
  return {
    kind: store.kind,
    path: store.path,
    paired: { status: store.paired.status, problem: store.paired.problem ?? null },
    pending: { status: store.pending.status, problem: store.pending.problem ?? null },
  };
}

function snapshotJson(snapshot: Snapshot) {
  const hostId = snapshot.identity.deviceId ?? null;
  return {
    openclaw: {
      version: snapshot.version.version,
      versionSource: snapshot.version.source,
      versionFoundAt: snapshot.version.where ?? null,
      rules: { id: snapshot.release.id, from: snapshot.release.from, to: snapshot.release.to ?? null, summary: snapshot.release.summary },
    },
    state: {
      dir: snapshot.location.stateDir,
      source: snapshot.location.source,
      profile: snapshot.location.profile ?? null,
      config: snapshot.location.configPath,
      configStatus: snapshot.config.file.status,
      demo: snapshot.location.demo,
    },
    gateway: {
      port: snapshot.config.port,
      bind: snapshot.config.bind ?? null,
      authMode: snapshot.config.authMode ?? null,
      sharedTokenConfigured: snapshot.config.hasSharedToken,
      running: snapshot.gatewayRunning ?? null,
    },
    store: storeJson(snapshot.store),
    legacyStore: snapshot.legacyStore ? storeJson(snapshot.legacyStore) : null,
    hostDevice: { deviceId: hostId, identityStatus: snapshot.identity.file.status, paired: snapshot.store.devices.some((d) => d.deviceId === hostId) },
    devices: snapshot.store.devices.map((d) => ({
      deviceId: d.deviceId,
      isHost: d.deviceId === hostId,
      displayName: d.displayName ?? null,
      platform: d.platform ?? null,
      clientId: d.clientId ?? null,
      clientMode: d.clientMode ?? null,
      role: d.role ?? null,
      roles: d.roles,
      scopes: d.scopes,
      approvedScopes: d.approvedScopes,
      remoteIp: d.remoteIp ?? null,
      tokens: d.tokens.map((t) => ({ role: t.role, scopes: t.scopes, revoked: Boolean(t.revokedAtMs) })),
    })),
    pending: snapshot.store.pendingRequests.map((r) => ({
      requestId: r.requestId,
      deviceId: r.deviceId,
      clientId: r.clientId ?? null,
      clientMode: r.clientMode ?? null,
      role: r.role ?? null,
      scopes: r.scopes,
      isRepair: Boolean(r.isRepair),
      ts: r.ts ?? null,
    })),
  };
}

/** doctor's --json document (check's adds failOn, repair and probe). */
export const doctorJson = (({ command = 'doctor', exitCode, snapshot, diagnosis }: Report) => ({
    ...envelope(command, exitCode),
    summary: { errors: diagnosis.summary.error, warnings: diagnosis.summary.warning, infos: diagnosis.summary.info },
    ...snapshotJson(snapshot),
    clients: diagnosis.clients.map((c) => ({
      client: c.client,
      clientId: c.clientId,
      clientMode: c.clientMode,
      method: c.method,
      requests: c.requests,
      auth: c.auth,
      verdict: c.verdict,
      reason: c.reason,
      missing: c.missing,
      explanation: verdictExplanation(c.why),
      healsOnRetry: c.healsOnRetry === true,
    })),
    findings: diagnosis.findings.map((finding) => renderFinding(finding, diagnosis.commandArgs)).map((f) => ({
      id: f.id,
      mode: modeOf(f.id),
      severity: f.severity,
      title: f.title,
      impact: f.impact ?? null,
      explanation: f.explanation,
      deviceId: f.deviceId ?? null,
      evidence: f.evidence,
      logEvidence: f.logEvidence ?? [],
      fix: f.fix ?? null,
    })),
    logs: snapshot.logEvidence
      ? {
          sources: snapshot.logEvidence.files,
          stats: snapshot.logEvidence.stats,
          problems: snapshot.logEvidence.problems,
          // Same fields as `logs --json` (docs/json-schema.md): whether the group is a failure, whether it is this host's device.
          groups: snapshot.logEvidence.groups.map((g) => ({ ...g, failure: FAILURE_KINDS.has(g.kind), isHost: g.deviceId !== undefined && g.deviceId === hostIdOf(snapshot) })),
        }
      : null,
})) satisfies JsonReporter;
