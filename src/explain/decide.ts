/**
 * When a paste fits several modes, the one fact that would tell the two leading ones apart: a release, a
 * scope list, a client id, a file, a log line. Written per pair from the catalog's "on disk"/"logs" columns.
 */
import type { ModeId } from './modes.js';

const HOST = "whose device it is: this host's own deviceId (`identity/device.json`) points at M01 (its internal calls), another client's (Control UI, TUI, an app) at M02";
const RELEASE_219 = '`openclaw --version`: M01 exists only on 2026.2.19-2.21 (fixed in 2.22)';

const PAIRS: Record<string, string> = {
  'M01|M02': `${HOST}; and ${RELEASE_219}.`,
  'M01|M03': 'which client asks (the `client=` of the `security audit ... scope-upgrade` line): `gateway-client` (cron, announce, sessions_spawn) points at M01 on 2.19-2.21, `cli` at M03.',
  'M01|M04': `${RELEASE_219}; on a later release, right after \`openclaw update\`, a scope the new release added points at M04.`,
  'M01|M05': 'the peer address of the refused connection (`remote=` in `[ws] closed before connect`, or `Source:`): loopback points at M01, a LAN/container/tailnet address at M05.',
  'M01|M10': "the device's three lists in paired.json: `scopes`, `approvedScopes`, `tokens.operator.scopes` disagreeing points at M10; all equal to the old CLI bundle at M01.",
  'M02|M03': 'the `clientId` of the device that asks: `cli` points at M03; `openclaw-control-ui`, `webchat`, `openclaw-tui` or an app at M02.',
  'M02|M04': 'whether the missing scope was added by the release just installed (e.g. operator.talk.secrets from 4.15): yes points at M04; read/write missing on 2.19-2.21 at M02.',
  'M03|M04': 'the release before and after the last `openclaw update`: if the scope the device lacks is one the new release added, M04; if the device was narrow before (read-only, pairing-only), M03.',
  'M03|M05': 'the peer address of the refused connection (`Source: local loopback` vs `local lan <ip>`, `remote=` in the gateway log): a non-loopback address points at M05.',
  'M03|M09': "whether this host's deviceId (`identity/device.json`) is a key in paired.json (or a row in device_pairing_paired): absent points at M09, present with narrow scopes at M03.",
  'M03|M10': "the device's `scopes`, `approvedScopes` and `tokens.operator.scopes`: if they disagree, M10; if all equal and narrow, M03.",
  'M04|M10': "the device's `scopes`, `approvedScopes` and token scopes: if they disagree, M10; if they agree and lack only a newly added scope, M04.",
  'M03|M13': 'the scopes of the device you approve from: without operator.admin (4.29+) or operator.pairing it cannot approve (M13); with them, the request is simply pending (M03).',
  'M06|M08': 'the gateway log line for the refused connection: `reason=metadata-upgrade` (claimedPlatform vs pinnedPlatform) points at M06, `device_token_mismatch` at M08.',
  'M08|M10': 'the gateway log line for that connection: `reason=device_token_mismatch` points at M08; a token whose scopes exceed `approvedScopes` (doctor: "outside the approved scope baseline") at M10.',
  'M09|M15': 'whether paired.json parses and holds devices: an empty/invalid/unreadable file (every device unpaired at once) points at M15; a valid file without this host\'s deviceId at M09.',
  'M09|M16': 'whether `state/openclaw.sqlite` exists (2026.8.1+): then the identity lives in SQLite and a leftover `identity/device.json` is M16; without it, a missing or unreadable device.json is M09.',
  'M15|M16': 'the release and whether `state/openclaw.sqlite` exists: on 8.1+ with the database the JSON files are leftovers (M16); on a JSON-era release an unreadable paired.json is M15.',
  'L1|M02': 'whether the connection was accepted: `missing scope: operator.read` on status/probe with no 1008 close is L1 (nothing to fix in the store); a 1008 `pairing required` close is M02.',
  'L3|M15': 'the gateway file log\'s `cause` for the 1000 close: `handshake-timeout` is L3; a store read error (`JsonFileReadError`) is M15.',
};

const GENERIC =
  'the gateway log line for the refused connection (`security audit: device access upgrade requested ... scopesFrom=... scopesTo=... client=...`) together with `openclaw --version`; `openclaw-fix doctor` on the gateway host compares both with the store.';

/** The deciding fact between the two leading candidates, or null when one mode stands alone. */
export function decidingFact(modes: { mode: ModeId; score: number }[]): string | null {
  if (modes.length < 2) return null;
  const [a, b] = modes;
  // A clear leader needs no tie-break: the second is far behind.
  if (b!.score < a!.score / 2) return null;
  const key = [a!.mode, b!.mode].sort().join('|');
  return `${a!.mode} or ${b!.mode}: ${PAIRS[key] ?? GENERIC}`;
}
