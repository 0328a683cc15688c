/** The official OpenClaw way to get the same scopes, per release: what a user can do without openclaw-fix. */
import type { Snapshot } from '../core/model.js';

export function officialScopeFix(snapshot: Snapshot, deviceId: string, held: readonly string[], missing: readonly string[]): string {
  const { release } = snapshot;
  const pending = snapshot.store.pendingRequests.filter((r) => r.deviceId === deviceId);
  const upgrade = 'or upgrade to OpenClaw 2026.2.22 or later (`npm install -g openclaw@latest`), where admin covers every operator scope';
  if (release.rotateWidensScopes) {
    const scopes = [...new Set([...held, ...missing])].sort().map((s) => `--scope ${s}`).join(' ');
    return `openclaw devices rotate --device ${deviceId} --role operator ${scopes} && openclaw gateway restart  (mints a new device token; needs a CLI that can still connect), ${upgrade}`;
  }
  if (release.localFallback && release.store === 'json') {
    const ids = pending.map((r) => r.requestId);
    const approve = ids.length ? ids.map((id) => `openclaw devices approve ${id}`).join(' && ') : 'openclaw devices list, then openclaw devices approve <requestId>';
    const tail = release.id === '2.21' ? `, ${upgrade}` : '';
    return `${approve}  (the CLI falls back to the local store: "Direct scope access failed; using local fallback."; requests expire after 5 minutes)${tail}`;
  }
  return 'openclaw devices list, then openclaw devices approve <requestId> (from a device that holds operator.pairing or operator.admin)';
}
