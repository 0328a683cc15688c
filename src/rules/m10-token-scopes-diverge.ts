/** M10: `scopes`, `approvedScopes` and `tokens.<role>.scopes` disagree (a half-done manual edit or rotation). */
import type { Finding } from '../core/model.js';
import { sameList } from './family.js';
import { scopeList, shortId } from './text.js';
import type { Rule } from './types.js';

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const sa = new Set(a);
  return sa.size === new Set(b).size && b.every((s) => sa.has(s));
}

/** What the release's own token writer makes of a list (knowledge `tokenScopesImplied`): admin brings read+write, write brings read. */
function implied(list: readonly string[]): string[] {
  const out = new Set(list);
  if (out.has('operator.admin')) {
    out.add('operator.read');
    out.add('operator.write');
  } else if (out.has('operator.write')) out.add('operator.read');
  return [...out];
}

export const tokenScopesDiverge: Rule = {
  id: 'token-scopes-diverge',
  description: "A device's scope arrays disagree with each other",
  detect({ snapshot, host, command }) {
    const findings: Finding[] = [];
    // On releases whose gateway writes token scopes normalized, [pairing, read, admin] and its token
    // [admin, pairing, read, write] are the same grant, not a divergence: compare what each list implies.
    const same = snapshot.release.tokenScopesImplied ? (a: readonly string[], b: readonly string[]) => sameSet(implied(a), implied(b)) : sameSet;
    // The same list in the same order is the same set, whatever the comparison: checked first, without Sets.
    const agree = (a: readonly string[], b: readonly string[]) => sameList(a, b) || same(a, b);
    for (const device of snapshot.store.devices) {
      const scopes = device.scopes ?? [];
      let lines: string[] | undefined;
      let tokenDiffers = false;
      for (const token of device.tokens) {
        if (token.role !== 'operator' || token.revokedAtMs) continue;
        if (token.scopes && device.scopes && !agree(token.scopes, scopes)) {
          tokenDiffers = true;
          (lines ??= []).push(`scopes: ${scopeList(scopes)}`, `tokens.${token.role}.scopes: ${scopeList(token.scopes)}`);
        }
      }
      if (snapshot.release.hasApprovedScopes && device.approvedScopes && device.scopes && !agree(device.approvedScopes, scopes)) {
        (lines ??= []).push(`approvedScopes: ${scopeList(device.approvedScopes)}`);
        // The device's own scopes head the evidence once, whichever list disagrees with them.
        if (!tokenDiffers) lines.unshift(`scopes: ${scopeList(scopes)}`);
      }
      if (lines === undefined) continue;
      const isHost = device.deviceId === host?.deviceId;
      // rotate only adds: a token wider than the approved lists agrees with them only once those scopes are
      // approved too, which is a grant the user names (--scope), never one openclaw-fix makes alone.
      const listed = [...(device.scopes ?? []), ...(device.approvedScopes ?? [])];
      const covered = new Set(snapshot.release.tokenScopesImplied ? implied(listed) : listed);
      const tokenOnly = [...new Set(device.tokens.filter((t) => t.role === 'operator' && !t.revokedAtMs).flatMap((t) => t.scopes ?? []))].filter((s) => !covered.has(s));
      const named = tokenOnly.flatMap((s) => ['--scope', s]);
      const reads = snapshot.release.baseline === 'approved-then-scopes' ? '`approvedScopes` (then `scopes`)' : snapshot.release.baseline === 'scopes' ? '`scopes`' : '`scopes` (then `approvedScopes`)';
      findings.push({
        id: 'token-scopes-diverge',
        severity: 'warning',
        title: `The scope lists of ${isHost ? "this host's device" : `device ${shortId(device.deviceId)}`} disagree`,
        impact: `A client can pass one check and fail the other: on this release the connect check reads ${reads}, device-token logins read \`tokens.operator.scopes\` (and 2026.3.12+ rejects tokens above \`approvedScopes\`).`,
        explanation:
          'OpenClaw keeps three overlapping lists of what a device may do. They disagree here, usually after a manual edit or a rotation that changed only one of them. Fixing only one list is a half fix.',
        deviceId: device.deviceId,
        evidence: lines,
        fix: {
          command: isHost ? command('rotate', ...named) : command('rotate', '--device', device.deviceId, ...named),
          automatic: tokenOnly.length === 0,
          steps: tokenOnly.length
            ? [`The device token carries ${scopeList(tokenOnly)}, which the device is not approved for. openclaw-fix never removes a scope: the lists agree once you approve those (the command names them), or re-issue the token within the approved scopes with \`openclaw devices rotate\`.`]
            : ['openclaw-fix rotate adds what is missing so all lists agree; it never removes a scope.'],
        },
      });
    }
    return findings;
  },
};
