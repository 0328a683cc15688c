// Differential check (issue 4, scenario 3): for each scope set written into paired.json for the HOST device,
// doctor's per-client prediction (`--json` clients[]: cli, internal-write, internal-read; verdict and reason)
// must equal what the REAL gateway does, on every release of the suite. Skipped unless OPENCLAW_FIX_E2E=1.
//
// What the real gateway "does" is observed, never assumed:
//   cli            `openclaw cron list` of that release (the CLI asks its default scope bundle at connect)
//   internal-write the release's own callGateway `send` (gateway-client/backend, least privilege: operator.write)
//   internal-read  the same with `health` (operator.read)
// Each observation starts from the exact written state (the set is written again, pending cleared, before
// each call: the gateway merges scopes and re-issues tokens on successful connects).
//   refused  the connect was closed; the reason is the gateway's own word: `security audit: ... reason=<r>`
//            (or `device-token-mismatch` for a "device token" refusal). Compared exactly.
//   allowed  the gateway states no reason for a connect it lets in, so the reason is read from evidence:
//            auto-approved   it logged `device pairing auto-approved` (a silent first pairing)
//            skips-pairing   the host is not in the store before or after (let in unpaired), or this client
//                            left the record untouched even with the EMPTY set (it never consults the store)
//            store-consulted otherwise: the store let it in (covered: `paired`) or the gateway let it in silently
//                            without a log line (`auto-approved`; 2.22 re-issues the token and does not widen
//                            `scopes`): from outside these two look the same, so either prediction agrees.
// The matrix is printed as `E2E-DIFF` lines and a table (docs/e2e-notes.md §9 holds the last run).
import { afterAll, describe, expect, it } from "vitest";
import {
  AUDIT_RE,
  connectAllowed,
  envList,
  freePort,
  hostDeviceId,
  internalCall,
  makeTempHome,
  readPaired,
  releaseEnv,
  removePairedDevice,
  removeTempHome,
  runFix,
  runOpenclaw,
  sendParams,
  startGateway,
  stopAllGateways,
  writePairedScopes,
  type GatewayHandle,
} from "./harness.js";

const E2E = process.env.OPENCLAW_FIX_E2E === "1";
const VERSIONS = envList("OPENCLAW_FIX_E2E_DIFF_VERSIONS", "2026.2.19,2026.2.21,2026.2.22,2026.7.35");

const A = "operator.admin";
const R = "operator.read";
const W = "operator.write";
const AP = "operator.approvals";
const P = "operator.pairing";

interface ScopeSet {
  name: string;
  /** null: the host device is not in paired.json at all. */
  scopes: string[] | null;
  /** tokens.operator.scopes; default = scopes. */
  tokenScopes?: string[];
}

export const SCOPE_SETS: ScopeSet[] = [
  { name: "not-paired", scopes: null },
  { name: "empty", scopes: [] },
  { name: "read", scopes: [R] },
  { name: "write", scopes: [W] },
  { name: "admin", scopes: [A] },
  { name: "seed-2.19", scopes: [A, AP, P] },
  { name: "read+write", scopes: [R, W] },
  { name: "full", scopes: [A, R, W, AP, P] },
  { name: "token<device", scopes: [A, R, W, AP, P], tokenScopes: [A, AP, P] },
  { name: "token>device", scopes: [A, AP, P], tokenScopes: [A, R, W, AP, P] },
];

const CLIENTS = ["cli", "internal-write", "internal-read"] as const;
type Client = (typeof CLIENTS)[number];
interface Outcome {
  verdict: "allowed" | "refused";
  reason: string;
}
interface Row {
  version: string;
  set: string;
  client: Client;
  predicted: Outcome;
  real: Outcome;
  detail: string;
}
const rows: Row[] = [];
const timings: Record<string, number> = {};

afterAll(async () => {
  await stopAllGateways();
  if (rows.length === 0) return;
  for (const r of rows) console.log(`E2E-DIFF ${JSON.stringify(r)}`);
  console.log(renderMatrix(rows));
  for (const [v, ms] of Object.entries(timings)) console.log(`E2E-TIMING ${JSON.stringify({ scenario: "3-differential", version: v, ms })}`);
});

function renderMatrix(all: Row[]): string {
  const versions = [...new Set(all.map((r) => r.version))];
  const cell = (o: Outcome) => `${o.verdict === "allowed" ? "ok" : "REFUSED"} ${o.reason}`;
  const lines = [
    `| scope set (host device) | ${versions.map((v) => `${v} cli / write / read`).join(" | ")} |`,
    `|---|${versions.map(() => "---").join("|")}|`,
  ];
  for (const set of SCOPE_SETS) {
    const parts = versions.map((v) =>
      CLIENTS.map((c) => {
        const r = all.find((x) => x.version === v && x.set === set.name && x.client === c);
        if (!r) return "-";
        return agrees(r.predicted, r.real) ? cell(r.predicted) : `**${cell(r.real)} (predicted ${cell(r.predicted)})**`;
      }).join(" / "),
    );
    lines.push(`| ${set.name} | ${parts.join(" | ")} |`);
  }
  return lines.join("\n");
}

function writeSet(stateDir: string, host: string, set: ScopeSet): void {
  if (set.scopes === null) removePairedDevice(stateDir, host);
  else writePairedScopes(stateDir, host, set.scopes, set.tokenScopes ?? set.scopes, { clearPending: true });
}

interface Evidence {
  allowed: boolean;
  auditReason?: string;
  approvalLogged: boolean;
  absent: boolean;
  touched: boolean;
  error: string;
  detail: string;
}

/** Observe one real client against the freshly written set. */
async function observe(version: string, gw: GatewayHandle, host: string, set: ScopeSet, client: Client): Promise<Evidence> {
  writeSet(gw.stateDir, host, set);
  const recordBefore = JSON.stringify(readPaired(gw.stateDir)[host] ?? null);
  const offset = gw.logOffset();
  let allowed: boolean;
  let error = "";
  if (client === "cli") {
    const r = await runOpenclaw(version, ["cron", "list", "--timeout", "5000"], releaseEnv(gw.home), { timeoutMs: 60_000 });
    const out = `${r.stdout}\n${r.stderr}`;
    const refusal = /pairing required|scope upgrade pending|unauthorized|device token[^\n]*/i.exec(out)?.[0];
    allowed = r.code === 0 && !refusal;
    if (!allowed && !refusal) throw new Error(`openclaw cron list failed for another reason (exit ${r.code}):\n${out.slice(-2000)}`);
    error = refusal ?? "";
  } else {
    const r = await internalCall(version, gw.stateDir, client === "internal-write" ? "send" : "health", client === "internal-write" ? sendParams(`diff-${set.name}`) : {});
    allowed = connectAllowed(r);
    error = r.error ?? "";
  }
  // The audit line is logged before the socket closes; give the pipe a moment (and the store write after hello).
  await gw.waitForLog(AUDIT_RE, allowed ? 300 : 2_000, offset);
  const log = gw.log().slice(offset);
  const audit = AUDIT_RE.exec(log)?.[0];
  const approvalLogged = /device pairing auto-approved/.test(log);
  const recordAfter = JSON.stringify(readPaired(gw.stateDir)[host] ?? null);
  const absent = recordBefore === "null" && recordAfter === "null";
  const touched = recordAfter !== recordBefore;
  const detail = [
    error && `error: ${error.slice(0, 100)}`,
    audit && audit.replace(/^.*reason=/, "audit reason=").replace(/ device=\S+| ip=\S+| conn=\S+| roleFrom=\S+| roleTo=\S+/g, ""),
    approvalLogged && "log: device pairing auto-approved",
    touched && `record ${recordBefore === "null" ? "created" : "rewritten"}`,
  ]
    .filter(Boolean)
    .join("; ");
  return { allowed, auditReason: /reason=([\w-]+)/.exec(audit ?? "")?.[1], approvalLogged, absent, touched, error, detail };
}

/** The real outcome, from evidence only (see the header). `ignoresStore`: this client left the EMPTY set untouched. */
function realOutcome(e: Evidence, ignoresStore: boolean): Outcome {
  if (!e.allowed) return { verdict: "refused", reason: e.auditReason ?? (/device token/i.test(e.error) ? "device-token-mismatch" : `unexplained: ${e.error}`) };
  if (e.approvalLogged) return { verdict: "allowed", reason: "auto-approved" };
  if (e.absent || ignoresStore) return { verdict: "allowed", reason: "skips-pairing" };
  return { verdict: "allowed", reason: "store-consulted" };
}

function agrees(p: Outcome, real: Outcome): boolean {
  if (p.verdict !== real.verdict) return false;
  if (real.reason === "store-consulted") return p.reason === "paired" || p.reason === "auto-approved";
  return p.reason === real.reason;
}

describe.skipIf(!E2E)("differential: doctor's per-client prediction = the real gateway, per scope set", () => {
  it.each(VERSIONS)(
    "%s",
    async (version) => {
      const t0 = Date.now();
      const { home } = makeTempHome(`ocf-e2e-diff-${version}-`);
      const port = await freePort();
      const gw = await startGateway(version, { home, port, maxLifetimeMs: 8 * 60_000 });
      const mismatches: string[] = [];
      try {
        // The first CLI command: creates the host identity (and on 2.19/2.21 pairs it).
        const first = await runOpenclaw(version, ["devices", "list", "--json"], releaseEnv(home));
        expect(first.code, first.stderr).toBe(0);
        const host = hostDeviceId(gw.stateDir)!;
        expect(host).toMatch(/^[0-9a-f]{64}$/);
        const observed: Array<{ set: ScopeSet; client: Client; predicted: Outcome; evidence: Evidence }> = [];
        for (const set of SCOPE_SETS) {
          writeSet(gw.stateDir, host, set);
          const doc = await runFix(version, home, ["doctor", "--json", "--no-logs"]);
          expect(doc.json?.openclaw?.version, doc.stdout + doc.stderr).toBe(version);
          expect(doc.json?.openclaw?.versionSource).toBe("package");
          const predicted = new Map<string, Outcome>(
            ((doc.json?.clients ?? []) as Array<{ client: string; verdict: Outcome["verdict"]; reason: string }>).map((c) => [c.client, { verdict: c.verdict, reason: c.reason }]),
          );
          for (const client of CLIENTS) {
            // From 5.28 there is no bundle client: `cron list` (what `cli` runs here) is the read command class.
            const p = predicted.get(client) ?? (client === 'cli' ? predicted.get('cli-read') : undefined);
            expect(p, `doctor predicted nothing for ${client}`).toBeDefined();
            observed.push({ set, client, predicted: p!, evidence: await observe(version, gw, host, set, client) });
          }
        }
        for (const o of observed) {
          const empty = observed.find((x) => x.set.name === "empty" && x.client === o.client)!.evidence;
          const real = realOutcome(o.evidence, empty.allowed && !empty.touched && !empty.approvalLogged);
          rows.push({ version, set: o.set.name, client: o.client, predicted: o.predicted, real, detail: o.evidence.detail });
          if (!agrees(o.predicted, real)) {
            mismatches.push(`${o.set.name} ${o.client}: predicted ${o.predicted.verdict}/${o.predicted.reason}, real ${real.verdict}/${real.reason} (${o.evidence.detail})`);
          }
        }
        expect(mismatches, `doctor's predictions differ from the real ${version} gateway`).toEqual([]);
      } catch (err) {
        const e = err instanceof Error ? err : new Error(String(err));
        e.message += `\n--- openclaw@${version} gateway log tail (port ${port}) ---\n${gw.logTail(60)}`;
        throw e;
      } finally {
        await gw.stop();
        removeTempHome(home);
        timings[version] = Date.now() - t0;
      }
    },
    420_000,
  );
});

