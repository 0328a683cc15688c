import { describe, expect, it } from 'vitest';
import { keyValues, recognise } from '../../src/logs/patterns.js';

const HOST = '33fbb2283a2d9639ce4763ed43535809c27c2e67f420b5342c45fb76406408f0';

describe('recognise', () => {
  it('reads the 2.19 audit line exactly', () => {
    const e = recognise(
      `security audit: device access upgrade requested reason=scope-upgrade device=${HOST} ip=unknown-ip auth=token roleFrom=operator roleTo=operator scopesFrom=operator.admin,operator.approvals,operator.pairing scopesTo=operator.write client=gateway-client conn=c27e02d7-e44f-4e80-8716-8e58e7a21f6f`,
    );
    expect(e).toEqual({
      kind: 'access-upgrade',
      reason: 'scope-upgrade',
      deviceId: HOST,
      ip: 'unknown-ip',
      auth: 'token',
      roleFrom: ['operator'],
      roleTo: 'operator',
      scopesFrom: ['operator.admin', 'operator.approvals', 'operator.pairing'],
      scopesTo: ['operator.write'],
      client: 'gateway-client',
      conn: 'c27e02d7-e44f-4e80-8716-8e58e7a21f6f',
    });
  });

  it('reads a wrapped paste of the audit line (#21655, #23006)', () => {
    const e = recognise('warn gateway security audit: device access upgrade requested\nreason=scope-upgrade\ndevice=bd129ab6...\nscopesFrom=operator.admin,operator.approvals,operator.pairing\nscopesTo=operator.write');
    expect(e).toMatchObject({ kind: 'access-upgrade', reason: 'scope-upgrade', deviceId: 'bd129ab6', scopesTo: ['operator.write'] });
    const f = recognise('[gateway] security audit: device access upgrade requested reason=scope-upgrade\n  device=<deviceId>\n  scopesFrom=operator.admin,operator.approvals,operator.pairing,operator.write\n  scopesTo=operator.read\n  code=1008 reason=pairing required');
    expect(f).toMatchObject({ reason: 'scope-upgrade', scopesTo: ['operator.read'] });
    expect(f?.deviceId).toBeUndefined();
  });

  it('reads role upgrades and <none>', () => {
    expect(recognise('security audit: device access upgrade requested reason=role-upgrade device=abcdef12 ip=10.0.0.2 auth=device-token roleFrom=node roleTo=operator scopesFrom=<none> scopesTo=operator.read client=openclaw-macos conn=x')).toMatchObject({
      reason: 'role-upgrade', roleFrom: ['node'], roleTo: 'operator', scopesFrom: [], ip: '10.0.0.2', auth: 'device-token',
    });
  });

  it('reads the metadata upgrade with spaced platform values', () => {
    expect(recognise('security audit: device metadata upgrade requested reason=metadata-upgrade device=abcdef123456 ip=127.0.0.1 claimedPlatform=macOS 26.5.0 pinnedPlatform=macOS 26.4.1 client=openclaw-macos conn=1')).toMatchObject({
      kind: 'metadata-upgrade', claimedPlatform: 'macOS 26.5.0', pinnedPlatform: 'macOS 26.4.1', client: 'openclaw-macos',
    });
  });

  it('reads the file log JSON context of a pairing close', () => {
    const m = `{"cause":"pairing-required","handshake":"failed","durationMs":16,"deviceId":"${HOST}","requestId":"d53cfacf-53f6-40b2-9358-0b2ba4506f6e","reason":"scope-upgrade"} closed before connect conn=c27e02d7 remote=127.0.0.1 fwd=n/a origin=n/a host=127.0.0.1:18789 ua=n/a code=1008 reason=connect failed`;
    expect(recognise(m)).toMatchObject({ kind: 'pairing-close', reason: 'scope-upgrade', deviceId: HOST, requestId: 'd53cfacf-53f6-40b2-9358-0b2ba4506f6e', conn: 'c27e02d7', remote: '127.0.0.1', code: 1008 });
    expect(recognise('warn gateway/ws {"cause":"pairing-required","handshake":"failed",..."reason":"not-paired"} closed before connect')).toMatchObject({ kind: 'pairing-close', reason: 'not-paired' });
    expect(recognise('[ws] closed before connect conn=ab remote=172.25.0.2 fwd=n/a origin=n/a host=x ua=n/a code=1008 reason=pairing required')).toMatchObject({ kind: 'pairing-close', remote: '172.25.0.2', code: 1008 });
  });

  it('reads client-side closes of every era', () => {
    expect(recognise('gateway connect failed: Error: pairing required')).toEqual({ kind: 'connect-failed' });
    expect(recognise('[ERROR] failed to start native approval handler: GatewayClientRequestError: pairing required')).toEqual({ kind: 'connect-failed' });
    expect(recognise('Error: gateway closed (1008): pairing required')).toMatchObject({ kind: 'closed-pairing-required', code: 1008 });
    expect(
      recognise('GatewayTransportError: gateway closed (1008): pairing required: device is asking for more scopes than currently approved (requestId: 0b8e3c3e-5a4e-4f43-9d0a-1c2b3d4e5f60)'),
    ).toMatchObject({ kind: 'closed-pairing-required', reason: 'scope-upgrade', requirement: 'device is asking for more scopes than currently approved', requestId: '0b8e3c3e-5a4e-4f43-9d0a-1c2b3d4e5f60' });
    expect(recognise('gateway connect failed: GatewayClientRequestError: scope upgrade pending approval (requestId: 0b8e3c3e-5a4e-4f43-9d0a-1c2b3d4e5f60)')).toMatchObject({
      kind: 'upgrade-pending', reason: 'scope-upgrade', requestId: '0b8e3c3e-5a4e-4f43-9d0a-1c2b3d4e5f60',
    });
  });

  it('reads announce and cron delivery failures before the close they quote', () => {
    expect(recognise('announce queue drain failed for agent:main:discord:channel:1469556013123502103: Error: gateway closed (1008): pairing required')).toMatchObject({
      kind: 'announce-failed', key: 'agent:main:discord:channel:1469556013123502103', code: 1008,
    });
    expect(recognise('cron: delivery failed for job daily-digest: Error: gateway closed (1008): pairing required')).toMatchObject({ kind: 'cron-delivery-failed', code: 1008 });
    expect(recognise('cron: delivery scheduled for job x')).toBeNull();
  });

  it('reads token, timeout, scope, approval, rotation and migration lines', () => {
    expect(recognise('unauthorized conn=ab12 remote=127.0.0.1 client=openclaw-control-ui webchat v2026.2.19 reason=device_token_mismatch')).toMatchObject({
      kind: 'token-mismatch', client: 'openclaw-control-ui', clientMode: 'webchat', conn: 'ab12',
    });
    expect(recognise('gateway closed (1008): unauthorized: device token mismatch (rotate/reissue device token)')).toMatchObject({ kind: 'token-mismatch', code: 1008 });
    expect(recognise('{"cause":"handshake-timeout","handshake":"failed","handshakeMs":3002} closed before connect conn=1b remote=127.0.0.1 code=1000 reason=n/a')).toMatchObject({ kind: 'handshake-timeout', code: 1000, conn: '1b' });
    expect(recognise('⇄ res ✗ chat.history 0ms errorCode=INVALID_REQUEST errorMessage=missing scope: operator.read conn=e5a7')).toMatchObject({ kind: 'missing-scope', scope: 'operator.read', method: 'chat.history' });
    expect(recognise(`device pairing auto-approved device=${HOST} role=operator`)).toEqual({ kind: 'auto-approved', deviceId: HOST, role: 'operator' });
    expect(recognise(`device token rotated device=${HOST} role=operator scopes=operator.admin,operator.write`)).toMatchObject({ kind: 'token-rotated', scopesTo: ['operator.admin', 'operator.write'] });
    expect(recognise('2026-08-31T23:38:08.572+08:00 [gateway] device pairing store migration failed: Error: NOT NULL constraint failed: device_pairing_paired.created_at_ms')).toMatchObject({
      kind: 'store-migration-failed', error: 'Error: NOT NULL constraint failed: device_pairing_paired.created_at_ms',
    });
    expect(recognise('[gateway] device pairing store migrated to SQLite: imported 11 paired device(s), kept 0 existing record(s)')).toEqual({ kind: 'store-migrated' });
  });

  it('skips unrelated lines and never throws', () => {
    for (const m of ['', 'listening on ws://127.0.0.1:18789', 'heartbeat: started', '\u0000\u0001\u0002', 'x'.repeat(100_000), 'reason=', 'device access upgrade requested']) {
      expect(() => recognise(m)).not.toThrow();
    }
    expect(recognise('listening on ws://127.0.0.1:18789')).toBeNull();
  });
});

describe('keyValues', () => {
  it('keeps the first of repeated keys', () => {
    expect(keyValues('reason=scope-upgrade code=1008 reason=pairing required')).toEqual({ reason: 'scope-upgrade', code: '1008' });
  });
});
