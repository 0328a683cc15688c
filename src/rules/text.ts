/** Small wording helpers shared by the rules, so device ids and scope lists read the same everywhere. */
import type { ReleaseKnowledge } from '../core/knowledge.js';

export function shortId(id: string): string {
  return id.length > 16 ? `${id.slice(0, 8)}…${id.slice(-4)}` : id;
}

export function scopeList(scopes: readonly string[] | null | undefined): string {
  if (!scopes || scopes.length === 0) return '(none)';
  return scopes.join(', ');
}

export function versionLabel(version: string | null): string {
  return version ? `OpenClaw ${version}` : 'this OpenClaw (version unknown)';
}

export function ruleWording(release: ReleaseKnowledge): string {
  switch (release.scopeRule) {
    case 'exact':
      return 'requires every requested scope to be listed exactly: operator.admin does NOT cover operator.read or operator.write';
    case 'read-compat':
      return 'lets write or admin cover operator.read, but operator.write still has to be listed (admin does not cover it)';
    default:
      return 'lets operator.admin cover every operator scope and operator.write cover operator.read';
  }
}

/**
 * Why a held scope set does not satisfy a request on this release, in one clause. The scope rule is
 * only worth explaining when the device holds admin (the surprise of 2.19/2.21); otherwise the plain
 * reason is that nothing it holds covers the request and nobody approves the upgrade.
 */
export function refusalReason(release: ReleaseKnowledge, version: string, held: readonly string[], missing: readonly string[]): string {
  const adminSurprise = held.includes('operator.admin') && (release.scopeRule === 'exact' || release.scopeRule === 'read-compat');
  const cover = adminSurprise ? `${version} ${ruleWording(release)}` : `nothing it holds covers ${missing.join(' or ')} on ${version}`;
  const silent =
    release.silentLocalScopeUpgrade === 'never'
      ? 'this release never approves a scope upgrade by itself'
      : 'the gateway does not approve this upgrade by itself here (it does so only for local shared-secret connections)';
  return `${cover}, and ${silent}`;
}

export function ageText(ms: number): string {
  if (ms < 0) return 'in the future';
  const s = Math.round(ms / 1000);
  if (s < 90) return `${s}s ago`;
  const m = Math.round(s / 60);
  if (m < 90) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 48) return `${h} h ago`;
  return `${Math.round(h / 24)} days ago`;
}
