/**
 * The facts of a pairing failure in the other shapes people paste them: the audit fields re-typed as
 * YAML, a table, `key=value` runs or prose; `sqlite3` rows of the SQLite store; OpenClaw's own `openclaw
 * doctor` findings (2026.6.11+); and listings of the state directory (`ls -la`, `tree`, `find`). Each
 * reader turns its shape into the same records and facts the JSON reader yields, so classification judges
 * facts, never wording. Everything here is pure and never throws.
 */
import { SCOPE } from '../core/knowledge.js';
import { printable } from '../report/escape.js';
import { parseLenient, type JObject, type JValue } from './lenient-json.js';
import type { ModeId } from './modes.js';

// ---------------------------------------------------------------------------------------------------------
// Field names and values


/** Field names as people and tools spell them (camelCase, snake_case, sqlite columns, words), lowercased without separators. */
const KEY_ALIASES: Record<string, string> = {
  scopesfrom: 'scopesFrom', fromscopes: 'scopesFrom', heldscopes: 'scopesFrom', scopesheld: 'scopesFrom', currentscopes: 'scopesFrom', oldscopes: 'scopesFrom',
  scopesto: 'scopesTo', toscopes: 'scopesTo', requestedscopes: 'scopesTo', scopesrequested: 'scopesTo', askedscopes: 'scopesTo', newscopes: 'scopesTo',
  scopes: 'scopes', scopesjson: 'scopes',
  approvedscopes: 'approvedScopes', approvedscopesjson: 'approvedScopes',
  roles: 'roles', rolesjson: 'roles', role: 'role', rolefrom: 'roleFrom', roleto: 'roleTo',
  reason: 'reason',
  client: 'clientId', clientid: 'clientId', clientmode: 'clientMode',
  device: 'deviceId', deviceid: 'deviceId',
  publickey: 'publicKey', displayname: 'displayName', platform: 'platform', remoteip: 'remoteIp',
  requestid: 'requestId', request: 'requestId', isrepair: 'isRepair', tokens: 'tokens', tokensjson: 'tokens', ip: 'remoteIp',
  // `openclaw devices list` (table): Requested / Approved hold `roles: ...; scopes: ...`, Status the kind of request.
  requested: 'requested', approved: 'approved', status: 'status',
  createdatms: 'createdAtMs', approvedatms: 'approvedAtMs', ts: 'ts',
};
const SCOPE_FIELDS = new Set(['scopesFrom', 'scopesTo', 'scopes', 'approvedScopes']);
const LIST_FIELDS = new Set(['roles', 'roleFrom']);

function canonicalKey(key: string): string | undefined {
  return KEY_ALIASES[key.toLowerCase().replace(/[^a-z]/g, '')];
}

const BARE_SCOPES = new Set(Object.values(SCOPE).map((s) => s.slice('operator.'.length)));
const FILLER = new Set(['and', 'or', 'for', 'only', 'just', 'the', 'to', 'from', 'with', 'of', 'is', 'are', 'it', 'asks', 'asked', 'scope', 'scopes', 'plus', 'then', 'still']);
const NONE = /^\s*(?:<none>|none|\(none\)|\[\s*\]|null|empty|-|—)\s*$/i;

/**
 * A scope list as anyone writes it: a JSON array, `operator.admin,operator.read`, `admin/approvals/pairing`,
 * `[operator.read, operator.write]`, `<none>`. Undefined when the value names no scope at all (prose that
 * merely says "scopes"), so a word never becomes an empty grant.
 */
function scopeList(v: JValue | undefined): string[] | undefined {
  if (Array.isArray(v)) v = v.filter((s) => typeof s === 'string').join(',');
  if (typeof v !== 'string') return v === null ? [] : undefined;
  if (NONE.test(v)) return [];
  // Short names (`admin/approvals/pairing`) count only in a value that is a list of them: `repo, read:org`
  // (GitHub) or `openid email` (Google) are other systems' scopes, not OpenClaw's.
  const bareOk = v
    .replace(/operator\.[\w.]+/gi, ' ')
    .split(/[^A-Za-z.]+/)
    .filter(Boolean)
    .every((w) => BARE_SCOPES.has(w.toLowerCase()) || FILLER.has(w.toLowerCase()));
  const out: string[] = [];
  for (const m of v.matchAll(/(?<![\w.-])(operator\.[a-z][\w.]*[a-z]|[a-z][\w.]*[a-z])(?![\w-])/gi)) {
    const word = m[1]!.toLowerCase();
    const scope = word.startsWith('operator.') ? word : bareOk && BARE_SCOPES.has(word) ? `operator.${word}` : undefined;
    if (scope && !out.includes(scope)) out.push(scope);
  }
  return out.length ? out : undefined;
}

/** Pastes nest a few levels; deeper input is left to the lenient reader and its own bound. */
export const MAX_JSON_DEPTH = 64;

export function nestingDepth(t: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < t.length; i++) {
    const ch = t[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '{' || ch === '[') max = Math.max(max, ++depth);
    else if (ch === '}' || ch === ']') depth--;
  }
  return max;
}

/** A value pasted as a string that is really JSON (sqlite `scopes_json`, `tokens_json`). */
function maybeJson(v: string): JValue {
  const t = v.trim();
  if (!/^[[{]/.test(t) || nestingDepth(t) > MAX_JSON_DEPTH) return v;
  const root = parseLenient(`{"v": ${t}}`);
  return root.v ?? v;
}

/** One record with canonical keys and typed values; unknown keys are kept as they were. */
export function canonicalRecord(o: JObject): JObject {
  const out: JObject = {};
  for (const [rawKey, rawValue] of Object.entries(o)) {
    const key = canonicalKey(rawKey) ?? rawKey;
    let value: JValue = typeof rawValue === 'string' ? maybeJson(rawValue) : rawValue;
    if (SCOPE_FIELDS.has(key)) {
      const list = scopeList(value);
      if (list === undefined) continue;
      value = list;
    } else if (LIST_FIELDS.has(key) && typeof value === 'string') {
      value = NONE.test(value) ? [] : value.split(/[\s,/|+]+/).filter(Boolean);
    } else if (key === 'isRepair' && (value === 1 || value === 0 || value === '1' || value === '0' || value === 'true' || value === 'false')) {
      value = value === 1 || value === '1' || value === 'true';
    } else if (typeof value === 'string' && (value === '' || NONE.test(value) || /^(?:…|\.\.\.|<redacted>|\[redacted\]|redacted)$/i.test(value.trim()))) {
      continue; // elided or empty: the field says nothing
    }
    if ((key === 'requested' || key === 'approved') && typeof value === 'string') {
      // `roles: operator; scopes: operator.admin, operator.read` (devices list) or a bare scope list.
      const roles = /roles:\s*([^;]*)/i.exec(value)?.[1];
      const scopes = scopeList(/scopes:\s*(.*)$/i.exec(value)?.[1] ?? value);
      const to = key === 'requested';
      if (scopes && !((to ? 'scopesTo' : 'scopesFrom') in out)) out[to ? 'scopesTo' : 'scopesFrom'] = scopes;
      if (roles !== undefined) out[to ? 'rolesTo' : 'roleFrom'] = NONE.test(roles) ? [] : roles.split(/[\s,]+/).filter(Boolean);
      continue;
    }
    if (!(key in out)) out[key] = value;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Records from text: tables, YAML, key=value runs, prose

/** The columns of the SQLite store's tables (2026.8.1 schema), for `sqlite3` rows printed without headers. */
const SQLITE_COLUMNS: Record<string, string[]> = {
  device_pairing_paired: ['device_id', 'public_key', 'display_name', 'operator_label', 'platform', 'device_family', 'client_id', 'client_mode', 'browser_origin', 'role', 'roles_json', 'scopes_json', 'approved_scopes_json', 'remote_ip', 'tokens_json', 'approved_via', 'node_surface_json', 'pending_node_surface_json', 'created_at_ms', 'approved_at_ms', 'last_seen_at_ms', 'last_seen_reason'],
  device_pairing_pending: ['request_id', 'device_id', 'public_key', 'display_name', 'platform', 'device_family', 'client_id', 'client_mode', 'browser_origin', 'role', 'roles_json', 'scopes_json', 'remote_ip', 'silent', 'is_repair', 'ts', 'refreshed_at_ms'],
};

const TABLE_ROW = /[|│┃\t]/;
const TABLE_RULE = /^[\s|│┃+\-=:─━┼├┤┬┴╋┌┐└┘╭╮╰╯═]*$/;

function cells(line: string): string[] {
  return line
    .trim()
    .replace(/^[|│┃]/, '')
    .replace(/[|│┃]$/, '')
    .split(/[|│┃\t]/)
    .map((c) => c.trim().replace(/^[`'"]|[`'"]$/g, ''));
}

function fromCells(keys: string[], values: string[]): JObject {
  const o: JObject = {};
  keys.forEach((k, i) => {
    if (values[i] !== undefined && values[i] !== '') o[k] = values[i]!;
  });
  return o;
}

/** Tables: a header row of field names over data rows, a two-column field/value table, or headerless sqlite rows. */
function tableRecords(lines: string[]): JObject[] {
  const out: JObject[] = [];
  const table = (mentions: string) => Object.keys(SQLITE_COLUMNS).find((t) => mentions.includes(t));
  let i = 0;
  while (i < lines.length) {
    if (!TABLE_ROW.test(lines[i]!) || /^\s*[{["]/.test(lines[i]!)) {
      i++;
      continue;
    }
    const rows: string[][] = [];
    const start = i;
    const inTable = (l: string) => TABLE_ROW.test(l) || (TABLE_RULE.test(l) && /[─━=+-]{3}/.test(l));
    for (; i < lines.length && inTable(lines[i]!); i++) if (!TABLE_RULE.test(lines[i]!)) rows.push(cells(lines[i]!));
    if (!rows.length) continue;
    const known = (row: string[]) => row.filter((c) => canonicalKey(c)).length;
    if (rows[0]!.length >= 2 && known(rows[0]!) >= 2 && known(rows[0]!) >= rows[0]!.length / 2) {
      // A wrapped cell continues on the next line with the first column empty (OpenClaw's tables draw no row rules).
      const data: string[][] = [];
      for (const row of rows.slice(1)) {
        const prev = data[data.length - 1];
        if (prev && row[0] === '' && row.length === prev.length) row.forEach((c, n) => (prev[n] = c ? `${prev[n]} ${c}`.trim() : prev[n]!));
        else data.push(row);
      }
      for (const row of data) out.push(fromCells(rows[0]!, row));
    } else if (rows.every((r) => r.length === 2) && rows.filter((r) => canonicalKey(r[0]!)).length >= 2) {
      out.push(Object.fromEntries(rows.filter((r) => r[1] !== '').map((r) => [r[0]!, r[1]!])));
    } else {
      // `sqlite3` prints rows with `|` and no header by default: the column order is the schema's.
      const context = lines.slice(Math.max(0, start - 3), start).join(' ') + ' ' + lines.slice(start, i).join(' ');
      const name = table(context) ?? (rows.every((r) => r.length === SQLITE_COLUMNS.device_pairing_paired!.length) ? 'device_pairing_paired' : undefined);
      const columns = name ? SQLITE_COLUMNS[name]! : undefined;
      if (columns) for (const row of rows) if (Math.abs(row.length - columns.length) <= 1) out.push(fromCells(columns, row));
    }
  }
  return out;
}

/** A field name in running text: `scopesFrom`, `scopes_to`, `"client"`, `requested scopes`, `client id`. */
const KEY_IN_TEXT = /(?<![\w.-])["']?((?:scopes?[ _-]?(?:from|to|json|held|requested)|(?:from|to|held|current|old|new|requested|asked|approved)[ _-]scopes(?:[ _]json)?|scopes|roles?(?:[ _-]?(?:from|to|json))?|reason|client(?:[ _-]?(?:id|mode))?|device(?:[ _-]?id)?|request[ _-]?id|public[ _-]?key|display[ _-]?name|platform|remote[ _-]?ip|is[ _-]?repair))["']?(?![\w.-])\s*(?::|=>|->|→|=|\s)\s*/gi;

/**
 * `key: value`, `key=value`, `key value -> key value` in one or more lines. A record ends when a field
 * repeats or a YAML list item starts a new one. Lines that are JSON (quoted keys, braces) are left to
 * the JSON reader, so nothing is counted twice.
 */
function fieldRecords(lines: string[]): JObject[] {
  const out: JObject[] = [];
  let current: JObject = {};
  let pendingList: string | undefined;
  const flush = () => {
    if (Object.keys(current).length >= 2) out.push(current);
    current = {};
    pendingList = undefined;
  };
  for (const line of lines) {
    if (/"[\w.-]+"\s*:|^\s*[{}[\]]|[{}]/.test(line) || TABLE_ROW.test(line)) {
      pendingList = undefined;
      continue;
    }
    const item = /^\s*[-*]\s+(.*)$/.exec(line);
    if (pendingList && item && !canonicalKeyAt(item[1]!)) {
      const prev = current[pendingList];
      current[pendingList] = `${typeof prev === 'string' ? `${prev},` : ''}${item[1]!.trim()}`;
      continue;
    }
    pendingList = undefined;
    const matches = [...line.matchAll(KEY_IN_TEXT)].filter((m) => canonicalKey(m[1]!));
    if (!matches.length) continue;
    if (item && canonicalKeyAt(item[1]!)) flush();
    matches.forEach((m, n) => {
      const key = canonicalKey(m[1]!)!;
      const end = n + 1 < matches.length ? matches[n + 1]!.index : line.length;
      let value = line.slice(m.index + m[0].length, end).trim().replace(/(?:,|;|->|→|=>|\band\b|\bwhile\b|\bbut\b)\s*$/i, '').trim();
      if (!SCOPE_FIELDS.has(key) && !LIST_FIELDS.has(key)) value = /^["']?([^\s"',;()]+)/.exec(value)?.[1] ?? '';
      if (key in current) flush();
      if (value === '' && /[:=]\s*$/.test(m[0])) pendingList = key;
      if (value !== '') current[key] = value;
      else if (pendingList === key) current[key] = '';
    });
  }
  flush();
  return out.map((o) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== '')));
}

function canonicalKeyAt(text: string): boolean {
  const m = /^["']?([\w -]+?)["']?\s*[:=]/.exec(text);
  return Boolean(m && canonicalKey(m[1]!));
}

/** A scope list in running words: `operator.admin, operator.pairing`, `admin/approvals/pairing`, `read and write`. */
const WORD_LIST = String.raw`((?:operator\.)?(?:admin|approvals|pairing|read|write|talk\.secrets|questions)(?:\s*(?:,|/|\+|&|\band\b)\s*(?:operator\.)?(?:admin|approvals|pairing|read|write|talk\.secrets|questions))*)`;
/**
 * Asked vs held told without field names: "the device holds admin, approvals, pairing but asks for write",
 * "approved for operator.read only; requesting operator.admin + operator.write". Both lists must be pure scope
 * lists, so ordinary sentences never match.
 */
const PROSE_UPGRADE = new RegExp(
  String.raw`\b(?:holds?|has|had|is approved for|approved for|was granted|granted|only got)\s+(?:only\s+)?(?:scopes?\s+)?\[?${WORD_LIST}\]?(?:\s+only)?\s*(?:,|;|\.|—|-)?\s*(?:(?:but|while|and|yet|then)\s+)?(?:(?:it|the|this|my|its)\s+)?(?:[\w-]+\s+)?(?:now\s+)?(?:asks?|asking|requests?|requesting|wants?|needs?)\s+(?:for\s+)?(?:scopes?\s+)?\[?${WORD_LIST}\]?`,
  'gi',
);
const PROSE_CLIENT = /\b(gateway-client|cli|openclaw-control-ui|webchat|openclaw-tui|openclaw-macos|openclaw-ios|openclaw-android)\b/;

function proseRecords(lines: string[]): JObject[] {
  const out: JObject[] = [];
  for (const line of lines) {
    if (/"[\w.-]+"\s*:|[{}]/.test(line)) continue;
    for (const m of line.matchAll(PROSE_UPGRADE)) {
      const record: JObject = { scopesFrom: m[1]!, scopesTo: m[2]! };
      const client = PROSE_CLIENT.exec(line)?.[1];
      if (client) record.clientId = client;
      out.push(record);
    }
  }
  return out;
}

/** Every record the non-JSON shapes of a paste hold, keys canonical. */
export function textRecords(text: string): JObject[] {
  const lines = text.split('\n');
  return [...tableRecords(lines), ...fieldRecords(lines), ...proseRecords(lines)].map(canonicalRecord);
}

// ---------------------------------------------------------------------------------------------------------
// `openclaw doctor` (2026.6.11+): its device-pairing findings, one per message it can print

export interface ModeHint {
  mode: ModeId;
  weight: number;
  because: string;
}

export interface UpgradeFact {
  reason?: string;
  scopesFrom?: string[];
  scopesTo?: string[];
  roleFrom?: string[];
  roleTo?: string;
  client?: string;
  clientMode?: string;
  deviceId?: string;
  requestId?: string;
  where: string;
}

export interface DoctorFacts {
  hints: ModeHint[];
  upgrades: UpgradeFact[];
  requestIds: string[];
  deviceIds: string[];
}

/** The doctor prints its notes in a box wrapped at ~88 columns: strip the frame and rejoin the text. */
function unboxed(text: string): string {
  return text
    .split('\n')
    .map((l) => l.replace(/^\s*[│┃|◇◆●○■□▲△]\s?/, '').replace(/\s*[│┃|╮╯]\s*$/, ''))
    .join(' ')
    .replace(/[─━╭╮╰╯├┤]+/g, ' ')
    .replace(/\s+/g, ' ');
}

const list = (s: string | undefined) => (s ?? '').split(',').map((x) => x.trim()).filter((x) => x && x !== 'none');
/** `label (deviceId)` or `deviceId`, as the doctor names a device. */
// A label is a display name or client id: a few words at most (bounded, so a long paste cannot make the scan quadratic).
const DEVICE = String.raw`(?:(\S{1,80}?(?: \S{1,80}?){0,7}?) \(([0-9a-fA-F…._<>-]{6,200})\)|([0-9a-fA-F…._<>-]{6,200}))`;

/** Words every device-pairing finding of the doctor starts with: a paste without them skips the unboxing. */
const DOCTOR_MARKERS = /Pending (?:scope|role|device)|Paired device|Local cached|pairing store|Legacy (?:device|pairing)|device identity|Gateway is reachable/;

export function doctorFacts(raw: string): DoctorFacts {
  const facts: DoctorFacts = { hints: [], upgrades: [], requestIds: [], deviceIds: [] };
  if (!DOCTOR_MARKERS.test(raw)) return facts;
  const t = unboxed(raw);
  const hint = (mode: ModeId, weight: number, because: string) => facts.hints.push({ mode, weight, because });
  const device = (m: RegExpExecArray, at: number) => {
    const id = m[at + 1] ?? m[at + 2];
    if (id) facts.deviceIds.push(id);
    // A display name is chosen by the remote client: escaped where it enters our sentences.
    return { label: m[at] === undefined ? undefined : printable(m[at]), id: id === undefined ? undefined : printable(id) };
  };
  const pending = new RegExp(String.raw`Pending (scope upgrade|role upgrade|device repair|device pairing request) (\S+) for ${DEVICE}(?::|\.)\s*([^]*?)(?=Pending (?:scope upgrade|role upgrade|device repair|device pairing request) |Paired device |Local cached |$)`, 'g');
  for (let m = pending.exec(t); m; m = pending.exec(t)) {
    const [, kind, requestId, , , , rest = ''] = m;
    const { label, id } = device(m, 3);
    facts.requestIds.push(requestId!);
    const who = `openclaw doctor: pending ${kind} ${requestId} for ${label ?? id ?? 'a device'}`;
    if (kind === 'scope upgrade') {
      const s = /approved scopes \[([^\]]*)\], requested scopes \[([^\]]*)\]/.exec(rest);
      facts.upgrades.push({ reason: 'scope-upgrade', scopesFrom: list(s?.[1]), scopesTo: s ? list(s[2]) : undefined, client: label, deviceId: id, requestId, where: who });
    } else if (kind === 'role upgrade') {
      const r = /approved roles \[([^\]]*)\], requested roles \[([^\]]*)\]/.exec(rest);
      facts.upgrades.push({ reason: 'role-upgrade', roleFrom: list(r?.[1]), roleTo: list(r?.[2]).join(','), client: label, deviceId: id, requestId, where: who });
    } else if (kind === 'device repair' && /no longer matches the approved pairing record/.test(rest)) {
      hint('M09', 7, `${who}: the device's identity (key) no longer matches its pairing record`);
    } else if (kind === 'device repair') {
      hint('M06', 3, `${who}: paired with the same key, roles and scopes, yet a new approval is required (changed metadata such as the platform)`);
      hint('M08', 2, `${who}: a repair the gateway asks for when the auth it holds for the device no longer fits`);
    } else {
      hint('M09', 3, `${who}: a device that is not paired yet (a new or regenerated identity; normal for a new device)`);
    }
  }
  const paired = new RegExp(String.raw`Paired device ${DEVICE} (is missing its approved operator scope baseline|has no active (\S+) device token|has a (\S+) token outside the approved scope baseline \[([^\]]*)\])`, 'g');
  for (let m = paired.exec(t); m; m = paired.exec(t)) {
    const { label, id } = device(m, 1);
    const who = `openclaw doctor: paired device ${label ?? id}`;
    if (m[4]!.startsWith('is missing')) {
      hint('M10', 6, `${who} has no approved scope baseline (approvedScopes empty while it holds scopes): scope upgrades stick in pairing-required`);
      hint('M11', 3, `${who}: rotation is bounded by the approved baseline it lacks`);
    } else if (m[5]) {
      hint('M08', 6, `${who} has no active ${m[5]} token although the role is approved (pairing-required or device-token-mismatch)`);
    } else {
      hint('M10', 7, `${who} holds a ${m[6]} token outside its approved scope baseline [${m[7]}]`);
    }
  }
  const cached = new RegExp(String.raw`Local cached (\S+) device (token|scopes|auth) for ${DEVICE} (predates the gateway rotation|differ from the gateway record\. Cached scopes \[([^\]]*)\], gateway scopes \[([^\]]*)\]|no longer has a matching active gateway token)`, 'g');
  for (let m = cached.exec(t); m; m = cached.exec(t)) {
    const { label, id } = device(m, 3);
    const who = `openclaw doctor: this host's cached ${m[1]} device ${m[2]} for ${label ?? id}`;
    if (m[6]!.startsWith('differ')) {
      hint('M10', 5, `${who}: cached scopes [${m[7]}] differ from the gateway's [${m[8]}]`);
      hint('M08', 3, `${who}: the client's copy of its token is stale`);
    } else hint('M08', 7, `${who} ${m[6]}: a stale device token (device token mismatch)`);
  }
  if (/Device pairing store \S+ (?:contains invalid JSON|could not be read)\. OpenClaw refused to treat it as empty/.test(t)) {
    hint('M15', 9, 'openclaw doctor: the device pairing store is unreadable or invalid JSON and OpenClaw fails closed');
  }
  if (/Legacy (?:device )?pairing stores? (?:\S+ has not been imported|require repair|inspection failed)/.test(t)) {
    hint('M16', 8, 'openclaw doctor: a legacy JSON pairing store has not been imported into SQLite');
    if (/If the file persists across restarts it is likely unreadable|Unreadable sources remain/.test(t) && /Legacy device pairing store/.test(t)) hint('M15', 2, 'openclaw doctor: a legacy store that stays after restarts is unreadable');
  }
  if (/Legacy device auth store \S+ is still present|Legacy device identity exists at|Preserved retired device identity|Retired device identity cleanup (?:preserved|refused|failed)|Failed migrating legacy device (?:identity|auth)|Native device identity import is pending/.test(t)) {
    hint('M16', 8, 'openclaw doctor: a legacy identity/device-auth file beside the SQLite store (not migrated, or re-created)');
  }
  if (/SQLite contains an invalid persisted device identity|Primary device identity: invalid SQLite row → new device identity/.test(t)) {
    hint('M09', 6, 'openclaw doctor: the stored host identity is invalid; a new identity means a new, unpaired device');
    hint('M16', 4, 'openclaw doctor: the SQLite identity row is invalid');
  }
  if (/Gateway is reachable, but this CLI has no token\/password or paired device token/.test(t)) {
    hint('L2', 5, 'openclaw doctor: the CLI has no gateway token/password and no paired device token for health RPCs');
  }
  return facts;
}

// ---------------------------------------------------------------------------------------------------------
// State directory listings

export interface FileFact {
  /** Path as far as the listing tells it (`devices/paired.json`, `/root/.openclaw/identity/device.json`). */
  path: string;
  type: 'file' | 'dir' | 'link' | 'other';
  /** `rw-------` when the listing shows permissions. */
  perms?: string;
  owner?: string;
  size?: number;
  /** `ls: cannot access ...: No such file or directory`. */
  missing?: boolean;
}

const LS = /^([-dlcbps])([rwxsStT-]{9})[.@+]?\s+\d+\s+(\S+)\s+(\S+)\s+(\d+)\s+(?:\S+\s+){2,3}(.+?)\s*$/;
const FIND_LS = /^\s*\d+\s+\d+\s+([-dlcbps])([rwxsStT-]{9})[.@+]?\s+\d+\s+(\S+)\s+(\S+)\s+(\d+)\s+(?:\S+\s+){3}(.+?)\s*$/;
const TREE = /^((?:[│|]\s{2,3}|\s{4})*)(?:[├└|`][─-]{2}\s?)(?:\[([-dl])([rwxsStT-]{9})\s+(?:(\S+)\s+)?(?:(\S+)\s+)?(\d+)?\]\s+)?(.+?)\s*$/;
const STATE_NAMES = /(?:^|\/)(identity|devices|state|device\.json|device-auth\.json|paired\.json|pending\.json|openclaw\.sqlite(?:-wal|-shm)?|[\w.-]+\.migrated|[\w.-]+\.tmp|\.doctor-importing|\.native-importing)$/;

export function listingFacts(text: string): FileFact[] {
  const out: FileFact[] = [];
  let dir = '';
  const treeStack: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\s+$/, '');
    const cmd = /(?:^|[$#>]\s*)(?:sudo\s+)?(?:ls|tree|find|stat)\s+(?:-\S+\s+)*(\S*\.openclaw\S*)/.exec(line);
    if (cmd) {
      dir = cmd[1]!.replace(/\/$/, '');
      treeStack.length = 0;
      continue;
    }
    const header = /^(\S*(?:\.openclaw|identity|devices|state)\S*):$/.exec(line) ?? /^\s*(?:Directory:|Directory of)\s+(.+?)\s*$/.exec(line);
    if (header) {
      dir = header[1]!.replace(/\\/g, '/').replace(/\/$/, '');
      continue;
    }
    // Windows: `dir` (`09/02/2026  10:01 AM   1,893 paired.json`) and PowerShell (`-a---  9/2/2026 10:01 AM  1893 paired.json`).
    const win = /^\s*(?:[-darhsl]{5,6}\s+)?\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AP]M)?\s+(<DIR>|[\d,.]+)?\s+([^\s[\]()]+)$/i.exec(line);
    if (win) {
      const name = win[2]!;
      if (name === '.' || name === '..') continue;
      const isDir = win[1] === '<DIR>' || (win[1] === undefined && /^\s*d/.test(line));
      out.push({ path: dir ? `${dir}/${name}` : name, type: isDir ? 'dir' : 'file', size: !isDir && win[1] ? Number(win[1].replace(/[,.]/g, '')) : undefined });
      continue;
    }
    const missing = /(?:cannot access|cannot stat|No such file)[^'"‘]*['"‘]?([^'"’:]+\.(?:json|sqlite))['"’]?:? No such file or directory/.exec(line) ?? /^(?:ls|stat|find): ['"‘]?([^'"’:]+)['"’]?: No such file or directory/.exec(line);
    if (missing) {
      out.push({ path: missing[1]!.trim(), type: 'file', missing: true });
      continue;
    }
    const ls = LS.exec(line) ?? FIND_LS.exec(line);
    if (ls) {
      const name = ls[6]!.split(' -> ')[0]!;
      if (name === '.' || name === '..') continue;
      const path = name.includes('/') || !dir ? name : `${dir}/${name}`;
      out.push({ path, type: ls[1] === 'd' ? 'dir' : ls[1] === 'l' ? 'link' : ls[1] === '-' ? 'file' : 'other', perms: ls[2], owner: ls[3], size: Number(ls[5]) });
      continue;
    }
    const tree = TREE.exec(line);
    if (tree) {
      const depth = Math.round(tree[1]!.length / 4);
      const name = tree[7]!.replace(/\/$/, '').split(' -> ')[0]!;
      treeStack.length = depth;
      treeStack[depth] = name;
      const path = [dir, ...treeStack].filter(Boolean).join('/');
      out.push({ path, type: tree[2] === 'd' ? 'dir' : tree[2] === 'l' ? 'link' : tree[2] ? 'file' : /\.\w+$/.test(name) ? 'file' : 'other', perms: tree[3], owner: tree[4], size: tree[6] !== undefined ? Number(tree[6]) : undefined });
      continue;
    }
    if (/^\S*\/(?:identity|devices|state)\/[^\s/]+$/.test(line.trim()) || (/^\.?\/?\S*\.openclaw\/?\S*$/.test(line.trim()) && STATE_NAMES.test(line.trim()))) {
      out.push({ path: line.trim(), type: /\.\w+$/.test(line.trim()) ? 'file' : 'other' });
    }
  }
  return out.filter((f) => STATE_NAMES.test(f.path) || f.path.includes('/identity/') || f.path.includes('/devices/'));
}

const is = (f: FileFact, re: RegExp) => re.test(f.path);
const DEVICE_JSON = /(?:^|\/)identity\/device\.json$|^device\.json$/;
const DEVICE_AUTH = /(?:^|\/)device-auth\.json$/;
const PAIRED = /(?:^|\/)paired\.json$/;
const PENDING = /(?:^|\/)pending\.json$/;
const SQLITE = /(?:^|\/)openclaw\.sqlite$/;
const MIGRATED = /\.migrated$/;
const TMP = /(?:paired|pending)\.json\.[\w-]+\.tmp$|\.fs-safe-replace\.[\w.-]+\.tmp$/;
const SECRET = [DEVICE_JSON, DEVICE_AUTH, PAIRED, PENDING, SQLITE];

/** What a listing alone says: a store moved to SQLite with legacy files left, empty or unreadable stores, a missing identity. */
export function judgeListing(files: FileFact[]): { hints: ModeHint[]; notes: string[] } {
  const hints: ModeHint[] = [];
  const notes: string[] = [];
  const present = files.filter((f) => !f.missing);
  if (!present.length && !files.some((f) => f.missing)) return { hints, notes };
  const find = (re: RegExp) => present.filter((f) => is(f, re) && !MIGRATED.test(f.path));
  // File names and owners come from the paste: escaped where they enter our sentences.
  const name = (f: FileFact) => printable(f.path.split('/').slice(-2).join('/'));
  const sqlite = find(SQLITE)[0];
  const migrated = present.filter((f) => MIGRATED.test(f.path));
  const legacy = [...find(PAIRED), ...find(PENDING), ...find(DEVICE_AUTH), ...find(DEVICE_JSON)];
  if ((sqlite || migrated.length) && legacy.length) {
    hints.push({ mode: 'M16', weight: 8, because: `listing: ${sqlite ? 'state/openclaw.sqlite' : migrated.map(name).join(', ')} exists beside legacy ${legacy.map(name).join(', ')} (the gateway reads SQLite; the JSON is a leftover or re-created)` });
  } else if (sqlite || migrated.length) {
    hints.push({ mode: 'M16', weight: 3, because: `listing: the store is ${sqlite ? 'state/openclaw.sqlite' : 'migrated'} (2026.8.1+): editing devices/*.json changes nothing` });
  }
  for (const f of [...find(PAIRED), ...find(PENDING)]) {
    if (f.size === 0 && f.type === 'file') hints.push({ mode: 'M15', weight: 8, because: `listing: ${name(f)} is empty (0 bytes): the store cannot be read` });
  }
  const tmp = present.filter((f) => TMP.test(f.path));
  if (tmp.length) hints.push({ mode: 'M15', weight: 5, because: `listing: leftover temp file(s) ${tmp.map(name).join(', ')} from an interrupted write` });
  const identitySeen = files.some((f) => /(?:^|\/)identity(?:\/|$)/.test(f.path) && f.path !== 'identity') || files.some((f) => /(?:^|\/)identity$/.test(f.path));
  const identityListed = present.some((f) => /(?:^|\/)identity\/[^/]+$/.test(f.path));
  const deviceJsonMissing = files.some((f) => f.missing && DEVICE_JSON.test(f.path)) || (identityListed && !find(DEVICE_JSON).length && !migrated.length && !sqlite);
  if (deviceJsonMissing) hints.push({ mode: 'M09', weight: 6, because: 'listing: identity/device.json is missing: the next connection creates a new, unpaired identity' });
  else if (identitySeen && find(PAIRED).length && !identityListed && !find(DEVICE_JSON).length && !sqlite) {
    hints.push({ mode: 'M09', weight: 2, because: 'listing: no identity/device.json shown beside devices/paired.json' });
  }
  if (files.some((f) => f.missing && PAIRED.test(f.path)) && !sqlite) hints.push({ mode: 'M15', weight: 4, because: 'listing: devices/paired.json does not exist: every device counts as unpaired' });
  // Ownership and modes: a store the gateway's user cannot read fails closed (6.11+) or is taken as empty (<= 4.2).
  const owners = new Map<string, number>();
  for (const f of present) if (f.owner) owners.set(f.owner, (owners.get(f.owner) ?? 0) + 1);
  const usual = [...owners.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  for (const f of present.filter((x) => x.type === 'file' && SECRET.some((re) => is(x, re)) && !MIGRATED.test(x.path))) {
    const foreign = usual && f.owner && f.owner !== usual && owners.size > 1;
    const unreadable = f.perms !== undefined && f.perms[0] !== 'r';
    if (!foreign && !unreadable) {
      if (f.perms && /[r]/.test(f.perms.slice(3)) && (is(f, DEVICE_JSON) || is(f, DEVICE_AUTH) || is(f, PAIRED))) notes.push(`${name(f)} is readable by group/others (${f.perms}): it holds keys or tokens and should be 0600.`);
      continue;
    }
    const why = foreign ? `owned by ${printable(f.owner!)} while the rest is owned by ${printable(usual!)}` : `not readable by its owner (${f.perms})`;
    if (is(f, DEVICE_JSON)) hints.push({ mode: 'M09', weight: 5, because: `listing: identity/device.json is ${why}: a gateway/CLI that cannot read it uses a new identity` });
    else if (is(f, SQLITE)) hints.push({ mode: 'M16', weight: 4, because: `listing: state/openclaw.sqlite is ${why}` });
    else hints.push({ mode: 'M15', weight: 6, because: `listing: ${name(f)} is ${why}: the gateway cannot read its store (fails closed on 6.11+, treated as empty on <= 4.2)` });
  }
  return { hints, notes };
}
