/**
 * M04: this release's own clients ask for a scope that devices approved under an older release lack.
 * Lists every such device before it starts looping (the "after `openclaw update`" check).
 */
import { earlierReleases, SCOPES_ADDED_BY_RELEASES, unsatisfiedScopes } from '../core/knowledge.js';
import { cliClient, connectBaseline } from '../core/clients.js';
import type { Finding } from '../core/model.js';
import { describeMode } from '../explain/modes.js';
import { NONE, onFile, requestsByDevice, rolesOf, sameList } from './family.js';
import type { Rule } from './types.js';

export const scopeAddedByUpdate: Rule = {
  id: 'scope-added-by-update',
  description: describeMode('M04'),
  detect({ snapshot, clients, host }) {
    const { release } = snapshot;
    const older = earlierReleases(release);
    const findings: Finding[] = [];
    const hostCli = cliClient(clients);
    const pendingOf = requestsByDevice(snapshot.store.pendingRequests);
    // A fleet's devices mostly hold the same list: the previous device's answer is reused when its list is equal.
    let lastHeld: string[] = [];
    let lastBundleMissing: string[] = [];
    for (const device of snapshot.store.devices) {
      const roles = rolesOf(device);
      if (roles.length > 0 && !roles.includes('operator')) continue;
      const held = connectBaseline(release, device);
      if (held.length === 0) continue;
      const isHost = device.deviceId === host?.deviceId;
      // A host client already refused is M01/M03's finding, with the same fix; saying it twice is noise.
      if (isHost && clients.some((c) => c.verdict === 'refused')) continue;
      // Where the gateway approves this host's local upgrades by itself (2.17, 2.22 - 3.27; measured 2.17, 2.22), its
      // request on file is granted on the next connect: nothing loops, and a bare rotate would have nothing to do.
      if (isHost && release.silentLocalScopeUpgrade === 'local') continue;
      const requests = (pendingOf.size > 0 && pendingOf.get(device.deviceId)) || NONE;
      // (a) complete for an older release's clients, not for this one's: the new scope came with the update.
      const bundleMissing = sameList(held, lastHeld) ? lastBundleMissing : unsatisfiedScopes(release.scopeRule, held, release.cliDefaultScopes);
      lastHeld = held;
      lastBundleMissing = bundleMissing;
      const wasComplete = bundleMissing.length ? older.find((r) => unsatisfiedScopes(r.scopeRule, held, r.cliDefaultScopes).length === 0) : undefined;
      // (b) a repair request whose whole delta is scopes that releases added (the catalog's on-disk trace).
      const requestDelta = requests.length === 0 ? [] : [...new Set(requests.filter((r) => r.isRepair).flatMap((r) => unsatisfiedScopes(release.scopeRule, held, r.scopes ?? [])))];
      const addedOnly = requestDelta.length > 0 && requestDelta.every((s) => SCOPES_ADDED_BY_RELEASES.includes(s));
      if (!wasComplete && !addedOnly) continue;
      // The host CLI asking for more than a narrow device holds is M03's; M04 is only about the new scopes.
      if (isHost && !wasComplete && !requestDelta.every((s) => !release.cliDefaultScopes.includes(s) || SCOPES_ADDED_BY_RELEASES.includes(s))) continue;
      const missing = wasComplete ? bundleMissing : requestDelta;
      const silent = isHost
        ? hostCli?.verdict === 'allowed'
        : release.silentLocalScopeUpgrade === 'local' && !device.remoteIp;
      if (silent && !addedOnly) continue;
      findings.push({
        id: 'scope-added-by-update',
        severity: 'warning',
        deviceId: device.deviceId,
        args: {
          version: snapshot.version.version,
          release,
          target: { device, isHost },
          held,
          missing,
          wasCompleteFor: wasComplete && { from: wasComplete.from, to: wasComplete.to },
          requests: requests.map((r) => onFile(r, device)),
          // rotate adds exactly the missing scopes to the host device; another device asks and is approved.
          command: isHost ? ['rotate'] : undefined,
        },
      });
    }
    return findings;
  },
};
