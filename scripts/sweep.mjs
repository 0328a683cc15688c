#!/usr/bin/env node
// The oracle sweep (issue 20): measure, on REAL published OpenClaw releases, what the gateway does to
// each local client for each host-device state, and write one data file per release under test/oracle/.
// `npm test` (test/unit/oracle.test.ts) then predicts every recorded cell from src/core/knowledge.ts.
//
//   npm run sweep -- 2026.2.17 2026.5.28 ...        (sequential; one gateway at a time)
//
// Not part of .ci/run: a release costs an install (~0.3-1.2 GB, 20-60 s) and 3-6 minutes of gateway time.
// It is a dev script: it reuses the e2e harness (test/e2e/harness.ts, loaded with Node's type stripping,
// so run it with the project's pinned Node 22: `npm run sweep` does). The product never imports it.
//
// Per release: install, start the gateway on loopback with a shared token, create the host identity with
// the first `openclaw devices list --json`, then for every STATE below: write it for the host device,
// run each CLIENT once against exactly that state (the state is written again before each client, since
// the gateway merges scopes and re-issues tokens on connects), and record
//   - the verdict (refused = the client saw `pairing required` / `scope upgrade pending` / `unauthorized`)
//   - the gateway's log lines of that attempt (security audit, auto-approval, [ws] close/unauthorized)
//   - what the gateway wrote: the host record's scope lists before/after, pending requests after.
// Secrets never reach the file: the shared token and every device token value are replaced by
// <redacted>, the host device id by <host>, connection ids by <conn>.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  AUDIT_RE,
  connectAllowed,
  freePort,
  hostDeviceId,
  installRelease,
  internalCall,
  makeTempHome,
  readPaired,
  readPending,
  releaseEnv,
  removePairedDevice,
  removeTempHome,
  runOpenclaw,
  sendParams,
  startGateway,
  stopAllGateways,
  writePairedScopes,
} from "../test/e2e/harness.ts";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const OUT_DIR = path.join(REPO, "test", "oracle");
/** The gateway config measured: the shared token by default; a variant's data file is <release>.<variant>.json. */
const VARIANT = (() => {
  const authMode = process.env.SWEEP_AUTH === "none" ? "none" : "token";
  const autoApproveLocal = process.env.SWEEP_AUTO_APPROVE_LOCAL === "false" ? false : undefined;
  const parts = [authMode === "none" ? "auth-none" : null, autoApproveLocal === false ? "no-autoapprove" : null].filter(Boolean);
  return { authMode, autoApproveLocal, suffix: parts.length ? `.${parts.join(".")}` : "" };
})();
export const SWEEP_FORMAT = 1;

const A = "operator.admin";
const R = "operator.read";
const W = "operator.write";
const AP = "operator.approvals";
const P = "operator.pairing";
const FULL = [A, R, W, AP, P];
const SEED = [A, AP, P];

// Host-device states. scopes null = no record for the host. approvedScopes undefined = field absent.
// pending: a repair request for operator.write from the gateway's own client is on file.
export const STATES = [
  { name: "not-paired", scopes: null },
  { name: "empty", scopes: [] },
  { name: "approvals+pairing", scopes: [AP, P] },
  { name: "read", scopes: [R] },
  { name: "write", scopes: [W] },
  { name: "seed", scopes: SEED },
  { name: "read+write", scopes: [R, W] },
  { name: "full", scopes: FULL },
  { name: "approved-narrower", scopes: FULL, approvedScopes: [R] },
  { name: "approved-wider", scopes: [R], approvedScopes: FULL },
  { name: "token-narrower", scopes: FULL, tokenScopes: SEED },
  { name: "token-wider", scopes: SEED, tokenScopes: FULL },
  { name: "seed+pending-write", scopes: SEED, pending: { clientId: "gateway-client", clientMode: "backend", scopes: [W] } },
];

// Clients. CLI commands are picked by the scope their gateway method needs (from 5.28 the CLI asks only that).
export const CLIENTS = [
  { name: "internal-write", kind: "internal", method: "send", scope: W },
  { name: "internal-read", kind: "internal", method: "health", scope: R },
  { name: "cli-read", kind: "cli", argv: ["cron", "list", "--timeout", "5000"], method: "cron.list", scope: R },
  { name: "cli-write", kind: "cli", argv: ["system", "event", "--text", "openclaw-fix sweep", "--mode", "next-heartbeat", "--timeout", "5000"], method: "wake", scope: W },
  { name: "cli-admin", kind: "cli", argv: ["cron", "rm", "00000000-0000-4000-8000-000000000000", "--timeout", "5000"], method: "cron.remove", scope: A },
];

const REFUSAL_RE = /pairing required[^\n]*|scope upgrade pending[^\n]*|unauthorized[^\n]*|device token[^\n]*mismatch[^\n]*/i;
const LOG_KEEP_RE = /security audit|device pairing|pairing required|scope upgrade|\[ws\][^\n]*(closed before connect|unauthorized)|device token/i;

function sqlitePath(stateDir) {
  return path.join(stateDir, "state", "openclaw.sqlite");
}

async function openDb(stateDir) {
  const { DatabaseSync } = await import("node:sqlite");
  return new DatabaseSync(sqlitePath(stateDir));
}

async function sqliteHasDeviceTables(stateDir) {
  if (!fs.existsSync(sqlitePath(stateDir))) return false;
  const db = await openDb(stateDir);
  try {
    return !!db.prepare("SELECT name FROM sqlite_master WHERE type='table' AND name='device_identities'").get();
  } finally {
    db.close();
  }
}

/** Where this release keeps devices: JSON files (<= 7.x) or SQLite (8.x+; identity lives there too). */
async function storeKind(stateDir) {
  if (hostDeviceId(stateDir)) return "json";
  if (await sqliteHasDeviceTables(stateDir)) return "sqlite";
  return "json";
}

async function sqliteHost(stateDir) {
  const db = await openDb(stateDir);
  try {
    const row = db.prepare("SELECT device_id, public_key_pem FROM device_identities WHERE identity_key = 'primary'").get();
    return row ? { deviceId: row.device_id, publicKeyPem: row.public_key_pem } : undefined;
  } finally {
    db.close();
  }
}

function rawPublicKey(pem) {
  const { createPublicKey } = globalThis.__crypto;
  const der = createPublicKey(pem).export({ format: "der", type: "spki" });
  return Buffer.from(der.subarray(der.length - 32)).toString("base64url");
}

/** The host record's lists as the gateway sees them (never token values). */
async function readHostRecord(kind, stateDir, host) {
  if (kind === "json") {
    const rec = readPaired(stateDir)[host];
    if (!rec) return null;
    return {
      scopes: rec.scopes ?? null,
      approvedScopes: rec.approvedScopes ?? null,
      tokenScopes: rec.tokens?.operator?.scopes ?? null,
      approvedVia: rec.approvedVia ?? null,
    };
  }
  const db = await openDb(stateDir);
  try {
    const row = db.prepare("SELECT scopes_json, approved_scopes_json, tokens_json, approved_via FROM device_pairing_paired WHERE device_id = ?").get(host);
    if (!row) return null;
    const parse = (s) => (s == null ? null : JSON.parse(s));
    return {
      scopes: parse(row.scopes_json),
      approvedScopes: parse(row.approved_scopes_json),
      tokenScopes: parse(row.tokens_json)?.operator?.scopes ?? null,
      approvedVia: row.approved_via ?? null,
    };
  } finally {
    db.close();
  }
}

async function readPendingList(kind, stateDir) {
  if (kind === "json") {
    return Object.values(readPending(stateDir)).map((p) => ({ clientId: p.clientId ?? null, clientMode: p.clientMode ?? null, scopes: p.scopes ?? null, isRepair: p.isRepair ?? null, silent: p.silent ?? null }));
  }
  const db = await openDb(stateDir);
  try {
    return db.prepare("SELECT client_id, client_mode, scopes_json, is_repair, silent FROM device_pairing_pending").all().map((r) => ({
      clientId: r.client_id, clientMode: r.client_mode, scopes: r.scopes_json ? JSON.parse(r.scopes_json) : null, isRepair: r.is_repair === 1, silent: r.silent === 1,
    }));
  } finally {
    db.close();
  }
}

/** Token values on file, so they can be cut out of every recorded line. */
function secretsOnFile(stateDir, gwToken) {
  const out = new Set([gwToken]);
  for (const rec of Object.values(readPaired(stateDir))) for (const t of Object.values(rec.tokens ?? {})) if (t?.token) out.add(t.token);
  try {
    const auth = JSON.parse(fs.readFileSync(path.join(stateDir, "identity", "device-auth.json"), "utf8"));
    for (const t of Object.values(auth.tokens ?? {})) if (t?.token) out.add(t.token);
  } catch { /* none */ }
  return [...out].filter((s) => typeof s === "string" && s.length >= 8);
}

function redact(line, secrets, host) {
  let s = line;
  for (const x of secrets) s = s.split(x).join("<redacted>");
  if (host) s = s.split(host).join("<host>");
  return s
    .replace(/\bconn=[0-9a-f-]{8,}/g, "conn=<conn>")
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f-]+/gi, "<uuid>")
    .replace(/\b(token|password)=\S+/gi, "$1=<redacted>")
    .replace(/^\S*\d{4}-\d\d-\d\dT\S*\s*/, "")
    .replace(/peer=\S+ /, "")
    .replace(/127\.0\.0\.1:\d+/g, "127.0.0.1:<port>")
    .slice(0, 400);
}

/**
 * Keep the CLI's device-token cache (identity/device-auth.json) in step with the state just written: the record's
 * token, or none when the state has no record. Releases whose CLI presents its cached device token before the
 * shared one (2026.1.30) otherwise meet a token the sweep made up and answer `token_mismatch`, which measures the
 * sweep, not the release's scope rules.
 */
function syncCachedToken(stateDir, host) {
  const file = path.join(stateDir, "identity", "device-auth.json");
  if (!fs.existsSync(file)) return;
  const auth = JSON.parse(fs.readFileSync(file, "utf8"));
  const op = readPaired(stateDir)[host]?.tokens?.operator;
  auth.tokens = auth.tokens ?? {};
  if (op?.token) auth.tokens.operator = { ...(auth.tokens.operator ?? {}), token: op.token, role: "operator", scopes: op.scopes ?? [], updatedAtMs: Date.now() };
  else delete auth.tokens.operator;
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(auth, null, 2), { mode: 0o600 });
  fs.renameSync(tmp, file);
}

async function writeState(kind, stateDir, host, state) {
  if (kind === "json") {
    if (state.scopes === null) removePairedDevice(stateDir, host);
    else {
      const opts = { clearPending: true };
      if (state.approvedScopes) opts.approvedScopes = state.approvedScopes;
      const rec = writePairedScopes(stateDir, host, state.scopes, state.tokenScopes ?? state.scopes, opts);
      // A record written by an older CLI has no approvedScopes; keep the field only where the state asks for it
      // or the release itself writes it (writePairedScopes keeps an existing field in step with scopes).
      void rec;
    }
    syncCachedToken(stateDir, host);
    const pend = path.join(stateDir, "devices", "pending.json");
    if (state.pending) {
      const rec = readPaired(stateDir)[host];
      const requestId = "11111111-2222-4333-8444-555555555555";
      const entry = {
        requestId, deviceId: host, publicKey: rec?.publicKey, platform: process.platform, clientId: state.pending.clientId,
        clientMode: state.pending.clientMode, role: "operator", roles: ["operator"], scopes: state.pending.scopes,
        silent: false, isRepair: true, ts: Date.now(),
      };
      fs.writeFileSync(pend, JSON.stringify({ [requestId]: entry }, null, 2), { mode: 0o600 });
    } else if (fs.existsSync(pend)) fs.writeFileSync(pend, "{}", { mode: 0o600 });
    return;
  }
  const db = await openDb(stateDir);
  try {
    db.exec("BEGIN IMMEDIATE");
    db.prepare("DELETE FROM device_pairing_pending").run();
    if (state.scopes === null) db.prepare("DELETE FROM device_pairing_paired WHERE device_id = ?").run(host);
    else {
      const id = await sqliteHost(stateDir);
      const now = Date.now();
      const tokens = { operator: { token: `sweep-${now.toString(36)}-${Math.random().toString(36).slice(2)}`, role: "operator", scopes: state.tokenScopes ?? state.scopes, createdAtMs: now } };
      db.prepare("DELETE FROM device_pairing_paired WHERE device_id = ?").run(host);
      db.prepare(
        "INSERT INTO device_pairing_paired (device_id, public_key, platform, client_id, client_mode, role, roles_json, scopes_json, approved_scopes_json, tokens_json, approved_via, created_at_ms, approved_at_ms) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
      ).run(host, rawPublicKey(id.publicKeyPem), process.platform, "cli", "cli", "operator", JSON.stringify(["operator"]), JSON.stringify(state.scopes),
        JSON.stringify(state.approvedScopes ?? state.scopes), JSON.stringify(tokens), "owner", now, now);
      if (state.pending) {
        db.prepare("INSERT INTO device_pairing_pending (request_id, device_id, public_key, platform, client_id, client_mode, role, roles_json, scopes_json, silent, is_repair, ts) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)")
          .run("11111111-2222-4333-8444-555555555555", host, rawPublicKey(id.publicKeyPem), process.platform, state.pending.clientId, state.pending.clientMode, "operator", JSON.stringify(["operator"]), JSON.stringify(state.pending.scopes), 0, 1, now);
      }
    }
    db.exec("COMMIT");
  } catch (e) {
    try { db.exec("ROLLBACK"); } catch { /* none open */ }
    throw e;
  } finally {
    db.close();
  }
}

async function runClient(version, gw, client, state) {
  if (client.kind === "cli") {
    const r = await runOpenclaw(version, client.argv, releaseEnv(gw.home), { timeoutMs: 60_000 });
    const out = `${r.stdout}\n${r.stderr}`;
    const refusal = REFUSAL_RE.exec(out)?.[0];
    const tail = out.trim().split("\n").filter((l) => l.trim()).slice(-3);
    return { allowed: !refusal && !r.timedOut, clientSaid: refusal ?? tail.join(" | "), exit: r.code, ms: r.ms };
  }
  const t0 = Date.now();
  const r = await internalCall(version, gw.stateDir, client.method, client.method === "send" ? sendParams(`sweep-${state.name}`) : {});
  return { allowed: connectAllowed(r), clientSaid: r.ok ? "ok" : String(r.error ?? ""), exit: r.ok ? 0 : 1, ms: Date.now() - t0 };
}

async function sweepRelease(version) {
  const t0 = Date.now();
  const rel = await installRelease(version);
  const { home } = makeTempHome(`ocf-sweep-${version}-`);
  const port = await freePort();
  // A variant (SWEEP_AUTH=none, SWEEP_AUTO_APPROVE_LOCAL=false) measures what the shared token hides: from 7.35 the
  // CLI leaves its identity out when it has a shared secret, so only without one does it pair and ask its scopes.
  if (VARIANT.autoApproveLocal === false) {
    fs.mkdirSync(path.join(home, ".openclaw"), { recursive: true, mode: 0o700 });
    fs.writeFileSync(path.join(home, ".openclaw", "openclaw.json"), JSON.stringify({ gateway: { nodes: { pairing: { autoApproveLocal: false } } } }), { mode: 0o600 });
  }
  // A 2.x gateway's first start on a busy machine took over 90 s (2026.2.17 on 2 shared cores): wait up to 5 min.
  const gw = await startGateway(version, { home, port, authMode: VARIANT.authMode, maxLifetimeMs: 40 * 60_000, readyTimeoutMs: 300_000 });
  const cells = [];
  let kind = "json";
  let host;
  const notes = [];
  try {
    const first = await runOpenclaw(version, ["devices", "list", "--json"], releaseEnv(home));
    if (first.code !== 0) notes.push(`first devices list exited ${first.code}`);
    kind = await storeKind(gw.stateDir);
    host = kind === "json" ? hostDeviceId(gw.stateDir) : (await sqliteHost(gw.stateDir))?.deviceId;
    if (!host) throw new Error(`no host identity after the first CLI command (${kind})`);
    const firstLog = gw.log();
    const pairedByFirstCli = /device pairing auto-approved/.test(firstLog);
    const initialRecord = await readHostRecord(kind, gw.stateDir, host);
    notes.push(`first \`openclaw devices list\`: host ${initialRecord ? `paired ${JSON.stringify(initialRecord)}` : "not paired"}${pairedByFirstCli ? " (log: device pairing auto-approved)" : ""}`);
    const only = process.env.SWEEP_STATES?.split(",");
    for (const state of STATES.filter((s) => !only || only.includes(s.name))) {
      for (const client of CLIENTS) {
        await writeState(kind, gw.stateDir, host, state);
        const before = await readHostRecord(kind, gw.stateDir, host);
        const offset = gw.logOffset();
        const res = await runClient(version, gw, client, state);
        await gw.waitForLog(AUDIT_RE, res.allowed ? 300 : 2_000, offset);
        await new Promise((r) => setTimeout(r, 150));
        const secrets = secretsOnFile(gw.stateDir, gw.token);
        const log = gw.log().slice(offset).split("\n").filter((l) => LOG_KEEP_RE.test(l)).map((l) => redact(l, secrets, host));
        const after = await readHostRecord(kind, gw.stateDir, host);
        const pendingAfter = await readPendingList(kind, gw.stateDir);
        const auditReason = /security audit:[^\n]*reason=([\w-]+)/.exec(log.join("\n"))?.[1] ?? null;
        cells.push({
          state: state.name,
          client: client.name,
          allowed: res.allowed,
          auditReason,
          autoApprovedLogged: log.some((l) => /device pairing auto-approved/.test(l)),
          clientSaid: redact(res.clientSaid, secrets, host),
          before,
          after,
          pendingAfter,
          log,
          ms: res.ms,
        });
        // A refusal is a loop only if the same client's next attempt, with nothing reset, is refused too: some
        // clients drop what got them refused (1.30's drops its cached device token) and get in on the retry.
        if (!res.allowed) {
          const retryOffset = gw.logOffset();
          const again = await runClient(version, gw, client, state);
          await gw.waitForLog(AUDIT_RE, again.allowed ? 300 : 2_000, retryOffset);
          await new Promise((r) => setTimeout(r, 150));
          const retryLog = gw.log().slice(retryOffset).split("\n").filter((l) => LOG_KEEP_RE.test(l)).map((l) => redact(l, secrets, host));
          cells[cells.length - 1].retry = {
            allowed: again.allowed,
            autoApprovedLogged: retryLog.some((l) => /device pairing auto-approved/.test(l)),
            clientSaid: redact(again.clientSaid, secrets, host),
            after: await readHostRecord(kind, gw.stateDir, host),
            log: retryLog,
          };
        }
        process.stdout.write(`${version} ${state.name.padEnd(20)} ${client.name.padEnd(15)} ${res.allowed ? "allowed" : "REFUSED"} ${auditReason ?? ""} (${res.ms} ms)${cells[cells.length - 1].retry ? ` retry: ${cells[cells.length - 1].retry.allowed ? "allowed" : "REFUSED"}` : ""}\n`);
      }
    }
  } finally {
    await gw.stop();
    removeTempHome(home);
  }
  const doc = {
    format: SWEEP_FORMAT,
    release: version,
    measuredAt: new Date().toISOString(),
    runtime: { node: rel.nodeVersion, enginesNode: rel.enginesNode },
    setup: `loopback gateway, gateway.auth.mode ${VARIANT.authMode === "none" ? "none (no shared secret)" : "token (shared token in the config)"}${VARIANT.autoApproveLocal === false ? ", gateway.nodes.pairing.autoApproveLocal false" : ""}, host identity created by the first \`openclaw devices list --json\``,
    // What the oracle test writes into each state's openclaw.json: the gateway config this run measured.
    config: { authMode: VARIANT.authMode, ...(VARIANT.autoApproveLocal === false ? { autoApproveLocal: false } : {}) },
    store: kind,
    clients: CLIENTS.map(({ name, kind: k, method, scope, argv }) => ({ name, kind: k, method, scope, ...(argv ? { command: `openclaw ${argv.join(" ")}` } : {}) })),
    states: STATES,
    notes,
    sweepMs: Date.now() - t0,
    cells,
  };
  fs.mkdirSync(OUT_DIR, { recursive: true });
  const file = path.join(OUT_DIR, `${version}${VARIANT.suffix}.json`);
  fs.writeFileSync(file, `${JSON.stringify(doc, null, 1)}\n`);
  return { file, ms: Date.now() - t0, cells: cells.length };
}

const versions = process.argv.slice(2).filter((a) => /^\d{4}\.\d+\.\d+/.test(a));
if (versions.length === 0) {
  console.error("usage: npm run sweep -- <release> [<release>...]   e.g. npm run sweep -- 2026.2.17 2026.5.28");
  process.exit(2);
}
globalThis.__crypto = await import("node:crypto");
let failed = 0;
for (const v of versions) {
  try {
    const r = await sweepRelease(v);
    console.log(`SWEEP-DONE ${v} ${r.cells} cells in ${(r.ms / 1000).toFixed(1)} s -> ${path.relative(REPO, r.file)}`);
  } catch (e) {
    failed++;
    console.log(`SWEEP-FAILED ${v}: ${e instanceof Error ? e.stack : String(e)}`);
  }
}
await stopAllGateways();
process.exit(failed ? 1 : 0);
