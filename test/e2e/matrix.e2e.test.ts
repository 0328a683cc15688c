// Per-release fact finding / regression matrix against REAL gateways (docs/openclaw.md, docs/oracle.md).
//   OPENCLAW_FIX_E2E=1 [OPENCLAW_FIX_E2E_VERSIONS=2026.2.19,2026.2.21] npx vitest run test/e2e/matrix.e2e.test.ts
// Prints one `E2E-FACTS {json}` line per release (ready time, what `devices list` wrote, call outcomes).
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  SEED_SCOPES,
  connectAllowed,
  envList,
  freePort,
  hostDeviceId,
  internalCall,
  makeTempHome,
  readPaired,
  releaseEnv,
  removeTempHome,
  runOpenclaw,
  sendParams,
  startGateway,
  stopAllGateways,
  versionAtLeast,
  writePairedScopes,
} from "./harness.js";

const enabled = process.env.OPENCLAW_FIX_E2E === "1";
const VERSIONS = envList("OPENCLAW_FIX_E2E_VERSIONS", "2026.2.19,2026.2.21,2026.2.22,2026.7.35");

// Expected outcomes with the seed scopes [admin, approvals, pairing] on the host device (facts §8).
const EXPECT_SEED: Record<string, { send: boolean; health: boolean }> = {
  "2026.2.19": { send: false, health: false },
  "2026.2.21": { send: false, health: true },
  "2026.2.22": { send: true, health: true },
  // 7.x: local backend self-calls skip pairing, so the record does not matter.
  "2026.7.35": { send: true, health: true },
};

afterAll(async () => {
  await stopAllGateways();
});

function listFiles(dir: string, rel = ""): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const r = path.join(rel, e.name);
    if (e.isDirectory()) {
      if (!["agents", "canvas", "workspace", "logs"].includes(e.name)) out.push(...listFiles(path.join(dir, e.name), r));
    } else out.push(r);
  }
  return out.sort();
}

const summarize = (r: { ok: boolean; error?: string; auditLine?: string }) => ({
  allowed: connectAllowed(r),
  error: r.error?.split("\n")[0],
  audit: r.auditLine?.replace(/device=[0-9a-f]{64}/, "device=<host>").replace(/conn=\S+/, "conn=<id>"),
});

(enabled ? describe : describe.skip)("release matrix", () => {
  for (const version of VERSIONS) {
    it(
      version,
      async () => {
        const facts: Record<string, unknown> = { version };
        const { home, stateDir } = makeTempHome(`oc-matrix-${version}-`);
        try {
          const port = await freePort();
          let gw = await startGateway(version, { home, port, maxLifetimeMs: 5 * 60_000 });
          facts.readyMs = gw.readyMs;
          const env = releaseEnv(home);

          const t0 = Date.now();
          const list = await runOpenclaw(version, ["devices", "list", "--json"], env);
          facts.devicesList = { ms: Date.now() - t0, code: list.code, stdout: list.stdout.slice(0, 200).replace(/\s+/g, " ") };
          facts.filesAfterList = listFiles(stateDir);
          const host = hostDeviceId(stateDir);
          const rec = host ? readPaired(stateDir)[host] : undefined;
          facts.hostPairedByCli = rec ? { scopes: rec.scopes, approvedScopes: rec.approvedScopes } : null;

          // Fresh state (whatever the CLI did), internal calls:
          facts.fresh = {
            send: summarize(await internalCall(version, stateDir, "send", sendParams("fresh"))),
            health: summarize(await internalCall(version, stateDir, "health", {})),
          };

          if (host && !versionAtLeast(version, "2026.8.1")) {
            // Seed scopes, written while the gateway RUNS (2.x re-reads paired.json on every connect).
            writePairedScopes(stateDir, host, SEED_SCOPES, SEED_SCOPES, { clearPending: true });
            const send = await internalCall(version, stateDir, "send", sendParams("seed"));
            const health = await internalCall(version, stateDir, "health", {});
            const after = readPaired(stateDir)[host];
            facts.seedLive = {
              send: summarize(send),
              health: summarize(health),
              scopesAfter: after?.scopes,
              tokenScopesAfter: (after?.tokens as Record<string, { scopes?: string[] }> | undefined)?.operator?.scopes,
            };
            const exp = EXPECT_SEED[version];
            if (exp) {
              expect(connectAllowed(send), `send ${send.error}`).toBe(exp.send);
              expect(connectAllowed(health), `health ${health.error}`).toBe(exp.health);
            }

            // Same with the gateway stopped while writing, then restarted.
            await gw.stop();
            writePairedScopes(stateDir, host, SEED_SCOPES, SEED_SCOPES, { clearPending: true });
            gw = await startGateway(version, { home, port: await freePort(), maxLifetimeMs: 5 * 60_000 });
            facts.secondReadyMs = gw.readyMs;
            const send2 = await internalCall(version, stateDir, "send", sendParams("seed2"));
            const health2 = await internalCall(version, stateDir, "health", {});
            facts.seedStopped = { send: summarize(send2), health: summarize(health2) };
            if (exp) {
              expect(connectAllowed(send2)).toBe(exp.send);
              expect(connectAllowed(health2)).toBe(exp.health);
            }
          }
          await gw.stop();
          facts.filesAtEnd = listFiles(stateDir);
        } finally {
          console.log(`E2E-FACTS ${JSON.stringify(facts)}`);
          removeTempHome(home);
        }
      },
      300_000,
    );
  }
});
