/** One-line wording of a log group, shared by `openclaw-fix logs` and the evidence line under doctor's findings. */
import path from 'node:path';
import type { LogGroup } from '../core/model.js';
import { shortId } from '../report/wording/words.js';
import { when } from './evidence.js';

const SHORT: Record<string, (g: LogGroup) => string> = {
  'access-upgrade': (g) => g.reason ?? 'access upgrade',
  'metadata-upgrade': () => 'metadata-upgrade',
  'pairing-close': (g) => `closed 1008 pairing required${g.reason ? ` (${g.reason})` : ''}`,
  'announce-failed': () => 'announce queue drain failed',
  'cron-delivery-failed': () => 'cron delivery failed',
  'upgrade-pending': (g) => `${g.reason ?? 'upgrade'} pending approval`,
  'closed-pairing-required': () => 'client saw "gateway closed (1008): pairing required"',
  'connect-failed': () => 'client saw "connect failed: pairing required"',
  'token-mismatch': () => 'device token mismatch',
  'missing-scope': (g) => `missing scope: ${g.detail ?? '?'}`,
  'handshake-timeout': () => 'handshake timeout (not pairing)',
  'store-migration-failed': () => 'device store migration failed',
  'store-migrated': () => 'device store migrated to SQLite',
  'auto-approved': () => 'device pairing auto-approved',
  approved: () => 'device pairing approved',
  'token-rotated': () => 'device token rotated',
};

function kindLabel(g: LogGroup): string {
  return (SHORT[g.kind] ?? ((x: LogGroup) => x.kind))(g);
}

/** Kinds that mean something is being refused right now (the rest is context). */
export const FAILURE_KINDS: ReadonlySet<string> = new Set([
  'access-upgrade', 'metadata-upgrade', 'pairing-close', 'announce-failed', 'cron-delivery-failed', 'upgrade-pending',
  'closed-pairing-required', 'connect-failed', 'token-mismatch', 'missing-scope', 'store-migration-failed',
]);

const ROLE_DETAIL = new Set(['auto-approved', 'approved', 'token-rotated']);

/** `operator.admin,operator.write` -> `admin,write`: the prefix is the same on every scope and doubles the line. */
function scopes(list: readonly string[]): string {
  return list.map((s) => s.replace(/^operator\./, '')).join(',');
}

/** What a group (or one event) says: "scope-upgrade asks operator.write (holds ...) client=gateway-client". */
export function groupWords(g: LogGroup, options: { device?: boolean; hostId?: string } = {}): string {
  const parts = [kindLabel(g)];
  if (g.scopesTo?.length) parts.push(`${g.kind === 'token-rotated' ? 'scopes' : 'asks'} ${scopes(g.scopesTo)}`);
  if (g.scopesFrom) parts.push(`(holds ${g.scopesFrom.length ? scopes(g.scopesFrom) : 'none'})`);
  if (g.client) parts.push(`client=${g.client}`);
  if (options.device && g.deviceId) parts.push(`device ${shortId(g.deviceId)}${g.deviceId === options.hostId ? ' (this host)' : ''}`);
  if (g.ip && g.ip !== 'unknown-ip') parts.push(`ip=${g.ip}`);
  if (g.detail && g.kind !== 'missing-scope') parts.push(ROLE_DETAIL.has(g.kind) ? `role=${g.detail}` : g.detail);
  return parts.join(' ');
}

function sourceName(source: string): string {
  return source === '-' || source === 'stdin' ? 'stdin' : source.startsWith('journal:') ? source : path.basename(source);
}

/** "14x scope-upgrade asks operator.write (holds ...) client=gateway-client, every 15 s since 23:31, last 23:41:11, <file>". */
export function describeGroup(g: LogGroup, nowMs: number, options: { device?: boolean; hostId?: string } = {}): string {
  const tail: string[] = [];
  if (g.rate) tail.push(g.rate);
  if (g.lastAt) tail.push(`${g.count > 1 ? 'last' : 'at'} ${when(Date.parse(g.lastAt), nowMs)}`);
  tail.push(sourceName(g.source));
  return `${g.count}x ${groupWords(g, options)}, ${tail.join(', ')}`;
}
