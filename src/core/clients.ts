/**
 * Predicts, from files alone, what the gateway does when each local client connects: the CLI, and the
 * gateway's own internal calls (cron delivery/announce ask operator.write via `send`, the health probe
 * asks operator.read). This mirrors the gateway's connect check (docs/openclaw.md), driven by the table.
 */
import { CLI_COMMANDS, INTERNAL_CALLS, scopeForMethod, unsatisfiedScopes, type ReleaseKnowledge } from './knowledge.js';
import { type ClientKind, type ClientVerdict, type DeviceRecord, isUnusable, type Snapshot, type TokenInfo, type VerdictReason, type VerdictWhy } from './model.js';

const LOCAL_BINDS = new Set([undefined, 'loopback', 'auto']);

export function hostDevice(snapshot: Snapshot): DeviceRecord | undefined {
  const id = snapshot.identity.deviceId;
  return id ? snapshot.store.devices.find((d) => d.deviceId === id || d.key === id) : undefined;
}

/** The scopes the connect check compares against on this release. */
export function connectBaseline(release: ReleaseKnowledge, device: DeviceRecord): string[] {
  if (release.baseline === 'scopes') return device.scopes ?? [];
  if (release.baseline === 'approved-then-scopes') return device.approvedScopes ?? device.scopes ?? [];
  return device.scopes ?? device.approvedScopes ?? [];
}

/** How local clients authenticate: the shared secret when one is configured, else the device token. */
export function localAuth(snapshot: Snapshot): 'token' | 'password' | 'none' | 'device-token' {
  const { config } = snapshot;
  if (config.authMode === 'none') return 'none';
  // Without a mode the gateway takes the password when one is set, the token otherwise (resolveGatewayAuth:
  // `mode ?? (password ? "password" : "token")`, read in 1.30, 2.19, 4.29, 7.35 and 9.6).
  if (config.authMode === 'password' || (!config.authMode && config.hasPassword)) return 'password';
  if (config.hasSharedToken) return 'token';
  // 2.19+ generates and saves gateway.auth.token at first start, so a config without one is a fresh install.
  if (config.file.status === 'missing') return 'token';
  return 'device-token';
}

export function isLocalBind(snapshot: Snapshot): boolean {
  return LOCAL_BINDS.has(snapshot.config.bind);
}

export interface ClientSpec {
  client: ClientKind;
  clientId: string;
  clientMode: string;
  method: string;
  requests: string[];
}

export function clientSpecs(release: ReleaseKnowledge): ClientSpec[] {
  const cli: ClientSpec = { client: 'cli', clientId: 'cli', clientMode: 'cli', method: '(CLI commands)', requests: [...release.cliDefaultScopes] };
  const internal = INTERNAL_CALLS.map((call) => ({
    client: call.client,
    clientId: 'gateway-client',
    clientMode: 'backend',
    method: call.method,
    requests: release.internalCallsLeastPrivilege ? [scopeForMethod(call.method)] : [...release.cliDefaultScopes],
  }));
  const commands = CLI_COMMANDS.map((c) => ({
    client: c.client,
    clientId: 'cli',
    clientMode: 'cli',
    method: `${c.method} (${c.command})`,
    requests: release.cliPerCommandScopes ? [scopeForMethod(c.method)] : [...release.cliDefaultScopes],
  }));
  // From 5.28 no CLI command asks the whole bundle: predicting it would make rotate grant scopes nobody asks.
  return release.cliPerCommandScopes ? [...internal, ...commands] : [cli, ...internal, ...commands];
}

/**
 * The CLI verdict rules speak about: the bundle client where the CLI asks its bundle; from 5.28 the weakest
 * refused command class (a refused `cron list` breaks more than a refused `cron rm`), else `cron list`'s.
 */
export function cliClient(clients: readonly ClientVerdict[]): ClientVerdict | undefined {
  const bundle = clients.find((c) => c.client === 'cli');
  if (bundle) return bundle;
  const commands = (['cli-read', 'cli-write', 'cli-admin'] as const).map((k) => clients.find((c) => c.client === k)).filter((c): c is ClientVerdict => !!c);
  return commands.find((c) => c.verdict === 'refused') ?? commands[0];
}

/**
 * Refused because the cached device token is not the record's live one (1.x presents it first): no scope is
 * missing, so no grant fixes it; it is M08's (device-token-mismatch), not a scope loop.
 */
export function staleToken(c: ClientVerdict): boolean {
  return c.reason === 'device-token-mismatch' && c.missing.length === 0;
}

/** The client's cached copy is not the record's live token: another value, revoked, or gone from the record. */
export function cachedTokenStale(cached: TokenInfo, paired: TokenInfo | undefined): boolean {
  return !paired?.digest || paired.digest !== cached.digest || Boolean(paired.revokedAtMs);
}

export function isInternalClient(kind: ClientKind): boolean {
  return kind === 'internal-write' || kind === 'internal-read';
}

export function predictClients(snapshot: Snapshot): ClientVerdict[] {
  return clientSpecs(snapshot.release).map((spec) => predictClient(snapshot, spec));
}

export function predictClient(snapshot: Snapshot, spec: ClientSpec): ClientVerdict {
  const { release } = snapshot;
  const auth = localAuth(snapshot);
  const local = isLocalBind(snapshot);
  const base = { ...spec, auth, missing: [] as string[] };
  // The verdict is data: the gateway's reason and the case that decided it, with its facts (no sentence here).
  const allowed = (reason: VerdictReason, why: VerdictWhy): ClientVerdict => ({ ...base, verdict: 'allowed', reason, why });
  const refused = (reason: VerdictReason, why: VerdictWhy, missing: string[] = []): ClientVerdict => ({
    ...base,
    verdict: 'refused',
    reason,
    why,
    missing,
  });

  const sharedSecret = auth === 'token' || auth === 'password' || auth === 'none';
  const internal = isInternalClient(spec.client);
  if (internal && release.backendSkipsPairing && local) {
    return allowed('skips-pairing', { id: 'internal-skips-pairing', args: {} });
  }
  // The CLI leaves its device identity out only with a shared token or password on loopback (`shouldOmitDeviceIdentityForGatewayCall`,
  // 7.35-9.6); with auth none it pairs like any client (measured on 8.2: `devices list` paired the host with operator.pairing).
  if (!internal && !release.localCliSharedTokenPairs && (auth === 'token' || auth === 'password') && local) {
    return allowed('skips-pairing', { id: 'cli-shared-token', args: {} });
  }

  if (isUnusable(snapshot.store.paired) && !release.corruptStoreReadsEmpty) {
    return refused('store-unreadable', { id: 'store-unreadable', args: {} });
  }
  // autoApproveLocal: false (8.1+) stops silent local approval of first pairings too, not only of upgrades.
  const autoApproveOff = release.autoApproveLocalSetting && snapshot.config.autoApproveLocal === false;
  if (!snapshot.identity.deviceId) {
    if (local && autoApproveOff) {
      return refused('not-paired', { id: 'no-identity-approval-off', args: {} });
    }
    return local ? allowed('first-pairing', { id: 'no-identity-local', args: {} }) : refused('not-paired', { id: 'no-identity-remote', args: {} });
  }
  const device = hostDevice(snapshot);
  const unpairedSkip = release.unpairedLocalSharedAuthSkipsPairing === true || (release.unpairedLocalSharedAuthSkipsPairing === 'internal' && internal);
  if (!device && local && sharedSecret && auth !== 'none' && unpairedSkip) {
    return allowed('skips-pairing', { id: 'unpaired-shared-token', args: {} });
  }
  const keyMismatch = device && snapshot.identity.publicKey && device.publicKey && device.publicKey !== snapshot.identity.publicKey;
  if (!device || keyMismatch) {
    // Not in the store, or the record holds a different public key: either way a first pairing.
    const unpaired = { keyMismatch: Boolean(device) };
    if (local && autoApproveOff) return refused('not-paired', { id: 'unpaired-approval-off', args: unpaired });
    return local ? allowed('auto-approved', { id: 'unpaired-local', args: unpaired }) : refused('not-paired', { id: 'unpaired-remote', args: unpaired });
  }

  const roles = device.roles ?? (device.role ? [device.role] : []);
  if (roles.length > 0 && !roles.includes('operator')) {
    if (local && release.silentLocalRoleUpgrade) return allowed('auto-approved', { id: 'role-upgrade-silent', args: {} });
    return refused('role-upgrade', { id: 'role-not-operator', args: { roles } });
  }

  const tokenRefusal = cachedTokenRefusal(snapshot, device, spec.requests, auth);
  if (tokenRefusal) {
    const verdict = refused('device-token-mismatch', tokenRefusal.why, tokenRefusal.missing);
    // With a shared token the client drops the refused cached token: its next connect is the same one without it.
    const retry = auth === 'token' ? predictClient({ ...snapshot, deviceAuth: { ...snapshot.deviceAuth, tokens: [] } }, spec) : null;
    return retry?.verdict === 'allowed' ? { ...verdict, healsOnRetry: true } : verdict;
  }

  const baseline = connectBaseline(release, device);
  const missing = unsatisfiedScopes(release.scopeRule, baseline, spec.requests);
  if (missing.length === 0) {
    if (auth === 'device-token') {
      const token = device.tokens.find((t) => t.role === 'operator');
      const tokenMissing = spec.requests.filter((s) => !(token?.scopes ?? []).includes(s));
      if (!token || tokenMissing.length > 0) {
        return refused('device-token-mismatch', { id: 'device-token-lacks', args: { missing: tokenMissing } }, tokenMissing);
      }
    }
    return allowed('paired', { id: 'paired', args: {} });
  }
  const silent =
    local &&
    (release.silentLocalScopeUpgrade === 'local' ||
      (release.silentLocalScopeUpgrade === 'shared-auth-local' && sharedSecret && snapshot.config.autoApproveLocal !== false));
  if (silent) return allowed('auto-approved', { id: 'scope-upgrade-silent', args: { scopes: missing } });
  return refused('scope-upgrade', { id: 'scope-upgrade', args: { missing } }, missing);
}

/**
 * Releases that check the client's cached device token before pairing (1.x): the connect is refused unless that
 * token is the paired record's live operator token and its scopes list every scope asked (the release's token
 * check is exact, admin covers nothing). No cached token: the client sends the shared token instead. Measured with
 * a shared token (test/oracle/2026.1.30.json, each refused cell's `retry`); without one, read from the release's code.
 */
function cachedTokenRefusal(snapshot: Snapshot, device: DeviceRecord, requests: readonly string[], auth: ReturnType<typeof localAuth>): { why: VerdictWhy; missing: string[] } | null {
  // A password or auth "none" passes the shared check whatever token is presented: the device token is never tried.
  if (!snapshot.release.cachedDeviceTokenFirst || (auth !== 'token' && auth !== 'device-token')) return null;
  const { deviceAuth, identity } = snapshot;
  // The client uses its cache only when the file has its shape, names its own device id and holds a token string.
  if (deviceAuth.unloadable || !deviceAuth.deviceId || deviceAuth.deviceId !== identity.deviceId) return null;
  const cached = deviceAuth.tokens.find((t) => t.role === 'operator' && t.digest);
  if (!cached) return null;
  const paired = device.tokens.find((t) => t.role === 'operator');
  // Either way the gateway answers "unauthorized: gateway token mismatch" to the cached token.
  if (!paired || cachedTokenStale(cached, paired)) return { why: { id: 'cached-token-stale', args: {} }, missing: [] };
  const missing = requests.filter((s) => !(paired.scopes ?? []).includes(s));
  if (missing.length === 0) return null;
  return { why: { id: 'cached-token-lacks', args: { tokenScopes: paired.scopes ?? [], missing } }, missing };
}
