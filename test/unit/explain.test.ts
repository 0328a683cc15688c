/** explain on every shared sample (labels.tsv) and on variants that real pastes produce: mangled, wrapped, translated, escaped. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { explain } from '../../src/explain/index.js';
import { ROOT } from '../helpers.js';

// Real pastes from public threads with their labelled mode, copied into the repo so a bare clone runs them.
const SAMPLES = path.join(ROOT, 'fixtures', 'pastes');
const labels = readFileSync(path.join(SAMPLES, 'labels.tsv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((l) => l.split('\t') as [string, string]);

const likely = (text: string) => explain(text).modes.filter((m) => m.confidence === 'likely').map((m) => m.mode);
const top = (text: string) => explain(text).modes[0]?.mode;

describe('explain names the labelled mode of every shared sample', () => {
  it.each(labels)('%s -> %s', (file, mode) => {
    const r = explain(readFileSync(path.join(SAMPLES, file), 'utf8'));
    if (mode === 'healthy') {
      expect(r.verdict).toBe('healthy');
      expect(r.modes).toEqual([]);
      return;
    }
    expect(r.verdict).toBe('recognised');
    expect(r.modes.filter((m) => m.confidence === 'likely').map((m) => m.mode)).toContain(mode);
    // A bare scope-upgrade line (21688) cannot tell M10 from M03/M01/M04; every other sample ranks its mode first.
    if (file !== '21688-gateway-log.txt') expect(r.modes[0]!.mode).toBe(mode);
  });
});

describe('explain generalises beyond the samples', () => {
  it('recognises nothing in unrelated text', () => {
    expect(explain('my printer is out of paper\nplease help').verdict).toBe('unknown');
    expect(explain('').verdict).toBe('unknown');
  });

  it('reads a journalctl-prefixed audit line (M01) and the same line wrapped over several lines', () => {
    const line = 'Feb 20 10:01:02 host node[1234]: [gateway] security audit: device access upgrade requested reason=scope-upgrade device=abcdef0123 ip=127.0.0.1 auth=token roleFrom=operator roleTo=operator scopesFrom=operator.admin,operator.approvals,operator.pairing scopesTo=operator.write client=gateway-client conn=c1';
    expect(top(line)).toBe('M01');
    expect(top(line.replace(/ (?=\w+=)/g, '\n    '))).toBe('M01');
    expect(top(line.replace(/\n/g, '\r\n').replace(/ (?=\w+=)/g, '\r\n'))).toBe('M01');
  });

  it('reads a tslog JSON line with the message in key "1" (M03)', () => {
    const msg = 'security audit: device access upgrade requested reason=scope-upgrade device=ab12cd34 ip=127.0.0.1 auth=device-token roleFrom=operator roleTo=operator scopesFrom=operator.read scopesTo=operator.admin,operator.approvals,operator.pairing,operator.read,operator.write client=cli conn=x';
    expect(top(JSON.stringify({ 0: '{"subsystem":"gateway"}', 1: msg, _meta: { date: '2026-05-01T00:00:00Z' } }))).toBe('M03');
  });

  it('reads English strings inside other languages', () => {
    expect(top('[WARN] 连接失败 connect 失败: pairing required (NOT_PAIRED) details: { reason: \'not-paired\' } 5秒后重连')).toBe('M09');
    expect(top('Fehler beim Start: [ERROR] failed to start native approval handler: GatewayClientRequestError: pairing required — seit dem Update')).toBe('M04');
  });

  it('reads literal \\r\\n and \\u0022 escapes of a log that embeds CLI stdout', () => {
    const escaped = String.raw`{"msg":"cmd.done","data":"stdout = {\r\n  \u0022selected\u0022: {\r\n    \u0022requestId\u0022: \u0022b4f51905-8cb4-45d4-96c1-833a3c80b542\u0022,\r\n    \u0022scopes\u0022: [\u0022operator.admin\u0022]"}`;
    expect(top(escaped)).toBe('M14');
  });

  it('reads paired.json fragments with elisions and without braces', () => {
    expect(top('"84150d…": {\n  "scopes": ["operator.read", "operator.pairing", "operator.admin"],\n  ...\n  "approvedScopes": ["operator.read", "operator.pairing", "operator.admin", "operator.write"]\n}')).toBe('M10');
    expect(top('"scopes": [\n "operator.read",\n …\n],\n"clientMode": "probe",\n"clientId": "cli"')).toBe('M03');
    expect(top("{ clientId: 'openclaw-control-ui', clientMode: 'webchat', scopes: ['operator.admin','operator.approvals','operator.pairing',], }")).toBe('M02');
  });

  it('reads `devices list --json` output and only suggests approve when deviceId and publicKey match', () => {
    const device = { deviceId: 'a'.repeat(64), publicKey: 'PUBKEY1', clientId: 'openclaw-macos', clientMode: 'ui', platform: 'macOS 26.3.1', roles: ['operator'], scopes: ['operator.admin'] };
    const request = { requestId: '0d6c2f0a-1111-4222-8333-444455556666', deviceId: device.deviceId, publicKey: 'PUBKEY1', platform: 'macOS 26.4.0', role: 'operator', scopes: ['operator.admin'], isRepair: true, ts: 1 };
    const r = explain(JSON.stringify({ pending: [request], paired: [device] }, null, 2));
    expect(r.modes[0]!.mode).toBe('M06');
    expect(r.commands.join('\n')).toContain('openclaw devices approve 0d6c2f0a-1111-4222-8333-444455556666');
    const other = explain(JSON.stringify({ pending: [{ ...request, publicKey: 'OTHERKEY' }], paired: [device] }));
    expect(other.commands).toEqual([]);
  });

  it('names each look-alike and says the store is fine', () => {
    for (const [text, mode] of [
      ['Gateway │ local · ws://127.0.0.1:18789 (local loopback) · unreachable (missing scope: operator.read)', 'L1'],
      ['gateway connect failed: Error: unauthorized: gateway token mismatch (set gateway.remote.token to match gateway.auth.token)', 'L2'],
      ['gateway closed (1006 abnormal closure (no close frame)): no close reason', 'L3'],
      ['disconnected (1008): control ui requires device identity (use HTTPS or localhost secure context)', 'L4'],
    ] as const) {
      const r = explain(text);
      expect(r.modes[0]!.mode, text).toBe(mode);
      expect(r.modes[0]!.lookAlike).toBe(true);
      expect(r.notes.join(' ')).toMatch(/device store is fine/);
    }
  });

  it('names the remaining modes from their catalog strings', () => {
    expect(top('security audit: device metadata upgrade requested reason=metadata-upgrade device=abc claimedPlatform=macOS 26.5.0 pinnedPlatform=macOS 26.4.1')).toBe('M06');
    expect(top('security audit: device access upgrade requested reason=role-upgrade device=abc roleFrom=node roleTo=operator scopesFrom=<none> scopesTo=operator.read client=openclaw-macos')).toBe('M07');
    expect(top('[ws] unauthorized conn=1 remote=127.0.0.1 client=cli cli v2026.2.19 reason=device_token_mismatch')).toBe('M08');
    expect(top('[openclaw] Could not start the CLI. Reason: device token rotation denied')).toBe('M11');
    expect(top('[openclaw] Reason: unknown requestId')).toBe('M12');
    expect(top("This device can't approve its own scope upgrade")).toBe('M13');
    expect(top('DeviceIdentityMigrationRequiredError: Legacy device identity exists at ~/.openclaw/identity/device.json.')).toBe('M16');
    expect(likely('[ws] closed before connect conn=1 remote=172.25.0.2 fwd=n/a origin=n/a host=x ua=n/a code=1008 reason=pairing required')).toContain('M05');
  });

  it('never echoes a token value from a pasted store', () => {
    const paste = JSON.stringify({ abc: { deviceId: 'abc', scopes: ['operator.read'], tokens: { operator: { token: 'SECRET-TOKEN-VALUE-1234567890', scopes: ['operator.read'] } } } });
    expect(JSON.stringify(explain(paste))).not.toContain('SECRET-TOKEN-VALUE');
  });
});
