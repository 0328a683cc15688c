/**
 * Recognised events -> groups per kind, device and client: count, first/last time, scopes asked vs
 * held, the feature it breaks and the rate. O(groups) memory, never O(lines).
 */
import { INTERNAL_CALLS, SCOPE } from '../core/knowledge.js';
import type { LogEvidence, LogGroup } from '../core/model.js';
import { redactAssignments } from '../core/secrets.js';
import type { LogEvent } from './patterns.js';

export interface TimedEvent extends LogEvent {
  timeMs?: number;
  message: string;
  source: string;
}

/** More groups than this means something else is wrong with the input; the rest are counted, not kept. */
const MAX_GROUPS = 2000;
const SAMPLE_CHARS = 400;

/** The loop itself, in the order `logs` lists them. */
const KIND_ORDER: readonly string[] = [
  'access-upgrade',
  'metadata-upgrade',
  'pairing-close',
  'announce-failed',
  'cron-delivery-failed',
  'upgrade-pending',
  'closed-pairing-required',
  'connect-failed',
  'token-mismatch',
  'missing-scope',
  'handshake-timeout',
  'store-migration-failed',
  'store-migrated',
  'auto-approved',
  'approved',
  'token-rotated',
];

const CLIENT_FEATURES: Record<string, string> = {
  cli: 'CLI commands',
  'openclaw-control-ui': 'Control UI',
  webchat: 'Control UI (webchat)',
  'openclaw-tui': 'TUI',
  'openclaw-probe': 'status probe',
  'openclaw-macos': 'macOS app',
  'openclaw-ios': 'iOS app',
  'openclaw-android': 'Android app',
  node: 'node',
};

/** What a refused client was doing, from the client id and the scope it asked for. */
function featureOf(e: Pick<LogEvent, 'kind' | 'client' | 'scopesTo' | 'method'>): string | undefined {
  if (e.kind === 'announce-failed') return 'announce queue (sub-agent and cron results)';
  if (e.kind === 'cron-delivery-failed') return 'cron delivery';
  if (e.kind === 'missing-scope' && e.method) return `\`${e.method}\` calls`;
  if (e.client === 'gateway-client') {
    const asks = e.scopesTo ?? [];
    if (asks.includes(SCOPE.write)) return `internal calls: ${INTERNAL_CALLS[0].feature}`;
    if (asks.includes(SCOPE.read)) return `internal calls: ${INTERNAL_CALLS[1].feature}`;
    return 'internal gateway calls';
  }
  return e.client ? CLIENT_FEATURES[e.client] : undefined;
}

function clock(ms: number, withDate: boolean): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  const time = `${p(d.getHours())}:${p(d.getMinutes())}`;
  return withDate ? `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${time}` : time;
}

/** Time of day (local), with the date when it is not `today`. */
export function when(ms: number, nowMs: number, seconds = true): string {
  const d = new Date(ms);
  const sameDay = new Date(nowMs).toDateString() === d.toDateString();
  const p = (n: number) => String(n).padStart(2, '0');
  const time = `${p(d.getHours())}:${p(d.getMinutes())}${seconds ? `:${p(d.getSeconds())}` : ''}`;
  return sameDay ? time : `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${time}`;
}

function span(sec: number): string {
  if (sec < 90) return `${Math.round(sec)} s`;
  if (sec < 5400) return `${Math.round(sec / 60)} min`;
  if (sec < 129_600) return `${(sec / 3600).toFixed(1).replace(/\.0$/, '')} h`;
  return `${(sec / 86_400).toFixed(1).replace(/\.0$/, '')} days`;
}

/** "every 15 s since 23:31" (mean interval); "4/s since ..." for bursts. */
export function rateText(count: number, firstMs: number | undefined, lastMs: number | undefined): { rate?: string; intervalSec?: number } {
  if (count < 2 || firstMs === undefined || lastMs === undefined || lastMs <= firstMs) return {};
  const intervalSec = (lastMs - firstMs) / 1000 / (count - 1);
  const sameDay = new Date(firstMs).toDateString() === new Date(lastMs).toDateString();
  const every = intervalSec < 1 ? `${(1 / intervalSec).toFixed(1).replace(/\.0$/, '')}/s` : `every ${span(intervalSec)}`;
  return { rate: `${every} since ${clock(firstMs, !sameDay)}`, intervalSec: Math.round(intervalSec * 10) / 10 };
}

interface Acc {
  group: LogGroup;
  firstMs?: number;
  lastMs?: number;
}

function detailOf(e: LogEvent): string | undefined {
  if (e.kind === 'announce-failed') return e.key;
  if (e.kind === 'missing-scope') return e.scope;
  if (e.kind === 'store-migration-failed') return e.error;
  if (e.kind === 'metadata-upgrade' && (e.claimedPlatform || e.pinnedPlatform)) return `claimed ${e.claimedPlatform ?? '?'}, pinned ${e.pinnedPlatform ?? '?'}`;
  if (e.kind === 'token-rotated' || e.kind === 'auto-approved' || e.kind === 'approved') return e.role;
  return undefined;
}

export class EvidenceBuilder {
  private readonly groups = new Map<string, Acc>();
  private dropped = 0;
  events = 0;

  add(e: TimedEvent): LogGroup | undefined {
    this.events++;
    // Announce keys name channels: many per loop, so they are one group with the latest key as detail.
    const key = [e.kind, e.deviceId ?? '', e.client ?? '', e.reason ?? '', (e.scopesTo ?? []).join(','), e.kind === 'missing-scope' ? e.scope : ''].join('|');
    let acc = this.groups.get(key);
    if (!acc) {
      if (this.groups.size >= MAX_GROUPS) {
        this.dropped++;
        return undefined;
      }
      acc = { group: { kind: e.kind, count: 0, sample: '', source: e.source } };
      const g = acc.group;
      if (e.deviceId) g.deviceId = e.deviceId;
      if (e.client) g.client = e.client;
      if (e.reason) g.reason = e.reason;
      if (e.scopesTo) g.scopesTo = e.scopesTo;
      const feature = featureOf(e);
      if (feature) g.feature = feature;
      this.groups.set(key, acc);
    }
    const g = acc.group;
    g.count++;
    // Lines from several files or the journal need not arrive in time order.
    if (e.timeMs !== undefined) {
      if (acc.firstMs === undefined || e.timeMs < acc.firstMs) acc.firstMs = e.timeMs;
      if (acc.lastMs !== undefined && e.timeMs < acc.lastMs) return g;
      acc.lastMs = e.timeMs;
    }
    // Redacted before the cut: a token cut in half is no longer the registered secret the printer would catch.
    const message = redactAssignments(e.message);
    g.sample = message.length > SAMPLE_CHARS ? `${message.slice(0, SAMPLE_CHARS)}…` : message;
    g.source = e.source;
    if (e.scopesFrom) g.scopesFrom = e.scopesFrom;
    if (e.ip) g.ip = e.ip;
    if (e.auth) g.auth = e.auth;
    if (e.requestId) g.requestId = e.requestId;
    const detail = detailOf(e);
    if (detail) g.detail = detail;
    return g;
  }

  result(files: string[], stats: { bytes: number; candidates: number; skipped: number }, problems: string[], sinceMs?: number): LogEvidence {
    const groups = [...this.groups.values()].map(({ group: g, firstMs, lastMs }) => {
      // A fixed key order, so the JSON reads the same run to run.
      const out = { kind: g.kind, count: g.count } as LogGroup;
      const optional = { deviceId: g.deviceId, client: g.client, reason: g.reason, scopesFrom: g.scopesFrom, scopesTo: g.scopesTo, ip: g.ip, auth: g.auth, requestId: g.requestId, detail: g.detail, feature: g.feature };
      for (const [k, v] of Object.entries(optional)) if (v !== undefined) (out as unknown as Record<string, unknown>)[k] = v;
      if (firstMs !== undefined) out.firstAt = new Date(firstMs).toISOString();
      if (lastMs !== undefined) out.lastAt = new Date(lastMs).toISOString();
      Object.assign(out, rateText(g.count, firstMs, lastMs));
      out.sample = g.sample;
      out.source = g.source;
      return out;
    });
    groups.sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || b.count - a.count);
    if (this.dropped) problems.push(`${this.dropped} event(s) not grouped: more than ${MAX_GROUPS} distinct groups.`);
    return { files, ...(sinceMs !== undefined ? { sinceMs } : {}), groups, stats: { ...stats, events: this.events }, problems };
  }
}
