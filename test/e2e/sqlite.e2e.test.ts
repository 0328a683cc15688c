// Real 2026.8.x and newest gateways (SQLite device store): pair a device narrow the way a pre-8.x install
// left it, see the scope-upgrade loop (autoApproveLocal: false), doctor names it, the real `openclaw-fix rotate --yes`
// fixes it, the real client works, `openclaw-fix restore --yes` brings the loop back. Skipped unless OPENCLAW_FIX_E2E=1.
import fs from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { readSqliteScopes, verifySqliteScopes } from '../../src/store/sqlite-write.js';
import { runCli } from '../helpers.js';
import { connectAllowed, deviceClientCall, envList, freePort, makeTempHome, removeTempHome, sendParams, startGateway, stopAllGateways, type GatewayHandle } from './harness.js';

const E2E = process.env.OPENCLAW_FIX_E2E === '1';
const VERSIONS = envList('OPENCLAW_FIX_E2E_SQLITE_VERSIONS', '2026.8.2,2026.9.6');
const READ = ['operator.read'];
const WIDE = ['operator.read', 'operator.write', 'operator.admin'];

afterAll(async () => {
  await stopAllGateways();
});

async function start(version: string, home: string, port: number): Promise<GatewayHandle> {
  return startGateway(version, { home, port, token: `e2e-sqlite-${port}-${Date.now().toString(36)}` });
}

describe.skipIf(!E2E).each(VERSIONS)('SQLite store on the real %s gateway', (version) => {
  it('narrow device loops -> doctor names it -> SQLite rotate fixes it -> client works -> restore brings the loop back', async () => {
    const { home, stateDir } = makeTempHome('ocf-e2e-sqlite-');
    const port = await freePort();
    let gw = await start(version, home, port);
    const dev = path.join(home, 'second-device');
    const db = path.join(stateDir, 'state', 'openclaw.sqlite');
    try {
      // 1) pair a device read-only (local not-paired is silent), as 4.x-7.x probes left CLI devices (M03).
      const pair = await deviceClientCall(version, gw, dev, { scopes: READ, method: 'health', useSharedToken: true });
      expect(pair.ok, pair.error).toBe(true);
      const deviceId = pair.deviceId!;
      expect((await readSqliteScopes(db, deviceId))?.scopes).toEqual(READ);

      // autoApproveLocal: false is what makes a LOCAL shared-token scope upgrade loop on 8.1+ (measured: it also
      // stops silent FIRST pairing, "device pairing required", so the device is paired before it is set).
      await gw.stop();
      const configPath = path.join(stateDir, 'openclaw.json');
      const cfg = JSON.parse(fs.readFileSync(configPath, 'utf8')) as { gateway: Record<string, unknown> };
      cfg.gateway.nodes = { pairing: { autoApproveLocal: false } };
      fs.writeFileSync(configPath, JSON.stringify(cfg, null, 2), { mode: 0o600 });
      gw = await start(version, home, port);

      // 2) the loop: asking for more with the shared token files a repair request and closes the socket, every time.
      for (let i = 0; i < 2; i++) {
        const up = await deviceClientCall(version, gw, dev, { scopes: WIDE, method: 'send', params: sendParams(`up${i}`), useSharedToken: true });
        expect(connectAllowed(up), up.error).toBe(false);
        expect(up.error).toMatch(/scope upgrade pending approval/);
        expect(up.auditLine).toMatch(/reason=scope-upgrade .*auth=token .*scopesFrom=operator\.read scopesTo=operator\.admin,operator\.read,operator\.write/);
      }

      // 3) doctor (read-only, gateway running) names it from the SQLite store and changes nothing.
      const before = fs.readdirSync(path.join(stateDir, 'state')).sort();
      const doc = runCli(['doctor', '--state-dir', stateDir, '--openclaw-version', version, '--json']);
      expect(doc.stderr).not.toMatch(/ExperimentalWarning/);
      const report = JSON.parse(doc.stdout) as { store: { kind: string }; findings: { id: string; deviceId?: string }[] };
      expect(report.store.kind).toBe('sqlite');
      expect(report.findings.some((f) => f.id === 'pending-repair-request' && f.deviceId === deviceId)).toBe(true);
      expect(fs.readdirSync(path.join(stateDir, 'state')).sort()).toEqual(before);

      // 4) the real `openclaw-fix rotate --yes` (gateway stopped first, as the service path does): same plan as the
      // JSON store, online backup, one transaction, verification, doctor afterwards.
      await gw.stop();
      const where = ['--state-dir', stateDir, '--openclaw-version', version];
      const t0 = Date.now();
      const rot = runCli(['rotate', ...where, '--device', deviceId, '--scope', 'operator.write', '--scope', 'operator.admin', '--yes', '--json']);
      const rotSeconds = (Date.now() - t0) / 1000;
      expect(rot.code, rot.stdout + rot.stderr).toBe(0);
      const rotDoc = JSON.parse(rot.stdout) as { plan: { store: string }; result: { status: string; backup: { name: string; files: { path: string; kind?: string }[] } } };
      expect(rotDoc.plan.store).toBe('sqlite');
      expect(rotDoc.result.status).toBe('applied');
      expect(rotDoc.result.backup.files).toMatchObject([{ path: 'state/openclaw.sqlite', kind: 'sqlite' }]);
      expect(await verifySqliteScopes(db, deviceId, WIDE)).toEqual([]);
      console.log(`[${version}] openclaw-fix rotate --yes: ${rotSeconds.toFixed(1)} s`);
      gw = await start(version, home, port);

      // 5) the real client now works, with the shared token and with its device token.
      const ok = await deviceClientCall(version, gw, dev, { scopes: WIDE, method: 'health', useSharedToken: true });
      expect(ok.ok, ok.error).toBe(true);
      expect(ok.auditLine).toBeUndefined();
      const tokenOnly = await deviceClientCall(version, gw, dev, { scopes: WIDE, method: 'health', useSharedToken: false });
      expect(tokenOnly.ok, tokenOnly.error).toBe(true);
      const after = runCli(['doctor', '--state-dir', stateDir, '--openclaw-version', version, '--json']);
      expect((JSON.parse(after.stdout) as { findings: { id: string; deviceId?: string }[] }).findings.some((f) => f.id === 'pending-repair-request' && f.deviceId === deviceId)).toBe(false);

      // 6) the real `openclaw-fix restore --yes` (gateway stopped) puts the narrow device back: the loop returns.
      await gw.stop();
      const t1 = Date.now();
      const res = runCli(['restore', ...where, '--yes']);
      const resSeconds = (Date.now() - t1) / 1000;
      expect(res.code, res.stdout + res.stderr).toBe(0);
      expect(res.stdout).toContain(`from backup ${rotDoc.result.backup.name}`);
      expect((await readSqliteScopes(db, deviceId))?.scopes).toEqual(READ);
      console.log(`[${version}] openclaw-fix restore --yes: ${resSeconds.toFixed(1)} s`);
      // The device's token value (read here, never printed) appears in nothing openclaw-fix printed.
      const conn = new DatabaseSync(db, { readOnly: true });
      const tokenValue = String(JSON.parse(String((conn.prepare('SELECT tokens_json FROM device_pairing_paired WHERE device_id = ?').get(deviceId) as { tokens_json: string }).tokens_json)).operator.token);
      conn.close();
      expect(tokenValue.length).toBeGreaterThan(20);
      for (const text of [rot.stdout, rot.stderr, res.stdout, res.stderr, doc.stdout]) expect(text.includes(tokenValue)).toBe(false);
      gw = await start(version, home, port);
      const again = await deviceClientCall(version, gw, dev, { scopes: WIDE, method: 'send', params: sendParams('again'), useSharedToken: true });
      expect(again.error).toMatch(/scope upgrade pending approval/);
    } finally {
      await gw.stop();
      removeTempHome(home);
    }
  }, 300_000);
});
