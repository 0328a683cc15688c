/** A repair (isRepair) request for a paired device: the trace the loop leaves behind. */
import { unsatisfiedScopes } from '../core/knowledge.js';
import { connectBaseline } from '../core/clients.js';
import type { Finding } from '../core/model.js';
import { ageText, scopeList, shortId } from './text.js';
import type { Rule } from './types.js';

const PENDING_TTL_MS = 5 * 60 * 1000;

export const pendingRepairRequest: Rule = {
  id: 'pending-repair-request',
  description: 'A pending repair request shows a device asking for more than it holds',
  detect({ snapshot, host }) {
    const findings: Finding[] = [];
    const { release } = snapshot;
    for (const request of snapshot.store.pendingRequests) {
      if (!request.isRepair) continue;
      const device = snapshot.store.devices.find((d) => d.deviceId === request.deviceId);
      if (!device) continue;
      const isHost = device.deviceId === host?.deviceId;
      const asked = request.scopes ?? [];
      const stillMissing = unsatisfiedScopes(release.scopeRule, connectBaseline(release, device), asked);
      const keyMatches = !request.publicKey || !device.publicKey || request.publicKey === device.publicKey;
      const ts = request.refreshedAtMs ?? request.ts;
      const age = ts !== undefined ? snapshot.nowMs - ts : undefined;
      const expired = age !== undefined && age > PENDING_TTL_MS;
      const who = `${request.clientId ?? '?'}/${request.clientMode ?? '?'}`;
      const approveEffect =
        `Approving it would set the device's operator token to exactly ${scopeList(asked)} and add ${scopeList(asked)} to its scopes` +
        (release.id === '2.19' || release.id === '2.21'
          ? '; it would not end the loop on this release: the next internal call asks for the other scope and files a new request (#23006).'
          : '.');
      const stale = stillMissing.length === 0;
      // A fresh, unsatisfied request of another device is that device being refused right now (each retry
      // refreshes it); the host's own refusals are already errors of M01/M03, so it stays a warning there.
      const activeLoop = !stale && !expired && !isHost && keyMatches;
      findings.push({
        id: 'pending-repair-request',
        severity: activeLoop ? 'error' : 'warning',
        title: stale
          ? `A stale repair request for ${isHost ? "this host's device" : `device ${shortId(device.deviceId)}`} is still on file`
          : `${isHost ? "This host's device" : `Device ${shortId(device.deviceId)}`} asked for ${scopeList(stillMissing)} and was refused`,
        explanation:
          (stale
            ? `The request from ${who} asks for ${scopeList(asked)}, which the device already satisfies on this release; nothing is waiting on it.`
            : `When ${who} connected, the gateway found the device lacking ${scopeList(stillMissing)}, filed this repair request and closed the socket: evidence of the loop.`) +
          ` ${approveEffect}` +
          (keyMatches ? '' : ' Its public key differs from the paired record: do NOT approve it, it is not the same key pair.') +
          (expired ? ' It is older than 5 minutes, so OpenClaw prunes it on its next read.' : ''),
        deviceId: device.deviceId,
        evidence: [
          `pending.json ${request.requestId}: ${who} role ${request.role ?? '?'} asks ${scopeList(asked)}${age !== undefined ? `, filed ${ageText(age)}` : ''}`,
          `paired scopes: ${scopeList(device.scopes)}`,
        ],
        fix: stale
          ? { automatic: true, steps: ['Nothing to approve. openclaw-fix rotate clears requests that the device already satisfies.'] }
          : { automatic: isHost, steps: [isHost ? 'openclaw-fix rotate grants what it asks and clears it.' : `Review it, then: openclaw devices approve ${request.requestId}`] },
      });
    }
    return findings;
  },
};
