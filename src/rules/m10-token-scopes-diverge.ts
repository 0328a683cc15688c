/** M10: `scopes`, `approvedScopes` and `tokens.<role>.scopes` disagree (a half-done manual edit or rotation). */
import type { FindingArgs } from '../core/findings.js';
import type { Finding } from '../core/model.js';
import { sameList } from './family.js';
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
  detect({ snapshot, host }) {
    const findings: Finding[] = [];
    // On releases whose gateway writes token scopes normalized, [pairing, read, admin] and its token
    // [admin, pairing, read, write] are the same grant, not a divergence: compare what each list implies.
    const same = snapshot.release.tokenScopesImplied ? (a: readonly string[], b: readonly string[]) => sameSet(implied(a), implied(b)) : sameSet;
    // The same list in the same order is the same set, whatever the comparison: checked first, without Sets.
    const agree = (a: readonly string[], b: readonly string[]) => sameList(a, b) || same(a, b);
    for (const device of snapshot.store.devices) {
      const scopes = device.scopes ?? [];
      let lines: FindingArgs['token-scopes-diverge']['lists'] | undefined;
      let tokenDiffers = false;
      for (const token of device.tokens) {
        if (token.role !== 'operator' || token.revokedAtMs) continue;
        if (token.scopes && device.scopes && !agree(token.scopes, scopes)) {
          tokenDiffers = true;
          (lines ??= []).push({ name: 'scopes', scopes }, { name: `tokens.${token.role}.scopes`, scopes: token.scopes });
        }
      }
      if (snapshot.release.hasApprovedScopes && device.approvedScopes && device.scopes && !agree(device.approvedScopes, scopes)) {
        (lines ??= []).push({ name: 'approvedScopes', scopes: device.approvedScopes });
        // The device's own scopes head the evidence once, whichever list disagrees with them.
        if (!tokenDiffers) lines.unshift({ name: 'scopes', scopes });
      }
      if (lines === undefined) continue;
      const isHost = device.deviceId === host?.deviceId;
      // rotate only adds: a token wider than the approved lists agrees with them only once those scopes are
      // approved too, which is a grant the user names (--scope), never one openclaw-fix makes alone.
      const listed = [...(device.scopes ?? []), ...(device.approvedScopes ?? [])];
      const covered = new Set(snapshot.release.tokenScopesImplied ? implied(listed) : listed);
      const tokenOnly = [...new Set(device.tokens.filter((t) => t.role === 'operator' && !t.revokedAtMs).flatMap((t) => t.scopes ?? []))].filter((s) => !covered.has(s));
      const named = tokenOnly.flatMap((s) => ['--scope', s]);
      findings.push({
        id: 'token-scopes-diverge',
        severity: 'warning',
        deviceId: device.deviceId,
        args: {
          isHost,
          deviceId: device.deviceId,
          lists: lines,
          baseline: snapshot.release.baseline,
          tokenOnly,
          command: isHost ? ['rotate', ...named] : ['rotate', '--device', device.deviceId, ...named],
        },
      });
    }
    return findings;
  },
};
