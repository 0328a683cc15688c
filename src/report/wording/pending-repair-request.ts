/** Sentences for a repair request on file (src/rules/pending-repair-request.ts decides). */
import type { WordingTable } from './types.js';
import { ageText, scopeList, shellQuote, shortId } from './words.js';

export const pendingRepairWording: WordingTable<'pending-repair-request'> = {
  'pending-repair-request': (a) => {
    const { request, isHost } = a;
    const asked = request.scopes ?? [];
    const who = `${request.clientId ?? '?'}/${request.clientMode ?? '?'}`;
    const approveEffect =
      `Approving it would set the device's operator token to exactly ${scopeList(asked)} and add ${scopeList(asked)} to its scopes` +
      (a.approvalKeepsLooping ? '; it would not end the loop on this release: the next internal call asks for the other scope and files a new request (#23006).' : '.');
    const stale = a.stillMissing.length === 0;
    return {
      title: stale
        ? `A stale repair request for ${isHost ? "this host's device" : `device ${shortId(a.deviceId)}`} is still on file`
        : `${isHost ? "This host's device" : `Device ${shortId(a.deviceId)}`} asked for ${scopeList(a.stillMissing)} and was refused`,
      explanation:
        (stale
          ? `The request from ${who} asks for ${scopeList(asked)}, which the device already satisfies on this release; nothing is waiting on it.`
          : `When ${who} connected, the gateway found the device lacking ${scopeList(a.stillMissing)}, filed this repair request and closed the socket: evidence of the loop.`) +
        ` ${approveEffect}` +
        (a.keyMatches ? '' : ' Its public key differs from the paired record: do NOT approve it, it is not the same key pair.') +
        (a.expired ? ' It is older than 5 minutes, so OpenClaw prunes it on its next read.' : ''),
      evidence: [
        `pending.json ${request.requestId}: ${who} role ${request.role ?? '?'} asks ${scopeList(asked)}${a.ageMs !== undefined ? `, filed ${ageText(a.ageMs)}` : ''}`,
        `paired scopes: ${scopeList(a.deviceScopes)}`,
      ],
      fix: stale
        ? { automatic: true, steps: ['Nothing to approve. openclaw-fix rotate clears requests that the device already satisfies.'] }
        : { automatic: isHost, steps: [isHost ? 'openclaw-fix rotate grants what it asks and clears it.' : `Review it, then: \`openclaw devices approve ${shellQuote(request.requestId)}\`.`] },
    };
  },
};
