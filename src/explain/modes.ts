/**
 * The failure catalog in one table (docs/openclaw.md "Failure modes"): one entry per mode and look-alike,
 * in plain language. `explain` prints these; the doctor rules take their one-line descriptions from here so
 * the README, doctor and explain name each mode the same way. A mode's name is core/findings.ts's (modeName).
 */

import { modeName, type ModeId } from '../core/findings.js';

export type { ModeId };

export interface ModeInfo {
  id: ModeId;
  /** One line: what goes wrong. */
  title: string;
  /** The releases it occurs on, in words (the rules use the knowledge table for the same facts). */
  versions: string;
  /** What happens and why, plainly. */
  why: string;
  /** The next step; official commands first. Never a bind change, disabled device auth, auth-mode switch, token rotation or `--latest`. */
  next: string;
  /** What to look at on the machine to be sure. */
  check: string;
  /** Look-alikes: the device store is fine and nothing should be edited. */
  lookAlike?: boolean;
}

const DOCTOR = 'run `openclaw-fix doctor` on the gateway host (add `--openclaw-version <v>` if it cannot find the install)';

export const MODES: Record<ModeId, ModeInfo> = {
  M01: {
    id: 'M01',
    title: "The gateway's own internal calls (cron delivery, announce, sessions_spawn) loop on operator.write",
    versions: '2026.2.19 - 2026.2.21; fixed in 2026.2.22',
    why: "The gateway's internal calls sign with this host's device and ask for operator.write (or operator.read). The host was paired with the old CLI bundle [operator.admin, operator.approvals, operator.pairing]; on 2.19/2.21 admin does not cover write and no scope upgrade is approved silently, so the gateway refuses itself, files a repair request nobody is asked to approve, and closes with 1008 \"pairing required\". Restarting does not help.",
    next: 'Upgrade to OpenClaw 2026.2.22 or later (`npm install -g openclaw@latest`), where admin covers write; or run `openclaw-fix rotate` (adds exactly operator.read/operator.write to the host device, gateway stopped, with a backup).',
    check: `${DOCTOR}: it compares the host device (identity/device.json) with what internal calls ask; \`openclaw-fix logs\` shows the scope-upgrade lines with client=gateway-client.`,
  },
  M02: {
    id: 'M02',
    title: 'A device paired with an older/narrow bundle (Control UI, TUI, app, third-party client) lacks operator.read/write',
    versions: '2026.2.14 - 2.21 (and the 3.13 Control UI bundle); third-party clients on any release',
    why: 'The 2.19 scope split made old baselines insufficient: a device holding only [operator.admin, operator.approvals, operator.pairing] (or [operator.admin]) cannot do read/write RPCs on releases where admin does not cover them, and some clients ask for the old bundle themselves.',
    next: 'Upgrade to 2026.2.22 or later (admin then covers read/write); for a third-party client, update the client so it asks for read+write; approve the pending request for that device (`openclaw devices approve <requestId>`) after checking its deviceId and publicKey.',
    check: `${DOCTOR}: it lists every paired device whose scopes lack read/write on your release, with its clientId and remoteIp.`,
  },
  M03: {
    id: 'M03',
    title: 'The CLI on this host is locked out: its device is approved for less than the CLI asks (read-only, pairing-only, admin-only)',
    versions: '2.19 - 2.21 and ~3.28 - 8.0 for local clients; any release for remote/device-token clients',
    why: "A device's approval baseline is fixed by its FIRST connection. A status/health probe (or a minimal bootstrap) paired the host with fewer scopes than the CLI asks; later commands ask more, the upgrade is not approved silently on this release, and the only local approver is that same narrow device: a deadlock by design, not corruption.",
    next: 'On the gateway host: `openclaw devices list`, then immediately `openclaw devices approve <requestId>` (2.21+: the CLI prints "Direct scope access failed; using local fallback." and approves in the local store); or `openclaw-fix rotate` (host device only, gateway stopped, backup).',
    check: `${DOCTOR}: it compares the host device's scopes with this release's CLI bundle and shows the pending request (what it asks vs what the device holds).`,
  },
  M04: {
    id: 'M04',
    title: 'An update made clients ask for a scope existing devices do not hold',
    versions: 'any update that adds a requested scope while upgrades are not silent: 2.19, ~3.28 - 8.0 (4.8 native approvals, 4.15 talk.secrets, 5.7 cron write)',
    why: 'The new release asks for a scope (e.g. operator.talk.secrets from 4.15, operator.write for native approvals) that devices approved under the old release lack; no migration re-grants it and scope upgrades are not silent, so subsystems loop minutes after `openclaw update`.',
    next: 'Approve the pending upgrade for your own devices (`openclaw devices list` then `openclaw devices approve <requestId>`, after checking deviceId and publicKey); for the host device `openclaw-fix rotate` adds exactly the new default scopes. Grant the delta only, never every scope.',
    check: `${DOCTOR}: after an update it lists every paired device that lacks a scope the installed release's own clients ask for.`,
  },
  M05: {
    id: 'M05',
    title: 'Internal calls or the local CLI reach the gateway over a LAN/container/tailnet address and are treated as remote',
    versions: 'all releases; worst on 2.x and 4.29+ in containers',
    why: '"Local" is decided by the peer address. With gateway.bind lan/tailnet (or Docker NAT) the gateway\'s own clients connect from a non-loopback IP (`Source: local lan 172.18.0.2`), and remote pairings and upgrades are never approved silently.',
    next: 'Point local clients at loopback (`ws://127.0.0.1:<port>` / OPENCLAW_GATEWAY_URL on the same host or container), then approve once: `docker exec <gateway container> openclaw devices approve <requestId>`. openclaw-fix only recommends bind changes; it never changes gateway.bind, and disabling device auth is not a fix.',
    check: `${DOCTOR}: it reads gateway.bind and the remoteIp of paired records and pending requests.`,
  },
  M06: {
    id: 'M06',
    title: "A device's platform/deviceFamily changed (OS update, client reports another string) and must be re-approved",
    versions: '~2026.2.26 onward (macOS app refresh fixed ~6.x; other clients still approval-bound)',
    why: 'The gateway pins device metadata; a benign OS/version string change is indistinguishable from a different device, so it files a metadata-upgrade repair request and closes with 1008.',
    next: 'Check the pending request has the SAME deviceId and publicKey as the paired record, then `openclaw devices approve <requestId>` right after `openclaw devices list`; fix a client that sends a wrong platform string.',
    check: `${DOCTOR}: it compares the pending request's platform with the pinned one and checks deviceId + publicKey.`,
  },
  M07: {
    id: 'M07',
    title: 'A device approved for one role (e.g. node) asks for another (operator)',
    versions: 'all releases; stricter from ~4.x and 9.x',
    why: 'Roles are approved separately; a device asking for a role it was not approved for gets a role-upgrade request and 1008. Hand-seeded records without role/roles trigger the same.',
    next: 'Approve the role upgrade from an authorised device (`openclaw devices approve <requestId>`, after checking deviceId and publicKey). Never add node or operator roles by editing files.',
    check: `${DOCTOR}: it compares pending requests' role with the paired roles.`,
  },
  M08: {
    id: 'M08',
    title: "The client's cached device token no longer matches the store",
    versions: 'mostly 2.14 - 2.21; any release after a rotate or identity change for device-token clients',
    why: 'The device token is a second credential: rotate mints a new one, re-pairing or a new identity orphans the old one, and some releases clear the client copy. The gateway then refuses with `unauthorized: device token mismatch`.',
    next: 'For a local CLI with gateway.auth.token configured, the shared token is enough: clear only the stale cached role entry in identity/device-auth.json (the client re-caches on connect); remote clients: re-pair or have an admin device rotate and deliver the new token. Never copy token values between files.',
    check: `${DOCTOR}: it compares identity/device-auth.json with the paired record by digest (never by value).`,
  },
  M09: {
    id: 'M09',
    title: "This host's identity was regenerated, removed or duplicated: the gateway sees a new, unpaired device",
    versions: 'all releases',
    why: 'Pairing is bound to the key pair in identity/device.json; a reinstall, wiped volume, unreadable file or a second client with its own identity makes a new device (`reason=not-paired`). Locally it re-pairs with the scopes of whatever connects first; remotely it needs approval.',
    next: 'Restore identity/device.json from a backup if you have one; otherwise let the host re-pair with a full CLI command first (`openclaw devices list`, not `openclaw status`), then remove stale records of the same host after confirming they are not other machines. Persist ~/.openclaw in containers.',
    check: `${DOCTOR}: it checks that identity/device.json's deviceId is a key of paired.json with the same publicKey.`,
  },
  M10: {
    id: 'M10',
    title: "A device's scopes, approvedScopes and tokens.<role>.scopes disagree",
    versions: 'all releases (2.19 - 2.20 narrowing rotations; 3.12+ rejects tokens above approvedScopes)',
    why: 'OpenClaw keeps three overlapping lists of what a device may do; a rotation or half-done manual edit changed one. The connect check and the token check then disagree, and the device loops on scope upgrades.',
    next: '`openclaw-fix rotate` makes the lists consistent in one atomic write (gateway stopped, backup; it never adds admin unless named); on 9.x use `openclaw devices rotate --device <id> --role node --no-scopes` for a legacy node token.',
    check: `${DOCTOR}: it compares the three lists for every device.`,
  },
  M11: {
    id: 'M11',
    title: 'The documented `devices rotate --scope` workaround no longer widens the device',
    versions: '2.21+ (bounded by approvedScopes); 7.x+ denies with reason codes',
    why: 'From 2.21 rotate cannot move the connect baseline beyond approvedScopes: it "succeeds" and the loop stays, or (7.x+) fails with `device token rotation denied` / `scope-outside-approved-baseline`. It also mints a new token value.',
    next: 'Approve the pending upgrade instead (`openclaw devices approve <requestId>`, that is what moves the baseline), or `openclaw-fix rotate` with the gateway stopped.',
    check: `${DOCTOR}: it shows tokens whose scopes exceed the connect baseline after a rotation.`,
  },
  M12: {
    id: 'M12',
    title: 'The request you try to approve is gone or replaced (`unknown requestId`)',
    versions: '4.x - 6.x supersede with a new requestId; requests expire after 5 minutes on every release',
    why: 'Each reconnect files or supersedes a pending request, and requests older than 5 minutes are pruned; the id you copied is stale by the time you approve it.',
    next: 'Stop the client that keeps reconnecting, then list and approve in one step from the gateway host: `openclaw devices list` and immediately `openclaw devices approve <requestId>`; re-check the scopes of the exact request you approve.',
    check: `${DOCTOR}: it lists pending requests per device with their age.`,
  },
  M13: {
    id: 'M13',
    title: 'Nobody local may approve: the approver lacks operator.admin / operator.pairing',
    versions: '4.20+ (own requests only), 4.29+ (approve needs operator.admin); 5.2 before the 5.3 retry fix',
    why: 'Approving needs operator.pairing (admin from 4.29); when every paired device lacks it, approve fails with `missing scope: operator.admin` and requests pile up.',
    next: 'Approve from the gateway host over loopback with the shared gateway token (`openclaw devices approve <requestId> --token <gateway.auth.token>`, 5.3+ retries with admin), or from a device that holds admin; otherwise `openclaw-fix rotate` for the host device.',
    check: `${DOCTOR}: it checks whether any paired device holds the scopes approval needs on your release.`,
  },
  M14: {
    id: 'M14',
    title: 'Automation stopped approving after an update: `devices approve --latest` only previews',
    versions: 'preview-only by 5.5 (confirmed 6.11); 2.19 - 4.2 approved the newest request',
    why: 'On current releases `openclaw devices approve` without a requestId (or with --latest) prints the selected request (`"selected": {...}`) and exits 1 without approving: a deliberate safety change, so installers and scripts that relied on it stop and devices stay pending.',
    next: 'Read `openclaw devices list --json`, select by deviceId and the expected scopes, and approve that exact id: `openclaw devices approve <requestId>`. Never reintroduce a blind "approve latest".',
    check: `${DOCTOR}: it lists the pending requests with the exact approve command for each.`,
  },
  M15: {
    id: 'M15',
    title: 'paired.json / pending.json is corrupt, empty, of the wrong shape, or lost',
    versions: '<= 4.2 reads a broken file as empty and overwrites it; 6.11/7.x fail closed',
    why: 'A store that does not parse is read as EMPTY on older releases (every device unpaired, next write drops them all) or refused on newer ones (every connection closes).',
    next: 'Stop the gateway first, restore the last good copy (`openclaw-fix restore --list`, *.bak, paired.json.*.tmp), and check it with `openclaw-fix doctor` before starting.',
    check: `${DOCTOR}: it parses paired.json/pending.json and reports the exact position of the problem.`,
  },
  M16: {
    id: 'M16',
    title: '2026.8.1+: pairing lives in state/openclaw.sqlite; the JSON files are no longer the store',
    versions: '2026.8.1 and later',
    why: 'Devices, identity and device tokens moved to SQLite; legacy JSON files are imported once and renamed *.migrated. Edits to devices/paired.json change nothing, failed imports repeat (`device pairing store migration failed`), and re-created legacy files trip fail-closed guards.',
    next: 'Stop the gateway and run `openclaw doctor --fix` (on 8.1 move a legacy exec-approvals.json aside first); change pairing only through `openclaw devices ...`; find what recreates legacy files before removing them.',
    check: `${DOCTOR}: it looks for state/openclaw.sqlite, *.migrated files and leftover JSON.`,
  },
  L1: {
    id: 'L1',
    title: 'Look-alike: "missing scope: operator.read" from status/probe with a healthy, fully paired device',
    versions: '2026.3.12/3.13 - ~4.21',
    why: 'Status/probe/logs clients that authenticate with the shared token and no device identity get their self-declared scopes cleared (GHSA-rqpp-rjj8-7wv8). The connection is accepted (no 1008); only the RPC is refused. The device store is fine.',
    next: 'Nothing to edit and nothing to rotate: upgrade OpenClaw (fixed by ~2026.4.22). `openclaw gateway call status` works meanwhile.',
    check: `${DOCTOR}: it should show every device healthy; that is the diagnostic signal.`,
    lookAlike: true,
  },
  L2: {
    id: 'L2',
    title: 'Look-alike: the shared gateway token differs between the service environment and the config (or was deleted)',
    versions: 'all releases (2.14 `gateway install` bakes the token into the unit; 9.3 reload can delete gateway.auth)',
    why: 'The gateway service starts with one token and clients use another: `unauthorized: gateway token mismatch`, `AUTH_TOKEN_MISMATCH`, `gateway token missing`. Not a pairing problem; the device store is fine.',
    next: 'Make the service use the token in openclaw.json: re-run `openclaw gateway install` (it rewrites the unit from the config), then `systemctl --user daemon-reload && systemctl --user restart openclaw-gateway`. Do not edit the device store, and do not generate a new token as a pairing fix.',
    check: `${DOCTOR}: it compares the token digest in the service unit/env file with the config's.`,
    lookAlike: true,
  },
  L3: {
    id: 'L3',
    title: 'Look-alike: 1000/1006 closes on a busy or slow gateway (pre-auth handshake timeout)',
    versions: '2026.3.13 - 3.21 (3 s timeout); fixed in 3.22 (10 s, OPENCLAW_HANDSHAKE_TIMEOUT_MS); WSL reports on 4.26',
    why: 'The gateway closed the socket before the handshake finished (`"cause":"handshake-timeout"`, `code=1000 reason=n/a`). Not a pairing problem; the device store is fine.',
    next: 'Upgrade to 2026.3.22 or later (or raise OPENCLAW_HANDSHAKE_TIMEOUT_MS / gateway.handshakeTimeoutMs). Nothing to edit in the device store.',
    check: `${DOCTOR}: it should show the devices healthy; the gateway log's "cause" field tells a timeout from a pairing close.`,
    lookAlike: true,
  },
  L4: {
    id: 'L4',
    title: 'Look-alike: browser-side 1008s that are not scope problems (insecure context, missing device identity)',
    versions: 'all releases',
    why: 'The Control UI needs a secure context (HTTPS or localhost) to create a device identity; over plain HTTP on a LAN address it is refused with `control ui requires HTTPS or localhost (secure context)` / `device identity required`. The device store is fine.',
    next: 'Open the UI over HTTPS or on localhost (e.g. an SSH tunnel) with the tokenized dashboard URL, then approve the new browser device: `openclaw devices approve <requestId>`. Do not disable device auth (allowInsecureAuth / dangerouslyDisableDeviceAuth) and do not edit the store.',
    check: `${DOCTOR}: it flags controlUi.allowInsecureAuth / dangerouslyDisableDeviceAuth and shows pending browser devices.`,
    lookAlike: true,
  },
};

export const MODE_IDS = Object.keys(MODES) as ModeId[];

/** The rule description for a mode: `M05 internal-call-not-loopback: <title>`. */
export function describeMode(id: ModeId): string {
  const m = MODES[id];
  return `${m.id} ${modeName(id)}: ${m.title}`;
}

/** The sentence every look-alike finding ends with. */
export const LOOK_ALIKE_NOTE = 'The device store is fine: do not edit paired.json, rotate device tokens or change the gateway token for this.';
