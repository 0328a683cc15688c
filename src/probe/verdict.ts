/**
 * The predicted verdict (knowledge table over the files) beside the real one (the gateway's answer). Where they
 * differ, the knowledge for this release is wrong here: that is a finding of its own, and the real answer wins.
 */
import type { Diagnosis } from '../core/diagnose.js';
import { EXIT } from '../core/errors.js';
import type { ClientVerdict, Finding, Severity, Snapshot } from '../core/model.js';
import type { ProbeAnswer } from '../core/findings.js';
import type { ProbeClientResult, ProbeReport } from './probe.js';

/** Findings that only say "the gateway will refuse this host's own clients": the probe settles them. */
const HOST_CLIENT_FINDINGS = new Set(['service-device-missing-write', 'service-device-missing-read', 'identity-not-paired']);

export interface ClientComparison {
  client: ClientVerdict['client'];
  /** healsOnRetry: refused once, then let in (the client drops the refused cached token and connects again). */
  predicted: { verdict: ClientVerdict['verdict']; reason: string; healsOnRetry: boolean } | null;
  real: ProbeClientResult | null;
  agree: boolean | null;
  /** The probe connect that answered for this client when it is the same connect (the CLI's default scopes). */
  sameAs: ClientVerdict['client'] | null;
  /** Why the gateway was not asked for this client (never a silent null). */
  notProbed: string | null;
}

const CLI_COMMANDS = new Set<ClientVerdict['client']>(['cli-read', 'cli-write', 'cli-admin']);

/** Why a predicted client has no answer of its own from the probe. */
function whyNotProbed(client: ClientVerdict['client'], report: ProbeReport): string {
  if (!report.ran && report.clients.length === 0) return `cannot probe: ${report.cannot}`;
  if (client === 'cli-write' || client === 'cli-admin') {
    return `the probe connects as the CLI only to read; a ${client === 'cli-write' ? 'write' : 'admin'} command's connect (asking ${client === 'cli-write' ? 'operator.write' : 'operator.admin'}) is not made, so its verdict is the prediction`;
  }
  return 'the probe stopped before this connect';
}

export type RealVerdict = 'accepted' | 'refused' | 'unknown';

/** What the gateway answered to one connect, in words (the probe's table and the probe-disagrees finding). */
export function realText(r: ProbeAnswer): string {
  const refusal = (closeCode: number | null, reason: string | null) => `${closeCode !== null ? `${closeCode} ` : ''}${reason ?? 'no reason'}`;
  const once = r.firstRefusal ? `refused once (${refusal(r.firstRefusal.closeCode, r.firstRefusal.reason)}), then, without the cached device token, ` : '';
  if (r.outcome === 'accepted') return once ? `${once}let in` : 'accepted';
  if (r.outcome === 'cannot') return `${once}no verdict (${r.reason})`;
  return `${once}refused (${refusal(r.closeCode, r.reason)})${r.requestId ? `, request ${r.requestId}` : ''}`;
}

/** The prediction in words: "refused once, then let in" where the model says the retry is let in (doctor's words). */
export function predictedText(p: { verdict: string; healsOnRetry?: boolean }): string {
  return p.healsOnRetry ? 'refused once, then let in' : p.verdict;
}

export function compareClients(diagnosis: Diagnosis, report: ProbeReport): ClientComparison[] {
  // Where the release's CLI asks its default scopes for every command (a `cli` client is predicted), each
  // command's connect is the `cli` connect: its answer is theirs.
  const bundle = diagnosis.clients.some((c) => c.client === 'cli') ? (report.clients.find((c) => c.client === 'cli') ?? null) : null;
  return diagnosis.clients.map((p) => {
    const own = report.clients.find((c) => c.client === p.client) ?? null;
    const sameAs = !own && bundle && CLI_COMMANDS.has(p.client) ? bundle : null;
    const real = own ?? sameAs;
    const known = real && real.outcome !== 'cannot' ? real : null;
    // A refusal the client's own retry gets past is predicted as "let in" in the end: the gateway agrees when the
    // connect, or the retry the probe made as the client does, was accepted.
    const letIn = p.verdict === 'allowed' || p.healsOnRetry === true;
    return {
      client: p.client,
      predicted: { verdict: p.verdict, reason: p.reason, healsOnRetry: p.healsOnRetry === true },
      real,
      agree: known ? (known.outcome === 'accepted') === letIn : null,
      sameAs: sameAs ? 'cli' : null,
      notProbed: real ? null : whyNotProbed(p.client, report),
    };
  });
}

/** The gateway's verdict over all probed clients: refused if any was, accepted only when every one was. */
export function realVerdict(report: ProbeReport): RealVerdict {
  if (!report.ran || report.clients.length === 0) return 'unknown';
  if (report.clients.some((c) => c.outcome === 'refused')) return 'refused';
  return report.clients.every((c) => c.outcome === 'accepted') ? 'accepted' : 'unknown';
}

function disagreement(snapshot: Snapshot, row: ClientComparison): Finding {
  const real = row.real!;
  return {
    id: 'probe-disagrees',
    severity: real.outcome === 'refused' ? 'error' : 'warning',
    deviceId: snapshot.identity.deviceId,
    args: {
      comparison: {
        client: row.client,
        clientId: real.clientId,
        clientMode: real.clientMode,
        predicted: row.predicted!,
        real: { outcome: real.outcome, closeCode: real.closeCode, reason: real.reason, requestId: real.requestId, asked: real.asked, ms: real.ms, firstRefusal: real.firstRefusal },
        version: snapshot.version.version,
        releaseId: snapshot.release.id,
      },
    },
  };
}

/**
 * The diagnosis with the probe's findings added, and the exit code the real verdict gives. With a complete
 * probe: 1 when the gateway refused a client, or when an error is left that the probe does not speak to; the
 * "will refuse this host's clients" predictions do not count once the gateway accepted every one of them.
 */
export function withProbe(snapshot: Snapshot, diagnosis: Diagnosis, report: ProbeReport): { diagnosis: Diagnosis; exitCode: number; rows: ClientComparison[]; verdict: RealVerdict } {
  const rows = compareClients(diagnosis, report);
  const added: Finding[] = [];
  if (report.cannot) {
    added.push({ id: 'probe-could-not-run', severity: 'warning', args: { why: report.cannot } });
  }
  // A command answered by the `cli` connect disagrees exactly when that one does: one finding, on the `cli` row.
  for (const row of rows) if (row.agree === false && !row.sameAs) added.push(disagreement(snapshot, row));
  if (report.requests.problem) {
    added.push({ id: 'probe-requests-left', severity: 'warning', args: { problem: report.requests.problem, kept: report.requests.kept } });
  }
  const order: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
  const findings = [...diagnosis.findings, ...added].sort((a, b) => order[a.severity] - order[b.severity]);
  const summary = { error: 0, warning: 0, info: 0 };
  for (const f of findings) summary[f.severity]++;
  const verdict = realVerdict(report);
  const others = findings.filter((f) => f.severity === 'error' && !HOST_CLIENT_FINDINGS.has(f.id) && f.id !== 'probe-disagrees').length;
  const exitCode =
    verdict === 'unknown' || report.cannot ? (summary.error > 0 ? EXIT.problems : EXIT.healthy) : verdict === 'refused' || others > 0 ? EXIT.problems : EXIT.healthy;
  return { diagnosis: { ...diagnosis, findings, summary }, exitCode, rows, verdict };
}

/** The `probe` member of the JSON documents (docs/json-schema.md). */
export function probeJson(report: ProbeReport, rows: ClientComparison[], verdict: RealVerdict, predicted: 'healthy' | 'problems') {
  return {
    ran: report.ran,
    cannot: report.cannot,
    release: report.release,
    verdict: { predicted, real: verdict },
    clients: rows.map((r) => ({
      client: r.client,
      predicted: r.predicted,
      real: r.real
        ? {
            outcome: r.real.outcome,
            closeCode: r.real.closeCode,
            reason: r.real.reason,
            refusal: r.real.refusal,
            requestId: r.real.requestId,
            requestCreated: r.real.requestCreated,
            asked: r.real.asked,
            afterConnect: r.real.afterConnect,
            ms: r.real.ms,
            firstRefusal: r.real.firstRefusal,
          }
        : null,
      agree: r.agree,
      sameAs: r.sameAs,
      notProbed: r.notProbed,
    })),
    requests: report.requests,
    storeChanges: report.storeChanges,
    ms: report.ms,
  };
}
