/** M08's sentences: this host's cached device token is stale (src/rules/m08-device-token-mismatch.ts decides). */
import { staleToken } from '../../core/clients.js';
import type { FindingArgs } from '../../core/findings.js';
import { MODES } from '../../explain/modes.js';
import type { WordingTable } from './types.js';
import { logLine, shortId } from './words.js';

type Stale = Extract<FindingArgs['device-token-mismatch'], { kind: 'stale' }>;

/** What is wrong with the cached token, as the paired record says it: revoked there, gone from it, or another value. */
function staleCause(a: Stale): string {
  if (a.otherDevice || a.tokens.length === 0) return 'does not match the device store';
  if (a.tokens.every((t) => t.revoked)) return 'is revoked in the device store';
  if (a.tokens.every((t) => t.paired === '(none)')) return 'is no longer in the device store';
  return 'does not match the device store';
}

export const m08Wording: WordingTable<'device-token-mismatch'> = {
  'device-token-mismatch': (a, say) => {
    if (a.kind === 'refused-once') {
      // Refused for a token that is not the record's live one (no scope missing), or for one approved for too little.
      const stale = a.clients.some(staleToken);
      const narrow = a.clients.some((c) => !staleToken(c));
      const cause =
        stale && narrow
          ? "its cached device token is not the paired record's live token, and is approved for less than some clients ask"
          : stale
            ? "its cached device token is not the paired record's live token (replaced, revoked or gone)"
            : 'its cached device token is approved for less than the clients ask';
      const check = stale
        ? `the gateway checks that token first${narrow ? ', and its scopes' : ''}: it is not the paired record's live operator token${narrow ? ', or lacks a scope the client asks' : ''}. `
        : "the gateway checks that token's scopes first. ";
      const retry = narrow
        ? 'the gateway approves the local upgrade by itself (widening the device to what the client asks, operator.admin included on this release) and caches a token that covers it.'
        : 'the device already holds what the client asks, so it is let in.';
      return {
        title: `This host's next gateway connect is refused once: ${cause}`,
        impact: 'The next CLI command, cron delivery or health check fails once with "unauthorized: gateway token mismatch"; the attempt after it works. Nothing loops.',
        explanation:
          `On this release the client presents the device token it cached in identity/device-auth.json before the shared token, and ${check}` +
          `It is refused, the client drops the cached token, and its next connect uses the shared token: ${retry}`,
        evidence: a.clients.map(
          (c) =>
            `${c.clientId}/${c.clientMode} ${c.method} asks ${c.requests.join(', ')} -> refused once (${c.reason}: ${staleToken(c) ? "not the record's live token" : `the token lacks ${c.missing.join(', ')}`}), let in on the retry`,
        ),
        fix: {
          automatic: false,
          steps: ['Nothing to repair. To take the one failure now rather than on a cron delivery: run `openclaw devices list` twice (the first is refused, the second re-pairs and caches a token that covers the CLI bundle).'],
        },
      };
    }
    if (a.kind === 'unloadable') {
      const problem = { version: 'has no "version": 1', 'device-id': 'names no device id', tokens: 'has no "tokens" object' }[a.problem];
      return {
        title: "identity/device-auth.json is not in the shape this host's clients read; they ignore it",
        impact: 'None: no connect presents a cached token from it, so it refuses nothing.',
        explanation:
          'OpenClaw\'s clients load identity/device-auth.json only as {"version": 1, "deviceId": <their own device id>, "tokens": {...}} and treat anything else as no cache. ' +
          `This one ${problem}, so every connect signs in with the shared token or pairs afresh, and the next connect that is handed a device token writes the file anew.`,
        evidence: [`identity/device-auth.json ${problem}`],
        fix: { automatic: false, steps: ['Nothing to repair.'] },
      };
    }
    if (a.kind === 'other-device') {
      return {
        title: "identity/device-auth.json holds a token cached for another device; this host's clients ignore it",
        impact: 'None: no connect presents it, so it refuses nothing.',
        explanation:
          "OpenClaw's clients load a cached device token only when identity/device-auth.json names their own device (identity/device.json). " +
          'This one names another device, so every connect signs in with the shared token or pairs afresh, and the next connect that is handed a device token overwrites the file. ' +
          'It is usually left behind when identity/device.json was replaced or the state directory was copied from another host.',
        evidence: [`identity/device-auth.json is for device ${shortId(a.cached)}, identity/device.json is ${shortId(a.identity)}`],
        fix: { automatic: false, steps: ['Nothing to repair.'] },
      };
    }
    const sharedStep = a.sqlite
      ? `Stop the gateway, delete only this host's stale row from the device_auth_tokens table of ${a.storePath} (device_id ${shortId(a.deviceId ?? '')}, the role above; the client re-caches it from the next hello-ok), start it. Or run \`${say.command(['rotate', '--new-token'])}\`: one new value in the paired record's tokens_json and in device_auth_tokens, in one transaction. Never copy a token value out of tokens_json.`
      : 'Stop the gateway, remove only the stale role entry under "tokens" in identity/device-auth.json (the client re-caches it from the next hello-ok), start it. Never copy a token value from paired.json.';
    return {
      title: `This host's cached device token ${staleCause(a)}${a.healsOnRetry ? ': its next gateway connect is refused once' : ''}`,
      impact: a.healsOnRetry
        ? 'On this release each client presents the cached token first: its next CLI command, cron delivery or health check fails once with "unauthorized: gateway token mismatch", then it drops the cached token and the retry with the shared token works. Nothing loops.'
        : 'Clients that log in with the device token are refused: "unauthorized: device token mismatch (rotate/reissue device token)".',
      explanation:
        MODES.M08.why +
        (a.shared ? ' A shared gateway token is configured, so the local CLI can authenticate with it; the stale cached copy is what trips device-token logins.' : ''),
      evidence: [
        ...(a.otherDevice ? [`identity/device-auth.json is for device ${shortId(a.otherDevice.cached)}, identity/device.json is ${shortId(a.otherDevice.identity)}`] : []),
        ...a.tokens.flatMap((t) => [
          ...(t.cached !== t.paired ? [`tokens.${t.role}: cached digest ${t.cached} differs from the paired digest ${t.paired}`] : []),
          ...(t.revoked ? [`tokens.${t.role} is revoked in the store`] : []),
        ]),
        ...a.logs.map(logLine),
      ],
      fix: {
        automatic: false,
        steps: a.shared ? [sharedStep] : ['Re-pair this client, or have an admin device run `openclaw devices rotate` and deliver the new token to it.'],
      },
    };
  },
};
