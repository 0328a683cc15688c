/**
 * The sentence for each case of a client verdict (src/core/clients.ts decides): why the gateway lets this host's
 * client in or refuses it. Text, --json (`clients[].explanation`) and the findings that quote a verdict (M01, M03,
 * log-contradicts-prediction) all say it through `verdictExplanation`. A case without a sentence does not compile.
 */
import type { VerdictArgs, VerdictWhy, VerdictWhyId } from '../../core/model.js';

type VerdictWording = { [Id in VerdictWhyId]: (args: VerdictArgs[Id]) => string };

const CACHED_TOKEN = 'the client presents the device token it cached in identity/device-auth.json, and the gateway answers "unauthorized: gateway token mismatch"';

/** Why a first pairing is needed: no record for this host, or a record with another key pair. */
function unpaired({ keyMismatch }: { keyMismatch: boolean }): string {
  return keyMismatch ? 'the paired record holds a different public key' : 'this host is not in the device store';
}

const VERDICT_WORDING: VerdictWording = {
  'internal-skips-pairing': () => 'local internal calls skip device pairing on this release',
  'cli-shared-token': () => 'the local CLI authenticates with the shared gateway token and is not paired on this release',
  'unpaired-shared-token': () =>
    'this host is not in the device store, and on this release a local client with the shared gateway token is let in without being paired',
  'store-unreadable': () => 'the gateway cannot read its device store and refuses every paired connection until it is repaired',
  'no-identity-local': () => 'no host identity yet: the first local client creates one and is paired silently, with the scopes it asks for',
  'no-identity-approval-off': () =>
    'no host identity yet, and gateway.nodes.pairing.autoApproveLocal is false: the first local client waits for approval ("device pairing required")',
  'no-identity-remote': () => 'no host identity, and first pairing over a non-loopback address needs approval',
  'unpaired-local': (a) => `${unpaired(a)}; a local first pairing is approved silently, with the scopes of whichever client connects first`,
  'unpaired-approval-off': (a) =>
    `${unpaired(a)}, and gateway.nodes.pairing.autoApproveLocal is false: even a local first pairing waits for approval ("device pairing required")`,
  'unpaired-remote': (a) => `${unpaired(a)}, and pairing over a non-loopback address needs approval`,
  'role-upgrade-silent': () => 'the role upgrade to operator is approved silently for local clients',
  'role-not-operator': (a) => `the device is approved for the role(s) ${a.roles.join(', ')}, not operator`,
  'cached-token-stale': () => `${CACHED_TOKEN}: the cached token is not the paired record's operator token`,
  'cached-token-lacks': (a) => `${CACHED_TOKEN}: the token is approved for ${a.tokenScopes.join(', ') || 'no scope'} and lacks ${a.missing.join(', ')}`,
  'device-token-lacks': (a) => `the device token's scopes lack ${a.missing.join(', ') || 'an operator token'}`,
  paired: () => 'the paired scopes cover the request',
  'scope-upgrade-silent': (a) => `the gateway approves the local upgrade to ${a.scopes.join(', ')} by itself on this release`,
  'scope-upgrade': (a) =>
    `asks for ${a.missing.join(', ')}, which the device does not hold; the gateway files a repair request only a human can approve and closes the socket (1008 pairing required)`,
};

/** Why the gateway lets the client in or refuses it, in one clause (no capital, no full stop: callers embed it). */
export function verdictExplanation(why: VerdictWhy): string {
  // The table is indexed by the case's own id, so its args are the ones this sentence takes.
  return (VERDICT_WORDING[why.id] as (args: VerdictWhy['args']) => string)(why.args);
}
