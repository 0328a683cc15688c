// 2026.1.30's cached device token, refused once and let in on the retry (docs/oracle.md), asked of the REAL gateway
// by `check --probe` and `doctor --probe`. Skipped unless OPENCLAW_FIX_E2E=1:
//   OPENCLAW_FIX_E2E=1 npx vitest run --config vitest.e2e.config.ts test/e2e/probe-heals-on-retry.e2e.test.ts
//
// The state is the sweep's: the host paired with operator.read only (its token the same), that token cached in
// identity/device-auth.json, the shared token in the config. The release's client leads with the cached token, is
// refused (token_mismatch), drops it and connects again with the shared token: the gateway lets that one in.
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  envList,
  fileDigest,
  readPaired,
  releaseEnv,
  runFix,
  runOpenclaw,
  hostDeviceId,
  stopAllGateways,
  withGateway,
  writePairedScopes,
  type GatewayHandle,
} from "./harness.js";

const E2E = process.env.OPENCLAW_FIX_E2E === "1";
const HEALS = envList("OPENCLAW_FIX_E2E_PROBE_HEALS", "2026.1.30");

afterAll(stopAllGateways);

type Doc = Record<string, any>;

/** The client's device-token cache in step with the host's record (the sweep's syncCachedToken). */
function cacheRecordToken(stateDir: string, host: string): void {
  const file = path.join(stateDir, "identity", "device-auth.json");
  const auth = JSON.parse(fs.readFileSync(file, "utf8"));
  const op = (readPaired(stateDir)[host] as Doc).tokens.operator;
  auth.tokens = { ...(auth.tokens ?? {}), operator: { ...(auth.tokens?.operator ?? {}), token: op.token, role: "operator", scopes: op.scopes, updatedAtMs: Date.now() } };
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(auth, null, 2), { mode: 0o600 });
  fs.renameSync(`${file}.tmp`, file);
}

async function withHealingState(version: string, body: (gw: GatewayHandle, host: string) => Promise<void>): Promise<void> {
  const opts = { homePrefix: `ocf-heals-${version}-`, maxLifetimeMs: 8 * 60_000, readyTimeoutMs: 200_000 };
  await withGateway(
    version,
    async (gw) => {
      const first = await runOpenclaw(version, ["devices", "list", "--json"], releaseEnv(gw.home));
      expect(first.code, first.stderr).toBe(0);
      const host = hostDeviceId(gw.stateDir)!;
      writePairedScopes(gw.stateDir, host, ["operator.read"], ["operator.read"], { clearPending: true });
      cacheRecordToken(gw.stateDir, host);
      await body(gw, host);
    },
    opts,
  );
}

const probeClient = (doc: Doc, client: string): Doc => (doc.probe.clients as Doc[]).find((c) => c.client === client)!;
const findings = (doc: Doc) => (doc.findings as Doc[]).map((f) => `${f.severity} ${f.id}`);

describe.skipIf(!E2E)("a refusal that heals on the retry (2026.1.30's cached device token), asked of the real gateway", () => {
  it.each(HEALS)("%s: check --probe and doctor --probe say refused once, then let in, and exit 0 like doctor", async (version) => {
    await withHealingState(version, async (gw, host) => {
      const authFile = path.join(gw.stateDir, "identity", "device-auth.json");
      const authBefore = fileDigest(authFile);

      // The prediction: each client refused once and let in on its retry; a warning (M08), exit 0.
      const doctor = await runFix(version, gw.home, ["doctor", "--json", "--no-logs"]);
      expect(doctor.json, doctor.stdout + doctor.stderr).toBeDefined();
      expect(findings(doctor.json!)).toEqual(["warning device-token-mismatch"]);
      expect((doctor.json!.clients as Doc[]).every((c) => c.verdict === "refused" && c.healsOnRetry)).toBe(true);
      expect(doctor.code).toBe(0);

      const r = await runFix(version, gw.home, ["check", "--probe", "--json", "--no-logs"]);
      expect(r.json, r.stdout + r.stderr).toBeDefined();
      const probe = r.json!.probe as Doc;
      expect(probe.ran).toBe(true);
      expect(probe.cannot).toBeNull();
      expect(probe.release.version).toBe(version);
      // The first connect meets the cached token and is refused; the client drops it, and its retry is let in.
      const cli = probeClient(r.json!, "cli");
      expect(cli.predicted).toMatchObject({ verdict: "refused", reason: "device-token-mismatch", healsOnRetry: true });
      expect(cli.real.outcome).toBe("accepted");
      expect(cli.real.firstRefusal).toMatchObject({ closeCode: 1008 });
      expect(cli.real.firstRefusal.reason).toMatch(/^unauthorized: gateway token mismatch/);
      expect(cli.agree).toBe(true);
      // The cache is one file: the connects after the first one go with the shared token and are let in.
      for (const client of ["internal-write", "internal-read"]) {
        const row = probeClient(r.json!, client);
        expect(row.real.outcome, client).toBe("accepted");
        expect(row.agree, client).toBe(true);
      }
      expect(probe.verdict).toEqual({ predicted: "healthy", real: "accepted" });
      expect(findings(r.json!)).toEqual(["warning device-token-mismatch"]);
      // A token mismatch records no pairing request.
      expect(probe.requests.created).toEqual([]);
      // The gateway approved the retry itself (a local upgrade): reported, as every change the probe's connects cause.
      expect(probe.storeChanges.join("\n")).toMatch(/this host\) changed: scopes \[operator\.read\]/);
      // The client ran on a private copy of the identity: the state's own token cache is as it was.
      expect(fileDigest(authFile)).toBe(authBefore);
      expect(r.stdout + r.stderr).not.toContain(gw.token);
      expect(r.code).toBe(0);
      console.log(`E2E-HEALS ${JSON.stringify({ version, exit: r.code, cli: cli.real, write: probeClient(r.json!, "internal-write").real.outcome, read: probeClient(r.json!, "internal-read").real.outcome, ms: probe.ms })}`);

      // Text, after putting the state back as it was: the same words as doctor's, and the same exit code.
      writePairedScopes(gw.stateDir, host, ["operator.read"], ["operator.read"], { clearPending: true });
      cacheRecordToken(gw.stateDir, host);
      const text = await runFix(version, gw.home, ["doctor", "--probe", "--no-logs", "--no-color"]);
      const gatewaySaid = text.stdout.slice(text.stdout.indexOf("What the gateway answered"));
      expect(gatewaySaid, text.stdout).toMatch(/cli\s+cli\s+refused once, then let in\s+refused once \(1008 unauthorized: gateway token mismatch[^\n]*\), then, without the cached device token, let in/);
      expect(gatewaySaid).toMatch(/real verdict: accepted/);
      expect(text.stdout).not.toMatch(/≠/);
      expect(text.code, text.stdout + text.stderr).toBe(0);
    });
  }, 600_000);
});
