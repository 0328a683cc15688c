// Stand-in for an OpenClaw release's gateway client chunk (the probe imports `callGateway` from it). It models a
// 2026.2.19 gateway over the real state dir: a connect is accepted when the host's paired record holds every
// scope asked, and then the gateway writes the host's record (the token's last use), as 2.19 does on every
// accepted connect; a refused connect records a pending request for the host (or refreshes the one pending)
// and closes with 1008 "pairing required".
// FAKE_PAIRED_JSON: the state's paired.json (the client itself runs on a copy of the identity).
// FAKE_RELEASE_REFUSE=<scope>: refuse any connect asking that scope, whatever the store says.
// FAKE_RELEASE_FOREIGN_WRITE=1: an accepted connect also changes another device's record (not the probe's doing).
// FAKE_SM_DIR: each connect is logged to its calls.log beside the fake service manager's calls.
// FAKE_RELEASE_CACHED_TOKEN_FIRST=1: 2026.1.30's client and gateway (docs/oracle.md): the client leads with the device
// token cached in identity/device-auth.json; one whose scopes lack any asked is refused ("unauthorized: gateway token
// mismatch", no request), and the client drops it (it has a shared token to fall back on); a connect without a cached
// token is a local upgrade the gateway approves silently (the record widened to the scopes asked).
// FAKE_RELEASE_RETRY_REFUSED=1: with the above, the connect after the drop is refused too (a gateway that does not
// approve the upgrade: the model's "bound beyond loopback").

import { appendFileSync, chmodSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { randomUUID } from "node:crypto";

const CLI_BUNDLE = ["operator.admin", "operator.approvals", "operator.pairing"];

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return {};
  }
}

function writeJson(file, value) {
  const tmp = `${file}.${randomUUID()}.tmp`;
  writeFileSync(tmp, JSON.stringify(value, null, 2));
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}

function reachable(port) {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: "127.0.0.1" }, () => {
      s.destroy();
      resolve(true);
    });
    s.on("error", () => resolve(false));
  });
}

async function callGateway(opts) {
  const port = Number(process.env.OPENCLAW_GATEWAY_PORT);
  if (!(await reachable(port))) throw new Error(`connect ECONNREFUSED 127.0.0.1:${port}`);
  const paired = process.env.FAKE_PAIRED_JSON;
  const pending = path.join(path.dirname(paired), "pending.json");
  const host = JSON.parse(readFileSync(path.join(process.env.OPENCLAW_STATE_DIR, "identity", "device.json"), "utf8")).deviceId;
  const asked = opts.scopes ?? (opts.mode === "cli" ? CLI_BUNDLE : ["operator.read"]);
  const devices = readJson(paired);
  const record = devices[host];
  if (process.env.FAKE_RELEASE_CACHED_TOKEN_FIRST === "1" && record) {
    const authFile = path.join(process.env.OPENCLAW_STATE_DIR, "identity", "device-auth.json");
    const auth = readJson(authFile);
    const cached = auth.tokens?.operator;
    const log = (what) => process.env.FAKE_SM_DIR && appendFileSync(path.join(process.env.FAKE_SM_DIR, "calls.log"), `probe ${opts.clientName}/${opts.mode} [${asked.join(",")}] ${what}\n`);
    if (cached?.token && !asked.every((s) => (cached.scopes ?? []).includes(s))) {
      delete auth.tokens.operator;
      writeJson(authFile, auth);
      log("refused token-mismatch");
      throw new Error(`gateway closed (1008): unauthorized: gateway token mismatch (set gateway.remote.token to match gateway.auth.token)\nGateway target: ws://127.0.0.1:${port}`);
    }
    if (!cached?.token && process.env.FAKE_RELEASE_RETRY_REFUSED !== "1") record.scopes = [...new Set([...(record.scopes ?? []), ...asked])];
  }
  const refuse = process.env.FAKE_RELEASE_REFUSE;
  const ok = record && asked.every((s) => (record.scopes ?? []).includes(s)) && !(refuse && asked.includes(refuse));
  if (process.env.FAKE_SM_DIR) appendFileSync(path.join(process.env.FAKE_SM_DIR, "calls.log"), `probe ${opts.clientName}/${opts.mode} [${asked.join(",")}] ${ok ? "accepted" : "refused"}\n`);
  if (!ok) {
    const requests = readJson(pending);
    const mine = Object.values(requests).find((r) => r.deviceId === host);
    if (mine) mine.ts = Date.now();
    else {
      const requestId = randomUUID();
      requests[requestId] = { requestId, deviceId: host, clientId: opts.clientName, clientMode: opts.mode, role: "operator", roles: ["operator"], scopes: asked, silent: false, isRepair: true, ts: Date.now() };
    }
    writeJson(pending, requests);
    throw new Error(`gateway closed (1008): pairing required\nGateway target: ws://127.0.0.1:${port}`);
  }
  if (record.tokens?.operator) record.tokens.operator.lastUsedAtMs = Date.now();
  if (process.env.FAKE_RELEASE_FOREIGN_WRITE === "1") {
    const other = "f".repeat(64);
    devices[other] = { deviceId: other, clientId: "openclaw-control-ui", role: "operator", roles: ["operator"], scopes: ["operator.read"], approvedAtMs: Date.now() };
  }
  writeJson(paired, devices);
  return { ok: true };
}

export { callGateway as n };
