/**
 * explain reads the facts, not the wording: the same audit fields, doctor findings, state-dir listings and
 * store records in the shapes users paste them. Every variant here was written for this test (not taken
 * from a thread), so passing it means the reader generalises.
 */
import { describe, expect, it } from 'vitest';
import { explain } from '../../src/explain/index.js';

const top = (text: string) => explain(text).modes[0]?.mode;
const SEED = ['operator.admin', 'operator.approvals', 'operator.pairing'];
const FULL = ['operator.admin', 'operator.approvals', 'operator.pairing', 'operator.read', 'operator.write'];

describe('the audit fields in any syntax', () => {
  const m01 = [
    ['JSON object, scope lists as comma strings', '{"reason": "scope-upgrade", "scopesFrom": "operator.admin,operator.approvals,operator.pairing", "scopesTo": "operator.write", "client": "gateway-client"}'],
    ['JSON with arrays, other order, elisions and noise', 'here is what I got:\n{ "client": "gateway-client", "device": "…", "ip": "<redacted>", "scopesTo": ["operator.write"],\n  "scopesFrom": ["operator.admin", "operator.approvals", "operator.pairing"], "reason": "scope-upgrade" }\nthanks!'],
    ['YAML with a block list and a flow list', 'audit:\n  reason: scope-upgrade\n  client: gateway-client\n  scopesFrom:\n    - operator.admin\n    - operator.approvals\n    - operator.pairing\n  scopesTo: [operator.write]\n'],
    ['markdown table with a header row', '| reason | scopesFrom | scopesTo | client |\n|---|---|---|---|\n| scope-upgrade | operator.admin,operator.approvals,operator.pairing | operator.write | gateway-client |'],
    ['two-column box table', '┌────────────┬───────────────────────────────────────────────┐\n│ field      │ value                                         │\n├────────────┼───────────────────────────────────────────────┤\n│ reason     │ scope-upgrade                                 │\n│ client     │ gateway-client                                │\n│ scopesFrom │ operator.admin, operator.approvals, operator.pairing │\n│ scopesTo   │ operator.write                                │\n└────────────┴───────────────────────────────────────────────┘'],
    ['prose with short scope names', 'After the update cron stopped. The log has scopesFrom admin/approvals/pairing -> scopesTo write for client gateway-client, every second.'],
    ['key=value run without the audit prefix, snake_case', 'reason=scope-upgrade scopes_from=operator.admin,operator.approvals,operator.pairing scopes_to=operator.write client_id=gateway-client'],
  ] as const;
  it.each(m01)('M01 from %s', (_name, text) => {
    expect(top(text)).toBe('M01');
  });

  it.each([
    ['YAML, snake_case keys, CLI asking its bundle', 'scopes_from: operator.read\nscopes_to: operator.admin, operator.approvals, operator.pairing, operator.read, operator.write\nclient_id: cli\nreason: scope-upgrade'],
    ['prose with "requested"/"approved" wording', 'openclaw status fails. requested scopes: admin, approvals, pairing, read, write; approved scopes: read; client cli'],
    ['table with the columns in another order', '| client | scopesTo | scopesFrom |\n| --- | --- | --- |\n| cli | operator.admin operator.approvals operator.pairing operator.read operator.write | operator.read |'],
  ])('M03 from %s', (_name, text) => {
    expect(top(text)).toBe('M03');
  });

  it.each([
    ['M01', 'Since 2.19 the host device holds admin, approvals, pairing but the gateway-client asks for write, so cron announce fails.'],
    ['M01', 'my device only has operator.admin/operator.approvals/operator.pairing and gateway-client now wants operator.write'],
    ['M03', 'the cli is approved for read only; it requests admin + approvals + pairing + read + write every time'],
  ])('%s from asked vs held told in words without field names: %s', (mode, text) => {
    expect(top(text)).toBe(mode);
  });

  it('the release named in the paste weighs in: the same fields on 2026.5.7 are not the 2.19 seed loop first', () => {
    const fields = 'reason: scope-upgrade\nclient: gateway-client\nscopesFrom: operator.admin, operator.approvals, operator.pairing\nscopesTo: operator.write';
    expect(top(`openclaw 2026.2.19\n${fields}`)).toBe('M01');
    const later = explain(`openclaw --version\n2026.5.7\n${fields}`);
    expect(later.modes.find((m) => m.mode === 'M01')!.because.join(' ')).toMatch(/occurs only on 2026\.2\.19-2\.21/);
    expect(later.modes.find((m) => m.mode === 'M01')!.score).toBeLessThan(explain(fields).modes.find((m) => m.mode === 'M01')!.score);
  });

  it('a role upgrade in YAML is M07', () => {
    expect(top('reason: role-upgrade\nroleFrom: node\nroleTo: operator\nclient: openclaw-macos')).toBe('M07');
    expect(top('{"reason":"role-upgrade","roleFrom":"node","roleTo":"operator"}')).toBe('M07');
  });

  it('the re-typed fields next to the audit line they came from count once', () => {
    const line = 'security audit: device access upgrade requested reason=scope-upgrade device=abc ip=127.0.0.1 auth=token roleFrom=operator roleTo=operator scopesFrom=operator.admin,operator.approvals,operator.pairing scopesTo=operator.write client=gateway-client conn=c1';
    const once = explain(line).modes[0]!;
    const twice = explain(`${line}\n\nso: scopesFrom admin/approvals/pairing -> scopesTo write, client gateway-client`).modes[0]!;
    expect(twice.mode).toBe('M01');
    expect(twice.score).toBe(once.score);
  });
});

/** Boxed as `openclaw doctor` prints its notes (clack, wrapped at ~80 columns). */
function doctorBox(title: string, text: string): string {
  const width = 78;
  const words = text.split(' ');
  const lines: string[] = [];
  let cur = '';
  for (const w of words) {
    if ((cur + ' ' + w).trim().length > width - 6) {
      lines.push(cur);
      cur = `  ${w}`;
    } else cur = cur ? `${cur} ${w}` : w;
  }
  lines.push(cur);
  return [`◇  ${title} ${'─'.repeat(width - title.length - 4)}╮`, `│${' '.repeat(width)}│`, ...lines.map((l) => `│  ${l.padEnd(width - 2)}│`), `│${' '.repeat(width)}│`, `├${'─'.repeat(width)}╯`].join('\n');
}

describe("OpenClaw's own `openclaw doctor` output (2026.6.11+)", () => {
  const id = '9a3c0f6be2d14e7aa1c5b8e0d3f27c4610b9e8d7c6a5b4f3e2d1c0b9a8f7e6d5';
  const req = '5f2d1c9e-3b7a-4c1e-9f0a-2b8c7d6e5f41';
  const scopeUpgrade = `- Pending scope upgrade ${req} for cli (${id}): approved scopes [operator.read], requested scopes [${FULL.join(', ')}]. Review with openclaw devices list, then approve with openclaw devices approve ${req}.`;

  it.each([
    ['boxed and wrapped', doctorBox('Device pairing', scopeUpgrade)],
    ['unboxed, with colour codes and other doctor sections around it', `\u001b[36m◇  Gateway\u001b[39m\n│  Gateway: reachable\n\u001b[36m◇  Device pairing\u001b[39m\n${scopeUpgrade}\n◇  Skills\n│  12 skills ready`],
    ['with the device id elided and CRLF endings', doctorBox('Device pairing', scopeUpgrade.replace(id, '9a3c…e6d5')).replace(/\n/g, '\r\n')],
  ])('a pending scope upgrade for the CLI device is M03 (%s)', (_name, text) => {
    const r = explain(text);
    expect(r.modes[0]!.mode).toBe('M03');
    expect(r.modes[0]!.because.join(' ')).toMatch(/asks .*operator\.write.* while the device holds operator\.read/);
    expect(r.signals.requestIds).toContain(req);
  });

  it('a display name with terminal escapes enters the evidence visibly escaped, never raw', () => {
    const evil = 'Bob\u001b]0;owned\u0007';
    const r = explain(`- Paired device ${evil} (${id}) has a operator token outside the approved scope baseline [operator.read]. Rotate it with openclaw devices rotate.`);
    const because = r.modes[0]!.because.join(' ');
    expect(because).toContain('Bob\\x1b]0;owned\\x07');
    expect(because).not.toMatch(/[\u0000-\u001f]/);
  });

  it('a pending upgrade for a gateway-client asking write from the seed bundle is M01', () => {
    const text = doctorBox('Device pairing', `- Pending scope upgrade ${req} for gateway-client (${id}): approved scopes [${SEED.join(', ')}], requested scopes [operator.write]. Review with openclaw devices list, then approve with openclaw devices approve ${req}.`);
    expect(top(text)).toBe('M01');
  });

  it.each([
    ['M10', `- Paired device openclaw-tui (${id}) has a operator token outside the approved scope baseline [operator.read, operator.write]. Rotate it with openclaw devices rotate --device ${id} --role operator.`],
    ['M10', `- Paired device ${id} is missing its approved operator scope baseline. Scope upgrades can get stuck in pairing-required until the device repairs or is re-approved.`],
    ['M08', `- Paired device cli (${id}) has no active operator device token even though the role is approved. This commonly ends in pairing-required or device-token-mismatch. Rotate a fresh token with openclaw devices rotate --device ${id} --role operator.`],
    ['M08', `- Local cached operator device token for cli (${id}) predates the gateway rotation. This is a stale device-token pattern and can fail with device token mismatch. Reconnect with shared gateway auth to refresh it, or rotate again with openclaw devices rotate --device ${id} --role operator.`],
    ['M09', `- Pending device repair ${req} for cli (${id}): the current device identity no longer matches the approved pairing record. This commonly loops on pairing-required for an already paired device. Remove the stale record with openclaw devices remove ${id}, then rerun openclaw devices list and approve with openclaw devices approve ${req}.`],
    ['M07', `- Pending role upgrade ${req} for My MacBook (${id}): approved roles [node], requested roles [node, operator]. Review with openclaw devices list, then approve with openclaw devices approve ${req}.`],
    ['M15', '- Device pairing store /home/bob/.openclaw/devices/paired.json contains invalid JSON. OpenClaw refused to treat it as empty to avoid overwriting approved pairings. Fix the JSON or file permissions, or move it aside and re-pair devices.'],
    ['M16', '- Legacy device pairing store /home/bob/.openclaw/devices/paired.json has not been imported into the SQLite state store yet. The gateway imports and archives it at startup, so restart the gateway. If the file persists across restarts it is likely unreadable; OpenClaw refused to treat it as empty to avoid dropping approved pairings, so fix or move it aside, then restart.'],
    ['M16', '- Legacy pairing store /root/.openclaw/devices/pending.json has not been imported into SQLite. Stop the Gateway and run openclaw doctor --fix. Unreadable sources remain in place for repair.'],
    ['M16', '- Legacy device auth store /root/.openclaw/identity/device-auth.json is still present, so doctor cannot inspect locally cached device tokens. Stop the Gateway and run openclaw doctor --fix.'],
  ] as const)('%s from the doctor finding: %s', (mode, finding) => {
    expect(top(doctorBox('Device pairing', finding))).toBe(mode);
    expect(top(finding)).toBe(mode);
  });
});

describe('listings of the state directory', () => {
  it.each([
    ['ls -la of devices/ and state/ on 8.1 with a re-created paired.json', '$ ls -la ~/.openclaw/devices\ntotal 20\ndrwx------  2 bob bob 4096 Sep  2 10:01 .\ndrwx------ 12 bob bob 4096 Sep  2 10:00 ..\n-rw-------  1 bob bob 1893 Sep  2 10:01 paired.json\n-rw-------  1 bob bob 1710 Aug 31 23:48 paired.json.migrated\n-rw-------  1 bob bob    2 Aug 31 23:48 pending.json.migrated\n$ ls -la ~/.openclaw/state\n-rw-r--r--  1 bob bob 356352 Sep  2 10:01 openclaw.sqlite\n-rw-r--r--  1 bob bob  32768 Sep  2 10:01 openclaw.sqlite-shm'],
    ['tree with the sqlite store and a legacy identity', '/home/bob/.openclaw\n├── identity\n│   ├── device-auth.json\n│   └── device.json\n├── openclaw.json\n└── state\n    ├── openclaw.sqlite\n    └── openclaw.sqlite-wal\n\n2 directories, 5 files'],
    ['find output, paths only', 'root@vps:~# find ~/.openclaw -maxdepth 2 -name "*.json*" -o -name "*.sqlite"\n/root/.openclaw/openclaw.json\n/root/.openclaw/identity/device-auth.json\n/root/.openclaw/devices/paired.json.migrated\n/root/.openclaw/state/openclaw.sqlite'],
    ['macOS ls -la with extended-attribute marks', 'bob@mac ~ % ls -la ~/.openclaw/devices ~/.openclaw/state\n/Users/bob/.openclaw/devices:\n-rw-------@ 1 bob  staff  1893 Sep  2 10:01 paired.json\n-rw-------@ 1 bob  staff  1710 Aug 31 23:48 paired.json.migrated\n\n/Users/bob/.openclaw/state:\n-rw-r--r--  1 bob  staff  356352 Sep  2 10:01 openclaw.sqlite'],
    ['PowerShell Get-ChildItem', '    Directory: C:\\Users\\bob\\.openclaw\\devices\n\nMode                 LastWriteTime         Length Name\n----                 -------------         ------ ----\n-a---           9/2/2026 10:01 AM           1893 paired.json\n-a---          8/31/2026 11:48 PM           1710 paired.json.migrated'],
  ])('M16 from %s', (_name, text) => {
    expect(top(text)).toBe('M16');
  });

  it.each([
    ['ls -la with a 0-byte paired.json', 'ls -la /home/bob/.openclaw/devices/\n-rw------- 1 bob bob    0 Jun 12 08:00 paired.json\n-rw------- 1 bob bob  412 Jun 12 08:00 pending.json'],
    ['tree -pugs with paired.json owned by root', '.openclaw\n├── [drwx------ bob      bob          4096]  devices\n│   ├── [-rw------- root     root         1893]  paired.json\n│   └── [-rw------- bob      bob           412]  pending.json\n└── [drwx------ bob      bob          4096]  identity\n    └── [-rw------- bob      bob           380]  device.json'],
    ['find -ls with a store nobody can read and a temp leftover', 'find ~/.openclaw/devices -ls\n  1311  4 drwx------   2 bob  bob   4096 Jun 12 08:00 /home/bob/.openclaw/devices\n  1312  4 ----------   1 bob  bob   1893 Jun 12 08:00 /home/bob/.openclaw/devices/paired.json\n  1313  4 -rw-------   1 bob  bob   1893 Jun 12 07:59 /home/bob/.openclaw/devices/paired.json.4b1e2c3d-aaaa-bbbb-cccc-0123456789ab.tmp'],
    ['cmd dir with a 0-byte paired.json', ' Directory of C:\\Users\\bob\\.openclaw\\devices\n\n06/12/2026  08:00 AM    <DIR>          .\n06/12/2026  08:00 AM    <DIR>          ..\n06/12/2026  08:00 AM                 0 paired.json\n06/12/2026  08:00 AM               412 pending.json\n               2 File(s)            412 bytes'],
  ])('M15 from %s', (_name, text) => {
    const r = explain(text);
    expect(r.modes[0]!.mode).toBe('M15');
  });

  it.each([
    ['ls -la of identity/ with only device-auth.json', '$ ls -la ~/.openclaw/identity\ntotal 12\ndrwx------ 2 bob bob 4096 Feb 20 10:00 .\ndrwx------ 9 bob bob 4096 Feb 20 10:00 ..\n-rw------- 1 bob bob  301 Feb 20 10:00 device-auth.json'],
    ['ls of device.json that does not exist', "$ ls -la ~/.openclaw/identity/device.json\nls: cannot access '/home/bob/.openclaw/identity/device.json': No such file or directory"],
    ['tree where identity/device.json is root-owned and unreadable to the gateway user', '/home/bob/.openclaw\n├── [drwx------ bob  bob ]  devices\n│   └── [-rw------- bob  bob ]  paired.json\n└── [drwx------ bob  bob ]  identity\n    ├── [-rw------- bob  bob ]  device-auth.json\n    └── [-rw------- root root]  device.json'],
  ])('M09 from %s', (_name, text) => {
    expect(top(text)).toBe('M09');
  });

  it('a healthy JSON-era listing names no mode, says so, and a world-readable key file gets a note', () => {
    const r = explain('$ ls -la ~/.openclaw/identity\n-rw------- 1 bob bob 301 Feb 20 10:00 device-auth.json\n-rw-r--r-- 1 bob bob 380 Feb 20 10:00 device.json');
    expect(r.modes).toEqual([]);
    expect(r.verdict).toBe('healthy');
    expect(r.notes.join(' ')).toMatch(/identity\/device-auth\.json, identity\/device\.json: nothing in it points at a pairing failure/);
    expect(r.notes.join(' ')).toMatch(/device\.json is readable by group\/others/);
  });
});

describe('store content in other shapes', () => {
  it.each([
    ['`devices list --json` array with null timestamps', JSON.stringify([{ deviceId: 'b'.repeat(64), displayName: null, clientId: 'cli', clientMode: 'probe', role: 'operator', scopes: ['operator.read'], createdAtMs: null, lastUsedAtMs: null }], null, 2)],
    ['re-typed array of records with elisions and <redacted>', '[\n  { deviceId: "b7c2…", publicKey: <redacted>, clientId: "cli", clientMode: "probe", scopes: ["operator.read"], approvedAtMs: null, ... },\n  ...\n]'],
    ['YAML re-typed record', '- deviceId: b7c2...\n  clientId: cli\n  clientMode: probe\n  scopes:\n    - operator.read\n  createdAtMs: ~\n'],
  ])('a narrow CLI device is M03 (%s)', (_name, text) => {
    expect(top(text)).toBe('M03');
  });

  it.each([
    ['a pending scope upgrade with wrapped cells', 'Pending (1)\n┌──────────────┬──────────────┬──────────────────────┬──────────────────────┬────────┬──────────────┐\n│ Request      │ Device       │ Requested            │ Approved             │ Age    │ Status       │\n├──────────────┼──────────────┼──────────────────────┼──────────────────────┼────────┼──────────────┤\n│ 5f2d1c9e-3b7 │ 9a3c0f6be2d1 │ roles: operator;     │ roles: operator;     │ 2m ago │ scope        │\n│ a-4c1e-9f0a  │ 4e7a         │ scopes:              │ scopes:              │        │ upgrade,     │\n│              │              │ operator.admin,      │ operator.read        │        │ repair       │\n│              │              │ operator.approvals,  │                      │        │              │\n│              │              │ operator.pairing,    │                      │        │              │\n│              │              │ operator.read,       │                      │        │              │\n│              │              │ operator.write       │                      │        │              │\n└──────────────┴──────────────┴──────────────────────┴──────────────────────┴────────┴──────────────┘', 'M03'],
    ['the ASCII border and a narrow paired device', 'Paired (1)\n+------------------+-----------+----------------+--------+-----+\n| Device           | Roles     | Scopes         | Tokens | IP  |\n+------------------+-----------+----------------+--------+-----+\n| 9a3c0f6be2d14e7a | operator  | operator.read  | operator |   |\n+------------------+-----------+----------------+--------+-----+', 'M03'],
    ['a pending role upgrade', '│ Request  │ Device   │ Requested                          │ Approved                    │ Age │ Status       │\n│ 7c1d…    │ My Mac   │ roles: node, operator; scopes: none │ roles: node; scopes: none │ 1m  │ role upgrade │', 'M07'],
  ])('`openclaw devices list` (table): %s', (_name, text, mode) => {
    expect(top(text)).toBe(mode);
  });

  it('a new pairing in the `devices list` table is not an upgrade', () => {
    const r = explain('│ Request │ Device │ Requested │ Approved │ Age │ Status │\n│ 7c1d… │ phone │ roles: operator; scopes: operator.read │ none │ 1m │ new pairing │');
    expect(r.modes.map((m) => m.mode)).not.toContain('M03');
  });

  const paired = (scopes: string, approved: string, client = 'cli', mode = 'probe') =>
    `${'c'.repeat(64)}|REDACTEDpublickey|||linux||${client}|${mode}||operator|["operator"]|${scopes}|${approved}||{"operator":{"token":"REDACTED","role":"operator","scopes":${scopes}}}|silent|||1780000000000|1780000000000||`;

  it.each([
    ['default sqlite3 output (no headers)', `sqlite> select * from device_pairing_paired;\n${paired('["operator.read"]', '["operator.read"]')}`],
    ['.headers on, other column subset', 'sqlite> .headers on\nsqlite> select device_id, client_id, client_mode, scopes_json, approved_scopes_json from device_pairing_paired;\ndevice_id|client_id|client_mode|scopes_json|approved_scopes_json\nc7d1…|cli|probe|["operator.read"]|["operator.read"]'],
    ['.mode line', 'sqlite> .mode line\nsqlite> select * from device_pairing_paired;\n            device_id = c7d1e2\n           public_key = <redacted>\n            client_id = cli\n          client_mode = probe\n                 role = operator\n           roles_json = ["operator"]\n          scopes_json = ["operator.read"]\n approved_scopes_json = ["operator.read"]\n        created_at_ms = 1780000000000\n      last_seen_at_ms = NULL'],
    ['.mode json', JSON.stringify([{ device_id: 'c7d1e2', public_key: '…', client_id: 'cli', client_mode: 'probe', scopes_json: '["operator.read"]', approved_scopes_json: '["operator.read"]', last_seen_at_ms: null }])],
  ])('sqlite rows of device_pairing_paired: a narrow CLI device is M03 (%s)', (_name, text) => {
    expect(top(text)).toBe('M03');
  });

  it('sqlite rows whose scope columns disagree are M10', () => {
    expect(top(`select * from device_pairing_paired;\n${paired('["operator.read"]', '["operator.read","operator.write"]', 'gateway-client', 'backend')}`)).toBe('M10');
  });

  it('never echoes a token from a sqlite row', () => {
    const text = `select * from device_pairing_paired;\n${paired('["operator.read"]', '["operator.read"]').replace('"token":"REDACTED"', '"token":"SQLITE-ROW-SECRET-abcdefghijklmnop"')}`;
    expect(JSON.stringify(explain(text))).not.toContain('SQLITE-ROW-SECRET');
  });
});

describe('several modes fit: ordered evidence and the deciding fact', () => {
  it('a scope upgrade re-typed without its scope lists lists the candidates in order and names the fact that decides', () => {
    const r = explain('reason: scope-upgrade\ndevice: 4f1c…\nauth: token');
    expect(r.modes.map((m) => m.mode).slice(0, 2)).toEqual(['M03', 'M01']);
    expect(r.modes[0]!.because.join(' ')).toMatch(/scope-upgrade without the scope lists/);
    expect(r.decide).toMatch(/^M03 or M01: which client asks/);
  });

  it('the seed scopes held with no client named: M01 vs M02 vs M03, decided by which device and which release', () => {
    const r = explain('"scopes": ["operator.admin", "operator.approvals", "operator.pairing"]');
    expect(r.modes.map((m) => m.mode).slice(0, 2)).toEqual(['M01', 'M02']);
    expect(r.decide).toMatch(/identity\/device\.json/);
  });
});

describe('no pairing mode from text without the facts', () => {
  it.each([
    'Error: Config validation failed: gateway.port must be a number',
    '[telegram] getUpdates conflict (409): terminated by other getUpdates request; make sure that only one bot instance is running',
    'Error: connect ECONNREFUSED 127.0.0.1:18789\nGateway not reachable. Is it running? Try: openclaw gateway start',
    '[agent] model anthropic/claude-sonnet-4 failed: 429 rate_limit_error; retrying in 30s',
    '[cron] job daily-summary finished in 2.3s (delivery: none)',
    'openclaw doctor\n◇  Skills ─────╮\n│  12 skills ready, 2 missing requirements │\n├──────────────╯\n◇  Plugins ────╮\n│  Loaded: 4   │',
    'client: telegram\nreason: timeout\nscopes are fine I think, role is admin of the group',
    '[github] OAuth app: client_id=Iv1.8a61f9b3a7aba766 requested scopes: repo, read:org, workflow; granted scopes: repo',
    '[google] token refresh failed: reason=invalid_grant client=gog scopes=openid email https://www.googleapis.com/auth/gmail.readonly',
    '2026-06-12 08:00:01 [gateway] config reloaded from /home/bob/.openclaw/openclaw.json\n2026-06-12 08:00:02 [gateway] listening on ws://127.0.0.1:18789 (state dir /home/bob/.openclaw)\n2026-06-12 08:00:03 [gateway] backup written: /home/bob/.openclaw/devices/paired.json',
    'I have admin rights on the server and it asks for my password again and again',
    'The bot has read access to the channel but wants write permission to post',
    '$ ls -la ~/.openclaw\n-rw------- 1 bob bob 2048 Jun 12 08:00 openclaw.json\ndrwx------ 2 bob bob 4096 Jun 12 08:00 agents\ndrwx------ 2 bob bob 4096 Jun 12 08:00 logs',
  ])('%s', (text) => {
    const r = explain(text);
    expect(r.modes.filter((m) => !m.lookAlike).map((m) => m.mode)).toEqual([]);
    expect(r.verdict).not.toBe('recognised');
  });
});
