// Smoke test against REAL published gateways (needs the npm registry on first run, ~40 s per release
// install into ~/.cache/openclaw-fix-e2e; then ~10-20 s per release). Run:
//   OPENCLAW_FIX_E2E=1 npx vitest run test/e2e
// Skipped unless OPENCLAW_FIX_E2E=1 so the normal unit run stays offline and fast.
import { afterAll, describe, expect, it } from "vitest";
import {
  SEED_SCOPES,
  freePort,
  hostDeviceId,
  internalCall,
  makeTempHome,
  readPaired,
  readPending,
  removeTempHome,
  runOpenclaw,
  releaseEnv,
  sendParams,
  connectAllowed,
  deviceClientCall,
  startGateway,
  stopAllGateways,
  writePairedScopes,
  type GatewayHandle,
} from "./harness.js";

const enabled = process.env.OPENCLAW_FIX_E2E === "1";
const d = enabled ? describe : describe.skip;

afterAll(async () => {
  await stopAllGateways();
});

async function withGateway<T>(version: string, fn: (gw: GatewayHandle) => Promise<T>): Promise<T> {
  const { home } = makeTempHome(`oc-e2e-${version}-`);
  const port = await freePort();
  const gw = await startGateway(version, { home, port, maxLifetimeMs: 5 * 60_000 });
  try {
    return await fn(gw);
  } finally {
    await gw.stop();
    removeTempHome(home);
  }
}

d("real gateways: the seed scope-upgrade loop", () => {
  it(
    "2026.2.19: first `devices list` pairs the host with [admin, approvals, pairing]; an internal send is refused (1008 pairing required)",
    async () => {
      await withGateway("2026.2.19", async (gw) => {
        const list = await runOpenclaw("2026.2.19", ["devices", "list", "--json"], releaseEnv(gw.home));
        expect(list.code, list.stderr).toBe(0);
        const host = hostDeviceId(gw.stateDir);
        expect(host).toMatch(/^[0-9a-f]{64}$/);
        const rec = readPaired(gw.stateDir)[host!];
        expect(rec?.scopes).toEqual(SEED_SCOPES);
        expect((rec?.tokens as Record<string, { scopes: string[] }>).operator?.scopes).toEqual(SEED_SCOPES);

        const send = await internalCall("2026.2.19", gw.stateDir, "send", sendParams());
        expect(send.ok).toBe(false);
        expect(send.error).toMatch(/gateway closed \(1008\): pairing required/);
        expect(send.auditLine).toMatch(
          new RegExp(`reason=scope-upgrade device=${host} .*scopesFrom=operator\\.admin,operator\\.approvals,operator\\.pairing scopesTo=operator\\.write client=gateway-client`),
        );
        // The refused upgrade leaves a repair request behind.
        const pending = Object.values(readPending(gw.stateDir));
        expect(pending.some((p) => p.deviceId === host && p.isRepair === true)).toBe(true);
      });
    },
    180_000,
  );

  it(
    "2026.2.22: with the same seed scopes on the host device, internal send and health are allowed",
    async () => {
      await withGateway("2026.2.22", async (gw) => {
        // 2.22's CLI with the shared token does not pair the host: write the seed record ourselves.
        const list = await runOpenclaw("2026.2.22", ["devices", "list", "--json"], releaseEnv(gw.home));
        expect(list.code, list.stderr).toBe(0);
        const host = hostDeviceId(gw.stateDir);
        expect(host).toBeDefined();
        writePairedScopes(gw.stateDir, host!, SEED_SCOPES);

        const send = await internalCall("2026.2.22", gw.stateDir, "send", sendParams());
        expect(connectAllowed(send), send.error).toBe(true);
        expect(send.auditLine).toBeUndefined();
        if (!send.ok) expect(send.error).toMatch(/unsupported channel: discord/);

        const health = await internalCall("2026.2.22", gw.stateDir, "health", {});
        expect(health.ok, health.error).toBe(true);
      });
    },
    180_000,
  );

  it(
    "2026.7.35: host internal calls skip pairing; a second device (own identity, shared token) loops on scope-upgrade",
    async () => {
      await withGateway("2026.7.35", async (gw) => {
        const send = await internalCall("2026.7.35", gw.stateDir, "send", sendParams());
        expect(connectAllowed(send), send.error).toBe(true);

        const dev = `${gw.home}/remote-device`;
        // 1) first connect with the shared token + its own identity, read only: silently paired.
        const pair = await deviceClientCall("2026.7.35", gw, dev, { scopes: ["operator.read"], method: "health", useSharedToken: true });
        expect(pair.ok, pair.error).toBe(true);
        // 2) device token only, same scopes: allowed.
        const again = await deviceClientCall("2026.7.35", gw, dev, { scopes: ["operator.read"], method: "health", useSharedToken: false });
        expect(again.ok, again.error).toBe(true);
        // 3) shared token, asking for write too: scope-upgrade, never auto-approved on 7.x -> loop.
        const up = await deviceClientCall("2026.7.35", gw, dev, {
          scopes: ["operator.read", "operator.write"],
          method: "send",
          params: sendParams("up"),
          useSharedToken: true,
        });
        expect(up.ok).toBe(false);
        expect(up.error).toMatch(/scope upgrade pending approval/);
        expect(up.auditLine).toMatch(/reason=scope-upgrade .*auth=token .*scopesFrom=operator\.read scopesTo=operator\.read,operator\.write client=cli/);
        // 4) device token only, asking for write: refused before pairing (token scopes), no audit line.
        const tok = await deviceClientCall("2026.7.35", gw, dev, {
          scopes: ["operator.read", "operator.write"],
          method: "send",
          params: sendParams("tok"),
          useSharedToken: false,
        });
        expect(tok.ok).toBe(false);
        expect(tok.error).toMatch(/device token scope mismatch/);
      });
    },
    180_000,
  );
});
