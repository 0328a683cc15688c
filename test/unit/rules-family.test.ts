/**
 * The family rules on real fixture states plus gateway log lines (the catalog's evidence strings), fed
 * through the shared recognisers exactly as the log scanner would: logs are second evidence, gated by release.
 */
import { renderFinding } from '../../src/report/render.js';
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../src/core/diagnose.js';
import type { LogGroup } from '../../src/core/model.js';
import { takeSnapshot } from '../../src/core/snapshot.js';
import { jsonLineMessage } from '../../src/explain/normalize.js';
import { recognise } from '../../src/logs/patterns.js';
import { copyFixture } from '../helpers.js';

const LOG_FILE = '/tmp/openclaw/openclaw-2026-03-14.log';

function groups(lines: string[]): LogGroup[] {
  return lines.map((line) => {
    const message = jsonLineMessage(line) ?? line;
    const e = recognise(message);
    if (!e) throw new Error(`not recognised: ${line}`);
    return { kind: e.kind, deviceId: e.deviceId, client: e.client, reason: e.reason, scopesFrom: e.scopesFrom, scopesTo: e.scopesTo, count: 3, sample: message.slice(0, 200), source: LOG_FILE };
  });
}

async function findings(fixture: string, version: string, lines: string[] = []) {
  const { dir } = copyFixture(fixture);
  const snapshot = await takeSnapshot({ stateDir: dir, openclawVersion: version, env: {} });
  if (lines.length) snapshot.logEvidence = { files: [LOG_FILE], groups: groups(lines), stats: { bytes: 0, candidates: lines.length, skipped: 0, events: lines.length }, problems: [] };
  // In words, as every report prints them: these tests read the sentences.
  return diagnose(snapshot).findings.map((f) => renderFinding(f, []));
}

const ids = (fs: { id: string }[]) => fs.map((f) => f.id);

const LINES = {
  L1: 'info gateway/ws ⇄ res ✗ status 0ms errorCode=INVALID_REQUEST errorMessage=missing scope: operator.read conn=1bf8fcf9',
  L3: '{"0":"{\\"subsystem\\":\\"gateway/ws\\"}","1":{"cause":"handshake-timeout","handshake":"failed","durationMs":3121,"handshakeMs":3002},"2":"closed before connect conn=1bf8fcf9 remote=127.0.0.1 fwd=n/a origin=n/a host=127.0.0.1:18789 ua=n/a code=1000 reason=n/a"}',
  M05: '[ws] closed before connect conn=7 remote=172.25.0.2 fwd=n/a origin=n/a host=gw:18789 ua=n/a code=1008 reason=pairing required',
  M06: 'security audit: device metadata upgrade requested reason=metadata-upgrade device=abcdef012345 ip=127.0.0.1 auth=device-token claimedPlatform=macOS 26.5.0 pinnedPlatform=macOS 26.4.1 client=openclaw-macos conn=9',
  M07: 'security audit: device access upgrade requested reason=role-upgrade device=abcdef012345 ip=127.0.0.1 auth=device-token roleFrom=node roleTo=operator scopesFrom=<none> scopesTo=operator.read client=openclaw-macos conn=9',
  M08: '[ws] unauthorized conn=3 remote=127.0.0.1 client=openclaw-control-ui webchat v2026.2.19 reason=device_token_mismatch',
  M16: '2026-08-31T23:38:08.572+08:00 [gateway] device pairing store migration failed: Error: NOT NULL constraint failed: device_pairing_paired.created_at_ms',
};

describe('family rules on log evidence', () => {
  it('L1: "missing scope: operator.read" with a fully scoped host is the look-alike, only on 3.12-4.21', async () => {
    const on = await findings('2.19-fixed', '2026.3.13', [LINES.L1]);
    const l1 = on.find((f) => f.id === 'shared-token-scopes-cleared');
    expect(l1?.explanation).toContain('The device store is fine');
    expect(ids(await findings('2.19-fixed', '2026.2.19', [LINES.L1]))).not.toContain('shared-token-scopes-cleared');
    expect(ids(await findings('2.19-fixed', '2026.3.13'))).not.toContain('shared-token-scopes-cleared');
  });

  it('L3: handshake-timeout closes are named as such, with the store left alone', async () => {
    const f = (await findings('2.19-fixed', '2026.3.13', [LINES.L3])).find((x) => x.id === 'handshake-timeout');
    expect(f?.explanation).toMatch(/3-second timeout/);
    expect(f?.fix?.command).toBeUndefined();
  });

  it('M05: 1008 closes from a docker-bridge peer', async () => {
    expect(ids(await findings('2.19-fixed', '2026.2.19', [LINES.M05]))).toContain('internal-call-not-loopback');
  });

  it('M06: metadata-upgrade lines, only where the release pins metadata', async () => {
    expect(ids(await findings('2.19-fixed', '2026.3.24', [LINES.M06]))).toContain('metadata-pin-mismatch');
    expect(ids(await findings('2.19-fixed', '2026.2.19', [LINES.M06]))).not.toContain('metadata-pin-mismatch');
  });

  it('M07: role-upgrade audit lines', async () => {
    expect(ids(await findings('2.19-fixed', '2026.4.20', [LINES.M07]))).toContain('role-upgrade-pending');
  });

  it('M08: device_token_mismatch lines make it an error', async () => {
    const f = (await findings('2.19-fixed', '2026.2.19', [LINES.M08])).find((x) => x.id === 'device-token-mismatch');
    expect(f?.severity).toBe('error');
  });

  it('M16: failed migrations from the journal', async () => {
    const f = (await findings('2.19-fixed', '2026.8.1', [LINES.M16])).filter((x) => x.id === 'sqlite-migration');
    expect(f.some((x) => x.severity === 'error')).toBe(true);
  });
});

describe('family rules on files: exact commands only after request vs device', () => {
  it('M06 shows claimed vs pinned platform, checks the key pair, then the exact approve', async () => {
    const f = (await findings('m06-3.24-platform-changed', '2026.3.24')).find((x) => x.id === 'metadata-pin-mismatch')!;
    expect(f.title).toContain('"macOS 26.4.0" (pinned "macOS 26.3.1")');
    expect(f.evidence.join('\n')).toContain('deviceId and publicKey match');
    expect(f.fix?.steps?.[0]).toContain('openclaw devices approve c0ffee00-1111-4222-8333-444455556666');
  });

  it('M04 lists the device that needs only the scope the release added, and the delta only', async () => {
    const f = (await findings('m04-4.20-talk-secrets-missing', '2026.4.20')).find((x) => x.id === 'scope-added-by-update')!;
    expect(f.title).toContain('operator.talk.secrets');
    expect(f.evidence[0]).toBe('needs operator.talk.secrets (delta only)');
  });

  it('no family rule suggests a bind change, disabling device auth, a new gateway token or --latest', async () => {
    const all = [];
    for (const [name, version] of [
      ['m05-2.19-bind-lan', '2026.2.19'], ['l4-2.12-insecure-ui', '2026.2.12'], ['l2-service-token-drift', '2026.2.19'],
      ['m14-6.11-new-device-waits', '2026.6.11'], ['m13-5.2-pairing-only', '2026.5.2'], ['m12-5.12-two-requests', '2026.5.12'],
    ] as const) all.push(...(await findings(name, version)));
    const advice = all.flatMap((f) => [f.fix?.command ?? '', ...(f.fix?.steps ?? []), f.fix?.alternative ?? '']).join('\n');
    expect(advice).not.toMatch(/openclaw config set gateway\.(bind|auth)|--latest\s*$|approve --latest(?! only)|--generate-gateway-token|allowInsecureAuth: true|dangerouslyDisableDeviceAuth: true/m);
    expect(advice).toContain('openclaw devices approve b4f51905-8cb4-45d4-96c1-833a3c80b542');
  });
});
