/** Which official OpenClaw way to the same scopes this release offers: what a user can do without openclaw-fix. */
import type { OfficialFix } from '../core/findings.js';
import type { Snapshot } from '../core/model.js';

export function officialScopeFix(snapshot: Snapshot, deviceId: string | undefined, held: readonly string[], missing: readonly string[]): OfficialFix {
  const { release } = snapshot;
  if (release.rotateWidensScopes) return { kind: 'devices-rotate', deviceId, scopes: [...new Set([...held, ...missing])].sort() };
  if (release.localFallback && release.store === 'json') {
    const requestIds = snapshot.store.pendingRequests.filter((r) => r.deviceId === deviceId).map((r) => r.requestId);
    // 2.21 is the release where admin stopped covering write; the upgrade ends it.
    return { kind: 'approve-local', requestIds, suggestUpgrade: release.id === '2.21' };
  }
  return { kind: 'approve-elsewhere' };
}
