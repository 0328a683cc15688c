/**
 * One table of recognisers for the log lines of the "pairing required" family (gateway file log,
 * journal, launchd logs, client output pasted into issues). `recognise` works on a plain message
 * string, so `explain` can reuse it on pasted text; the scanner feeds it the joined tslog message.
 * The lines and their shapes: docs/openclaw.md "Logs".
 */

type LogEventKind =
  /** `security audit: device access upgrade requested reason=scope-upgrade|role-upgrade ...` (gateway). */
  | 'access-upgrade'
  /** `security audit: device metadata upgrade requested reason=metadata-upgrade ...` (gateway). */
  | 'metadata-upgrade'
  /** `closed before connect ... code=1008 reason=pairing required` or its JSON context `"cause":"pairing-required"` (gateway/ws). */
  | 'pairing-close'
  /** `announce queue drain failed for <key>: ... pairing required` (gateway's own announce queue). */
  | 'announce-failed'
  /** A cron delivery that failed on "pairing required" / a gateway close. */
  | 'cron-delivery-failed'
  /** `scope|role upgrade pending approval (requestId: ...)`, `device metadata change pending approval` (client side). */
  | 'upgrade-pending'
  /** `gateway closed (1008): pairing required[: requirement (requestId: ...)]` (client side). */
  | 'closed-pairing-required'
  /** `gateway connect failed: Error: pairing required`, `GatewayClientRequestError: pairing required` (client side). */
  | 'connect-failed'
  /** `unauthorized ... reason=device_token_mismatch`, `device token mismatch` (M08). */
  | 'token-mismatch'
  /** `"cause":"handshake-timeout"` (L3 look-alike, not pairing). */
  | 'handshake-timeout'
  /** `missing scope: operator.read` (L1 look-alike when the store is fine; M02 Control UI variant). */
  | 'missing-scope'
  /** `device pairing auto-approved device=... role=...` (the healthy counterpart). */
  | 'auto-approved'
  /** `device pairing approved device=... role=...` (a human or the CLI approved). */
  | 'approved'
  /** `device token rotated device=... role=... scopes=...`. */
  | 'token-rotated'
  /** `device pairing store migrated to SQLite: ...` (M16, success). */
  | 'store-migrated'
  /** `device pairing store migration failed: ...` (M16). */
  | 'store-migration-failed';

export interface LogEvent {
  kind: LogEventKind;
  /** scope-upgrade | role-upgrade | metadata-upgrade | not-paired | device_token_mismatch | ... */
  reason?: string;
  deviceId?: string;
  client?: string;
  /** Client mode from `unauthorized ... client=<id> <mode> v<ver>`. */
  clientMode?: string;
  ip?: string;
  auth?: string;
  roleFrom?: string[];
  roleTo?: string;
  /** Scopes the device held (audit `scopesFrom`), sorted as logged. */
  scopesFrom?: string[];
  /** Scopes the client asked for (audit `scopesTo`), or the scopes of a rotated token. */
  scopesTo?: string[];
  role?: string;
  conn?: string;
  requestId?: string;
  /** Close code when the line states one. */
  code?: number;
  /** `device is asking for more scopes than currently approved` and the like (6.11+). */
  requirement?: string;
  /** The announce queue key (`agent:main:discord:channel:<id>`). */
  key?: string;
  /** The scope named by `missing scope: <scope>`. */
  scope?: string;
  /** The method of a refused RPC (`⇄ res ✗ <method>`). */
  method?: string;
  remote?: string;
  claimedPlatform?: string;
  pinnedPlatform?: string;
  /** The error text of a failed migration. */
  error?: string;
}

interface Recogniser {
  kind: LogEventKind;
  /** Cheap first test; `extract` runs only when it passes. */
  test: RegExp;
  /** Fields from the message; returning null means "not this kind after all". */
  extract(message: string): Omit<LogEvent, 'kind'> | null;
}

/**
 * Substrings at least one of which every recognised line contains (case-sensitive, as logged). The
 * scanner searches raw bytes for these before it decodes or parses a line, which is what makes
 * multi-GB logs cheap. They are long on purpose: the scanner's multi-needle search skips up to the
 * shortest length minus one bytes per step (13 here). Keep in step with RECOGNISERS (a unit test checks every example line).
 */
export const PREFILTER_NEEDLES: readonly string[] = [
  'pairing required',
  'pairing-required',
  'Pairing required',
  'device pairing ',
  'upgrade requested',
  'pending approval',
  'token_mismatch',
  'token mismatch',
  'handshake-timeout',
  'missing scope',
  'token rotated',
];

const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
const REQUEST_ID = new RegExp(`requestId:?\\s*"?(${UUID}|[\\w.-]{6,})`);

/**
 * `key=value` pairs, a value running to the next ` key=` (values such as `claimedPlatform=macOS 26.5.0`
 * or `reason=pairing required: device is ...` contain spaces). Also accepts newlines between pairs,
 * as in pastes that wrap the audit line.
 */
export function keyValues(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /(?:^|\s)([A-Za-z][\w.-]*)=([^]*?)(?=\s+[A-Za-z][\w.-]*=|\s*$)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const key = m[1]!;
    // First occurrence wins: a trailing `code=1008 reason=pairing required` must not overwrite the audit reason.
    if (!(key in out)) out[key] = m[2]!.trim();
  }
  return out;
}

/** A JSON context object's string field, read without parsing (the object may be cut or single-quoted). */
function jsonField(text: string, key: string): string | undefined {
  const m = new RegExp(`["']${key}["']\\s*:\\s*["']([^"']*)["']`).exec(text);
  return m ? m[1] : undefined;
}

/** `operator.admin,operator.read` -> list; `<none>` and empty -> []. */
function csv(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (v === '' || v === '<none>' || v === 'none') return [];
  return v.split(',').map((s) => s.trim()).filter(Boolean);
}

/** A device id as logged: full hex, or an abbreviation from a paste (`bd129ab6...`); placeholders are dropped. */
function deviceId(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const v = value.trim().replace(/[.…]+$/, '');
  return /^[0-9a-fA-F]{6,}$/.test(v) ? v.toLowerCase() : undefined;
}

function requestId(text: string): string | undefined {
  return REQUEST_ID.exec(text)?.[1];
}

function clean<T extends object>(fields: T): T {
  for (const key of Object.keys(fields) as (keyof T)[]) if (fields[key] === undefined) delete fields[key];
  return fields;
}

const REQUIREMENT = /pairing required:\s*((?:device|role|scope)[^()\n]*?)\s*(?:\(requestId|$|\n)/;

/** In order: the first that matches wins, so specific lines (announce, cron) come before the generic closes they quote. */
const RECOGNISERS: readonly Recogniser[] = [
  {
    kind: 'access-upgrade',
    test: /device access upgrade requested/,
    extract(m) {
      const kv = keyValues(m.slice(m.indexOf('device access upgrade requested')));
      return clean({
        reason: kv.reason?.split(/\s/)[0],
        deviceId: deviceId(kv.device),
        ip: kv.ip,
        auth: kv.auth,
        roleFrom: csv(kv.roleFrom),
        roleTo: kv.roleTo,
        scopesFrom: csv(kv.scopesFrom),
        scopesTo: csv(kv.scopesTo),
        client: kv.client,
        conn: kv.conn,
      });
    },
  },
  {
    kind: 'metadata-upgrade',
    test: /device metadata upgrade requested/,
    extract(m) {
      const kv = keyValues(m.slice(m.indexOf('device metadata upgrade requested')));
      return clean({
        reason: kv.reason?.split(/\s/)[0] ?? 'metadata-upgrade',
        deviceId: deviceId(kv.device),
        ip: kv.ip,
        auth: kv.auth,
        client: kv.client,
        conn: kv.conn,
        claimedPlatform: kv.claimedPlatform,
        pinnedPlatform: kv.pinnedPlatform,
      });
    },
  },
  {
    kind: 'announce-failed',
    test: /announce queue drain failed/,
    extract(m) {
      // Only drain failures of this family: other causes (a channel down) are not pairing.
      if (!/pairing required|scope upgrade|missing scope/.test(m)) return null;
      const key = /announce queue drain failed for ([^\s]+?):?(?:\s|$)/.exec(m)?.[1];
      return clean({ key, code: closeCode(m), requirement: REQUIREMENT.exec(m)?.[1], requestId: requestId(m), reason: pairingReason(m) });
    },
  },
  {
    kind: 'cron-delivery-failed',
    test: /cron\b[^\n]*deliver|deliver[^\n]*\bcron/i,
    extract(m) {
      // A delivery failure of this family always says why: pairing required (or a pending upgrade).
      if (!/fail|error|refused/i.test(m) || !/pairing required|pending approval/.test(m)) return null;
      return clean({ code: closeCode(m), requestId: requestId(m), reason: pairingReason(m) });
    },
  },
  {
    kind: 'pairing-close',
    // The console form (`closed before connect ... reason=pairing required`) and the file log's
    // structured context (`"cause":"pairing-required"`, joined into the message before the text).
    test: /["']cause["']\s*:\s*["']pairing-required|closed before connect[^\n]*reason=pairing required|cause=pairing-required/,
    extract(m) {
      const kv = keyValues(m.slice(Math.max(0, m.indexOf('closed before connect'))));
      const ctxReason = jsonField(m, 'reason');
      const plainReason = /cause=pairing-required[^\n]*?reason=([\w-]+)/.exec(m)?.[1];
      return clean({
        reason: ctxReason ?? plainReason ?? pairingReason(m),
        deviceId: deviceId(jsonField(m, 'deviceId')),
        requestId: jsonField(m, 'requestId') ?? requestId(m),
        conn: kv.conn,
        remote: kv.remote,
        code: closeCode(m) ?? 1008,
        requirement: REQUIREMENT.exec(m)?.[1],
      });
    },
  },
  {
    kind: 'upgrade-pending',
    test: /(?:scope|role) upgrade pending approval|device metadata change pending approval/,
    extract(m) {
      const what = /(scope|role) upgrade pending approval/.exec(m)?.[1];
      return clean({ reason: what ? `${what}-upgrade` : 'metadata-upgrade', requestId: requestId(m) });
    },
  },
  {
    kind: 'closed-pairing-required',
    test: /closed \(1008\):\s*(?:device )?pairing required/,
    extract(m) {
      return clean({ code: 1008, requirement: REQUIREMENT.exec(m)?.[1], requestId: requestId(m), reason: pairingReason(m) });
    },
  },
  {
    kind: 'connect-failed',
    test: /(?:connect failed|GatewayClientRequestError|connect 失败)[^\n]*pairing required|Pairing required\. Run/,
    extract(m) {
      return clean({ requestId: requestId(m), reason: pairingReason(m), requirement: REQUIREMENT.exec(m)?.[1] });
    },
  },
  {
    kind: 'token-mismatch',
    test: /device_token_mismatch|device token mismatch/,
    extract(m) {
      const u = /unauthorized[^\n]*?client=([\w.-]+)(?:\s+([\w-]+))?/.exec(m);
      const kv = keyValues(m.slice(Math.max(0, m.indexOf('unauthorized'))));
      return clean({
        reason: 'device_token_mismatch',
        client: u?.[1],
        clientMode: u?.[2] && !u[2].startsWith('v') ? u[2] : undefined,
        conn: kv.conn,
        remote: kv.remote,
        code: closeCode(m),
      });
    },
  },
  {
    kind: 'handshake-timeout',
    test: /["']cause["']\s*:\s*["']handshake-timeout|cause=handshake-timeout/,
    extract(m) {
      return clean({ reason: 'handshake-timeout', conn: keyValues(m.slice(Math.max(0, m.indexOf('closed before connect')))).conn, code: closeCode(m) });
    },
  },
  {
    kind: 'missing-scope',
    test: /missing scope: operator\.[\w.]+/,
    extract(m) {
      const method = /⇄ res ✗ ([\w.]+)/.exec(m)?.[1];
      return clean({ scope: /missing scope: (operator\.[\w.]+)/.exec(m)?.[1], method, conn: /conn=(\S+)/.exec(m)?.[1] });
    },
  },
  {
    kind: 'auto-approved',
    test: /device pairing auto-approved/,
    extract(m) {
      const kv = keyValues(m.slice(m.indexOf('device pairing auto-approved')));
      return clean({ deviceId: deviceId(kv.device), role: kv.role });
    },
  },
  {
    kind: 'approved',
    test: /device pairing approved device=/,
    extract(m) {
      const kv = keyValues(m.slice(m.indexOf('device pairing approved')));
      return clean({ deviceId: deviceId(kv.device), role: kv.role });
    },
  },
  {
    kind: 'token-rotated',
    test: /device token rotated device=/,
    extract(m) {
      const kv = keyValues(m.slice(m.indexOf('device token rotated')));
      return clean({ deviceId: deviceId(kv.device), role: kv.role, scopesTo: csv(kv.scopes) });
    },
  },
  {
    kind: 'store-migration-failed',
    test: /device pairing store migration failed/,
    extract(m) {
      return clean({ error: /migration failed:\s*(.*)$/m.exec(m)?.[1]?.trim() });
    },
  },
  {
    kind: 'store-migrated',
    test: /device pairing store migrated to SQLite/,
    extract() {
      return {};
    },
  },
];

function closeCode(m: string): number | undefined {
  const c = /closed \((\d{4})[^)]*\)|code=(\d{4})/.exec(m);
  return c ? Number(c[1] ?? c[2]) : undefined;
}

/** The gateway reason behind a client-side "pairing required", from the 6.11+ requirement text. */
function pairingReason(m: string): string | undefined {
  if (/asking for more scopes|scope upgrade pending/.test(m)) return 'scope-upgrade';
  if (/asking for a higher role|role upgrade pending/.test(m)) return 'role-upgrade';
  if (/identity changed and must be re-approved|metadata change pending/.test(m)) return 'metadata-upgrade';
  if (/device is not approved yet|NOT_PAIRED|["']not-paired["']/.test(m)) return 'not-paired';
  return undefined;
}

/** The event a log message describes, or null when it is not one of this family. Pure; never throws. */
export function recognise(message: string): LogEvent | null {
  for (const r of RECOGNISERS) {
    if (!r.test.test(message)) continue;
    let fields: Omit<LogEvent, 'kind'> | null;
    try {
      fields = r.extract(message);
    } catch {
      fields = {};
    }
    if (fields) return { kind: r.kind, ...fields };
  }
  return null;
}
