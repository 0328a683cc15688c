// End-to-end harness: runs REAL published OpenClaw gateways (npm `openclaw@<version>`) on loopback.
//
// - Releases are installed by scripts/e2e-install.mjs into
//   ${OPENCLAW_FIX_E2E_CACHE:-$HOME/.cache/openclaw-fix-e2e}/<version>/ (outside the repo), together
//   with a Node runtime the release's `engines` accept; everything here runs with THAT node binary.
// - Every gateway runs in its own process group (detached), wrapped in coreutils `timeout` when
//   available so it dies on its own after `maxLifetimeMs` even if the test runner is killed.
//   stop() kills the whole group (SIGTERM, then SIGKILL); an exit hook kills whatever is left.
// - Only 127.0.0.1 / loopback: every gateway gets `--bind loopback` and `gateway.bind: loopback`.
// See docs/e2e-notes.md for the measured behaviour per release.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash, createPublicKey } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.resolve(HERE, "..", "..");
const INSTALL_SCRIPT = path.join(REPO_ROOT, "scripts", "e2e-install.mjs");
const DRIVER = path.join(HERE, "internal-call-driver.mjs");

const OPERATOR_SCOPES = {
  admin: "operator.admin",
  read: "operator.read",
  write: "operator.write",
  approvals: "operator.approvals",
  pairing: "operator.pairing",
} as const;
/** The scope set 2026.2.19's CLI pairs the host device with (the seed of the loop). */
export const SEED_SCOPES = [OPERATOR_SCOPES.admin, OPERATOR_SCOPES.approvals, OPERATOR_SCOPES.pairing];

export const AUDIT_RE = /security audit: device access upgrade requested[^\n]*/;

export interface InstalledRelease {
  version: string;
  dir: string;
  pkgDir: string;
  entry: string;
  enginesNode: string;
  nodeVersion: string;
  nodeBin: string;
  sizeBytes?: number | null;
  cached?: boolean;
  ms?: number;
}

/** A comma-separated list from the environment (which releases a suite runs), or the default list. */
export function envList(name: string, fallback: string): string[] {
  return (process.env[name] ?? fallback)
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

/** "2026.2.19" -> [2026, 2, 19] (prerelease suffix ignored). */
function versionTuple(version: string): [number, number, number] {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (!m) throw new Error(`bad version ${version}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}
export function versionAtLeast(version: string, min: string): boolean {
  const a = versionTuple(version);
  const b = versionTuple(min);
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return (a[i] ?? 0) > (b[i] ?? 0);
  return true;
}

// ---------------------------------------------------------------------------------------------
// Cleanup bookkeeping: every temp dir and gateway we create is released on exit.
const liveGateways = new Set<GatewayHandle>();
const tempDirs = new Set<string>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  const killAll = () => {
    for (const g of liveGateways) g.killNow();
    if (!process.env.OPENCLAW_FIX_E2E_KEEP) {
      for (const d of tempDirs) {
        try {
          fs.rmSync(d, { recursive: true, force: true });
        } catch {
          /* ignore */
        }
      }
    }
  };
  process.once("exit", killAll);
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.once(sig, () => {
      killAll();
      process.exit(130);
    });
  }
}

// ---------------------------------------------------------------------------------------------
const installed = new Map<string, InstalledRelease>();

/** Install (or reuse from the cache) openclaw@version and its Node runtime. */
export async function installRelease(version: string): Promise<InstalledRelease> {
  const hit = installed.get(version);
  if (hit) return hit;
  // Always through the install script, also for a cached release (~0.1 s then): it refreshes the
  // libsignal stub in place, so a cache made by an older script gets the current stub (a stale stub
  // took down the device-pair and memory-core plugins of a cached 2.21 at gateway start).
  const r = await runProcess(process.execPath, [INSTALL_SCRIPT, "--json", version], {
    env: process.env,
    timeoutMs: 15 * 60_000,
  });
  const last = r.stdout.trim().split("\n").pop() ?? "[]";
  let parsed: Array<InstalledRelease & { error?: string }> = [];
  try {
    parsed = JSON.parse(last) as Array<InstalledRelease & { error?: string }>;
  } catch {
    /* reported below */
  }
  const first = parsed[0];
  if (r.code !== 0 || !first || first.error) {
    throw new Error(`e2e-install ${version} failed (exit ${r.code}): ${first?.error ?? r.stderr.slice(-2000)}`);
  }
  const info: InstalledRelease = first;
  installed.set(version, info);
  return info;
}

// ---------------------------------------------------------------------------------------------
export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  ms: number;
}

/** Run a process in its own group, bounded in time; the whole group is killed on timeout. */
function runProcess(
  cmd: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number; input?: string } = {},
): Promise<ProcessResult> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    let child: ChildProcess;
    try {
      child = spawn(cmd, args, {
        cwd: opts.cwd ?? os.tmpdir(),
        env: opts.env ?? process.env,
        detached: true,
        stdio: ["pipe", "pipe", "pipe"],
      });
    } catch (err) {
      reject(err);
      return;
    }
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout?.on("data", (d: Buffer) => (stdout += d.toString("utf8")));
    child.stderr?.on("data", (d: Buffer) => (stderr += d.toString("utf8")));
    if (opts.input !== undefined) child.stdin?.end(opts.input);
    else child.stdin?.end();
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid, "SIGKILL");
    }, opts.timeoutMs ?? 60_000);
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      // Reap stragglers of the group (e.g. openclaw.mjs respawns itself as a child).
      killGroup(child.pid, "SIGKILL");
      resolve({ code, signal, stdout, stderr, timedOut, ms: Date.now() - t0 });
    });
  });
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    /* group already gone */
  }
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
/** A free TCP port on 127.0.0.1 (bind to :0, read, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error("no port"))));
    });
  });
}

function tcpReachable(port: number, host = "127.0.0.1", timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ port, host });
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once("connect", () => done(true));
    sock.once("error", () => done(false));
  });
}

/** A fresh temp HOME; `<home>/.openclaw` is the state dir. Removed on exit unless OPENCLAW_FIX_E2E_KEEP. */
export function makeTempHome(prefix = "openclaw-fix-e2e-"): { home: string; stateDir: string } {
  installExitHook();
  const home = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.add(home);
  return { home, stateDir: path.join(home, ".openclaw") };
}

export function removeTempHome(home: string): void {
  tempDirs.delete(home);
  if (!process.env.OPENCLAW_FIX_E2E_KEEP) fs.rmSync(home, { recursive: true, force: true });
}

/** Environment for running a release against a temp HOME (no colours, no inherited OpenClaw vars). */
export function releaseEnv(home: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(OPENCLAW_|CLAWDBOT_)/.test(k) && !k.startsWith("OPENCLAW_FIX_E2E")) continue;
    if (k === "NODE_OPTIONS" || k.startsWith("VITEST") || k === "NODE_ENV") continue;
    env[k] = v;
  }
  return {
    ...env,
    HOME: home,
    OPENCLAW_STATE_DIR: path.join(home, ".openclaw"),
    NO_COLOR: "1",
    FORCE_COLOR: "0",
    ...extra,
  };
}

/** `openclaw <args>` of that release with its own node binary. */
export async function runOpenclaw(
  version: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  opts: { timeoutMs?: number } = {},
): Promise<ProcessResult> {
  const rel = await installRelease(version);
  return runProcess(rel.nodeBin, [rel.entry, ...args], { env, timeoutMs: opts.timeoutMs ?? 60_000 });
}

// ---------------------------------------------------------------------------------------------
interface GatewayConfigOptions {
  port: number;
  /** Shared gateway token; a random one by default. */
  token?: string;
  /** `none`: no shared secret, so the CLI presents this host's device identity on loopback too (8.x/9.x, §7). */
  authMode?: "token" | "none";
}

/**
 * Write `<state>/openclaw.json` for a local loopback gateway with token auth.
 * Equivalent to `openclaw config set gateway.mode local`, `gateway.port <p>`, `gateway.bind loopback`,
 * `gateway.auth.mode token`, `gateway.auth.token <t>` (which cost ~1.5 s (2.x) to ~5 s (7.x) each);
 * 2.x would generate and save a token itself at first start, 7.x+ refuses to connect without one.
 */
function writeGatewayConfig(stateDir: string, opts: GatewayConfigOptions): { token: string; configPath: string } {
  const token = opts.token ?? `e2e-${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
  fs.mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const configPath = path.join(stateDir, "openclaw.json");
  let cfg: Record<string, unknown> = {};
  if (fs.existsSync(configPath)) {
    try {
      cfg = JSON.parse(fs.readFileSync(configPath, "utf8")) as Record<string, unknown>;
    } catch {
      cfg = {};
    }
  }
  const gw = (typeof cfg.gateway === "object" && cfg.gateway ? cfg.gateway : {}) as Record<string, unknown>;
  cfg.gateway = {
    ...gw,
    mode: "local",
    port: opts.port,
    bind: "loopback",
    auth: opts.authMode === "none" ? { mode: "none" } : { mode: "token", token },
  };
  fs.writeFileSync(configPath, JSON.stringify(cfg, null, 2), { mode: 0o600 });
  return { token, configPath };
}

export interface StartGatewayOptions {
  home: string;
  port: number;
  token?: string;
  authMode?: "token" | "none";
  /** Default 90 s (first start of a release on a cold disk cache took ~27 s on 2 cores). */
  readyTimeoutMs?: number;
  /** Hard cap on the gateway's life (coreutils `timeout`), default 10 min. */
  maxLifetimeMs?: number;
  extraArgs?: string[];
  env?: NodeJS.ProcessEnv;
}

export interface GatewayHandle {
  version: string;
  home: string;
  stateDir: string;
  port: number;
  url: string;
  token: string;
  pid: number;
  readyMs: number;
  /** All stdout+stderr lines so far (ANSI stripped). */
  log(): string;
  logTail(lines?: number): string;
  /** Resolves with the first log line matching re that appears after `sinceOffset` (default: now). */
  waitForLog(re: RegExp, timeoutMs?: number, sinceOffset?: number): Promise<string | undefined>;
  logOffset(): number;
  stop(): Promise<void>;
  killNow(): void;
  exited(): boolean;
}

const ANSI_RE = /\u001b\[[0-9;]*[A-Za-z]/g;
/** Log markers of a gateway that accepts connections: 2.x `listening on ws://`, 7.x+ `[gateway] ready`. */
const READY_RE = /listening on ws:\/\/|\[gateway\] ready\b/;

const gatewaysByState = new Map<string, GatewayHandle>();

export async function startGateway(version: string, opts: StartGatewayOptions): Promise<GatewayHandle> {
  installExitHook();
  const rel = await installRelease(version);
  const stateDir = path.join(opts.home, ".openclaw");
  const { token } = writeGatewayConfig(stateDir, { port: opts.port, ...(opts.token ? { token: opts.token } : {}), ...(opts.authMode ? { authMode: opts.authMode } : {}) });
  const maxLifetimeMs = opts.maxLifetimeMs ?? 10 * 60_000;
  const args = [
    rel.entry,
    "gateway",
    "run",
    "--allow-unconfigured",
    "--bind",
    "loopback",
    "--port",
    String(opts.port),
    ...(versionAtLeast(version, "2026.9.0") && opts.authMode !== "none" ? ["--token", token] : []),
    ...(opts.extraArgs ?? []),
  ];
  const haveTimeout = spawnSync("timeout", ["--version"], { stdio: "ignore" }).status === 0;
  const cmd = haveTimeout ? "timeout" : rel.nodeBin;
  const cmdArgs = haveTimeout
    ? ["-k", "5", `${Math.ceil(maxLifetimeMs / 1000)}`, rel.nodeBin, ...args]
    : args;
  const t0 = Date.now();
  const child = spawn(cmd, cmdArgs, {
    cwd: opts.home,
    env: releaseEnv(opts.home, opts.env ?? {}),
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const pid = child.pid;
  if (!pid) throw new Error("gateway spawn failed");
  let buf = "";
  let exitedFlag = false;
  let exitInfo = "";
  const waiters = new Set<() => void>();
  const onData = (d: Buffer) => {
    buf += d.toString("utf8").replace(ANSI_RE, "");
    for (const w of waiters) w();
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
  child.on("exit", (code, signal) => {
    exitedFlag = true;
    exitInfo = `exit code=${code} signal=${signal}`;
    for (const w of waiters) w();
  });
  // Even if the parent never calls stop(): the JS-side lifetime guard (in addition to `timeout`).
  const lifetime = setTimeout(() => killGroup(pid, "SIGKILL"), maxLifetimeMs + 10_000);
  lifetime.unref();

  const waitForLog = (re: RegExp, timeoutMs = 10_000, sinceOffset = buf.length): Promise<string | undefined> =>
    new Promise((resolve) => {
      const check = () => {
        const m = re.exec(buf.slice(sinceOffset));
        if (m) {
          finish(m[0]);
          return;
        }
        if (exitedFlag) finish(undefined);
      };
      const finish = (v: string | undefined) => {
        clearTimeout(t);
        waiters.delete(check);
        resolve(v);
      };
      const t = setTimeout(() => finish(undefined), timeoutMs);
      waiters.add(check);
      check();
    });

  let stopped = false;
  const handle: GatewayHandle = {
    version,
    home: opts.home,
    stateDir,
    port: opts.port,
    url: `ws://127.0.0.1:${opts.port}`,
    token,
    pid,
    readyMs: 0,
    log: () => buf,
    logTail: (n = 40) => buf.split("\n").slice(-n).join("\n"),
    waitForLog,
    logOffset: () => buf.length,
    exited: () => exitedFlag,
    killNow: () => killGroup(pid, "SIGKILL"),
    stop: async () => {
      if (stopped) return;
      stopped = true;
      clearTimeout(lifetime);
      killGroup(pid, "SIGTERM");
      const deadline = Date.now() + 8_000;
      while (groupAlive(pid) && Date.now() < deadline) await sleep(100);
      if (groupAlive(pid)) killGroup(pid, "SIGKILL");
      while (groupAlive(pid) && Date.now() < deadline + 2_000) await sleep(50);
      liveGateways.delete(handle);
      if (gatewaysByState.get(stateDir) === handle) gatewaysByState.delete(stateDir);
    },
  };
  liveGateways.add(handle);
  gatewaysByState.set(stateDir, handle);

  const readyTimeoutMs = opts.readyTimeoutMs ?? 90_000;
  try {
    const marker = await waitForLog(READY_RE, readyTimeoutMs, 0);
    if (!marker) {
      // No marker (e.g. a future release changes the wording): accept a TCP listener.
      if (exitedFlag || !(await tcpReachable(opts.port))) {
        throw new Error(
          `openclaw@${version} gateway not ready after ${Date.now() - t0} ms (${exitedFlag ? exitInfo : "still running"})\n${handle.logTail(60)}`,
        );
      }
    }
    // The 2.x marker is printed after listen(); 7.x prints `ready` after listen too. Confirm anyway.
    const tcpDeadline = Date.now() + 10_000;
    while (!(await tcpReachable(opts.port))) {
      if (Date.now() > tcpDeadline || exitedFlag) throw new Error(`gateway port ${opts.port} not reachable\n${handle.logTail(60)}`);
      await sleep(100);
    }
  } catch (err) {
    await handle.stop();
    throw err;
  }
  handle.readyMs = Date.now() - t0;
  return handle;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

// ---------------------------------------------------------------------------------------------
/**
 * One gateway of `version` in a fresh temp HOME for `body`: always stopped and the HOME removed; a failure carries
 * the gateway's last 60 log lines.
 */
export async function withGateway<T>(
  version: string,
  body: (gw: GatewayHandle) => Promise<T>,
  opts: { homePrefix?: string; maxLifetimeMs?: number; readyTimeoutMs?: number } = {},
): Promise<T> {
  const { home } = makeTempHome(opts.homePrefix ?? `ocf-e2e-${version}-`);
  const port = await freePort();
  const gw = await startGateway(version, { home, port, maxLifetimeMs: opts.maxLifetimeMs ?? 5 * 60_000, ...(opts.readyTimeoutMs ? { readyTimeoutMs: opts.readyTimeoutMs } : {}) });
  try {
    return await body(gw);
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    e.message += `\n--- openclaw@${version} gateway log tail (port ${port}) ---\n${gw.logTail(60)}`;
    throw e;
  } finally {
    await gw.stop();
    removeTempHome(home);
  }
}

export interface InternalCallResult {
  ok: boolean;
  error?: string;
  /** The gateway's `security audit: device access upgrade requested ...` line for this attempt, if any. */
  auditLine?: string;
  result?: unknown;
  /** Raw driver output (for debugging). */
  raw?: string;
  /** client mode only: the hello-ok auth summary (token value replaced by "<issued>"). */
  hello?: unknown;
  connected?: boolean;
  deviceId?: string;
}

interface DriverRequest {
  kind?: "internal" | "client";
  pkgDir: string;
  method?: string;
  params?: unknown;
  timeoutMs?: number;
  url?: string;
  token?: string;
  scopes?: string[];
  clientName?: string;
  mode?: string;
}

async function runDriver(
  version: string,
  env: NodeJS.ProcessEnv,
  req: Omit<DriverRequest, "pkgDir">,
  gateway: GatewayHandle | undefined,
): Promise<InternalCallResult> {
  const rel = await installRelease(version);
  const offset = gateway?.logOffset() ?? 0;
  const full: DriverRequest = { ...req, pkgDir: rel.pkgDir };
  const r = await runProcess(rel.nodeBin, [DRIVER], {
    env: { ...env, OPENCLAW_FIX_E2E_CALL: JSON.stringify(full) },
    timeoutMs: (req.timeoutMs ?? 10_000) + 30_000,
  });
  const line = r.stdout.split("\n").find((l) => l.startsWith("@@RESULT@@ "));
  const raw = `${r.stdout}\n${r.stderr}`.trim();
  let parsed: InternalCallResult;
  if (!line) {
    parsed = { ok: false, error: `driver produced no result (exit ${r.code}${r.timedOut ? ", timed out" : ""})` };
  } else {
    parsed = JSON.parse(line.slice("@@RESULT@@ ".length)) as InternalCallResult;
  }
  parsed.raw = raw;
  if (gateway) {
    // The audit line is logged before the socket closes; give the pipe a moment to flush.
    const audit = await gateway.waitForLog(AUDIT_RE, parsed.ok ? 300 : 2_000, offset);
    if (audit) parsed.auditLine = audit;
  }
  return parsed;
}

/**
 * Make an internal call exactly like the gateway's cron delivery / announce queue: the release's own
 * `callGateway` (client id `gateway-client`, mode `backend`, least-privilege scopes for the method),
 * signed with the host identity in `stateDir`, shared token from the config.
 * `send` -> operator.write, `health` -> operator.read.
 */
export async function internalCall(
  version: string,
  stateDir: string,
  method: string,
  params: unknown = {},
  opts: { timeoutMs?: number; gateway?: GatewayHandle; port?: number } = {},
): Promise<InternalCallResult> {
  const gateway = opts.gateway ?? gatewaysByState.get(stateDir);
  const port = opts.port ?? gateway?.port ?? readConfigPort(stateDir);
  const home = path.basename(stateDir) === ".openclaw" ? path.dirname(stateDir) : (gateway?.home ?? path.dirname(stateDir));
  const env = releaseEnv(home, {
    OPENCLAW_STATE_DIR: stateDir,
    ...(port ? { OPENCLAW_GATEWAY_PORT: String(port) } : {}),
  });
  return runDriver(version, env, { kind: "internal", method, params, timeoutMs: opts.timeoutMs ?? 8_000 }, gateway);
}

/**
 * A raw GatewayClient with its OWN device identity (kept in `clientStateDir/identity/`), like a remote
 * CLI / app. With `token` it authenticates with the shared token; without, with its stored device token.
 */
export async function deviceClientCall(
  version: string,
  gateway: GatewayHandle,
  clientStateDir: string,
  opts: { scopes: string[]; method?: string; params?: unknown; useSharedToken: boolean; clientName?: string; mode?: string; timeoutMs?: number },
): Promise<InternalCallResult> {
  fs.mkdirSync(clientStateDir, { recursive: true, mode: 0o700 });
  const env = releaseEnv(gateway.home, { OPENCLAW_STATE_DIR: clientStateDir });
  return runDriver(
    version,
    env,
    {
      kind: "client",
      url: gateway.url,
      scopes: opts.scopes,
      ...(opts.method ? { method: opts.method } : {}),
      params: opts.params ?? {},
      ...(opts.useSharedToken ? { token: gateway.token } : {}),
      clientName: opts.clientName ?? "cli",
      mode: opts.mode ?? "cli",
      timeoutMs: opts.timeoutMs ?? 8_000,
    },
    gateway,
  );
}

function readConfigPort(stateDir: string): number | undefined {
  try {
    const cfg = JSON.parse(fs.readFileSync(path.join(stateDir, "openclaw.json"), "utf8")) as { gateway?: { port?: number } };
    return cfg.gateway?.port;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
/** The host device id (`<state>/identity/device.json` -> deviceId). Reads nothing else of that file. */
export function hostDeviceId(stateDir: string): string | undefined {
  try {
    const j = JSON.parse(fs.readFileSync(path.join(stateDir, "identity", "device.json"), "utf8")) as { deviceId?: unknown };
    return typeof j.deviceId === "string" ? j.deviceId : undefined;
  } catch {
    return undefined;
  }
}

/** Raw Ed25519 public key (base64url) of the host identity, as paired.json stores it. */
function hostPublicKeyB64Url(stateDir: string): string | undefined {
  try {
    const j = JSON.parse(fs.readFileSync(path.join(stateDir, "identity", "device.json"), "utf8")) as { publicKeyPem?: unknown };
    if (typeof j.publicKeyPem !== "string") return undefined;
    const der = createPublicKey(j.publicKeyPem).export({ format: "der", type: "spki" });
    return Buffer.from(der.subarray(der.length - 32)).toString("base64url");
  } catch {
    return undefined;
  }
}

export type PairedStore = Record<string, Record<string, unknown>>;

export function readPaired(stateDir: string): PairedStore {
  const p = path.join(stateDir, "devices", "paired.json");
  if (!fs.existsSync(p)) return {};
  return JSON.parse(fs.readFileSync(p, "utf8")) as PairedStore;
}
export function readPending(stateDir: string): PairedStore {
  const p = path.join(stateDir, "devices", "pending.json");
  if (!fs.existsSync(p)) return {};
  return JSON.parse(fs.readFileSync(p, "utf8")) as PairedStore;
}

/**
 * Set a device's `scopes` (and `approvedScopes` when the record has that field or `approvedScopes`
 * is given) and its `tokens.operator.scopes` in `<state>/devices/paired.json` (JSON era, <= 2026.7.x),
 * the way OpenClaw writes it (tmp file + rename, 0600, 2-space JSON, no trailing newline).
 * When the device is missing and it is the host device, a record is created from identity/device.json
 * (2.22+ / 7.x CLIs with the shared token never pair the host). Returns the written record.
 * Stop the gateway first when it may connect clients concurrently: it read-modify-writes this file on
 * connects (see docs/e2e-notes.md).
 */
export function writePairedScopes(
  stateDir: string,
  deviceId: string,
  scopes: string[],
  tokenScopes: string[] = scopes,
  opts: { approvedScopes?: string[]; clearPending?: boolean } = {},
): Record<string, unknown> {
  const dir = path.join(stateDir, "devices");
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, "paired.json");
  const store = readPaired(stateDir);
  const now = Date.now();
  let dev = store[deviceId];
  if (!dev) {
    const publicKey = deviceId === hostDeviceId(stateDir) ? hostPublicKeyB64Url(stateDir) : undefined;
    if (!publicKey) throw new Error(`device ${deviceId} not in paired.json and not the host identity`);
    dev = {
      deviceId,
      publicKey,
      platform: process.platform,
      clientId: "cli",
      clientMode: "cli",
      role: "operator",
      roles: ["operator"],
      createdAtMs: now,
      approvedAtMs: now,
    };
  }
  dev.scopes = [...scopes];
  if (opts.approvedScopes || "approvedScopes" in dev) dev.approvedScopes = [...(opts.approvedScopes ?? scopes)];
  const tokens = (typeof dev.tokens === "object" && dev.tokens ? dev.tokens : {}) as Record<string, Record<string, unknown>>;
  const op = tokens.operator ?? {
    token: Buffer.from(`${deviceId}:${now}:${Math.random()}`).toString("base64url").slice(0, 43),
    role: "operator",
    createdAtMs: now,
  };
  op.scopes = [...tokenScopes];
  tokens.operator = op;
  dev.tokens = tokens;
  store[deviceId] = dev;
  const tmp = `${file}.${process.pid}.${now}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(store, null, 2), { mode: 0o600 });
  fs.chmodSync(tmp, 0o600);
  fs.renameSync(tmp, file);
  if (opts.clearPending) {
    const pend = path.join(dir, "pending.json");
    if (fs.existsSync(pend)) fs.writeFileSync(pend, "{}", { mode: 0o600 });
  }
  return dev;
}

/** `send` params that reach the send handler and fail there (no channel configured). */
export function sendParams(key = `e2e-${Date.now()}`): Record<string, unknown> {
  return { channel: "discord", to: "channel:1", message: "openclaw-fix e2e", idempotencyKey: key };
}

/**
 * A connect was ALLOWED when the call succeeded or failed only after hello-ok (e.g. `unsupported
 * channel: discord` for a `send` with no channel configured). Refused: 1008 / pairing / unauthorized.
 * Anything else (the client code could not be found or loaded, a crash) says nothing about the gateway:
 * it throws, so a driver that never connected is never counted as "allowed" (2026.1.30's unbundled dist
 * once recorded 26 internal cells as allowed that way).
 */
export function connectAllowed(r: InternalCallResult): boolean {
  if (r.ok) return true;
  const e = r.error ?? "";
  if (/pairing required|gateway closed \(1008\)|unauthorized|scope upgrade pending|timeout|ECONNREFUSED/i.test(e)) return false;
  if (r.connected || AFTER_HELLO_ERROR.test(e)) return true;
  throw new Error(`cannot tell whether the gateway let the client in: ${e || "(no error text)"}`);
}

/** Errors a method answers with once the connect was accepted (the request reached its handler). */
const AFTER_HELLO_ERROR = /unsupported channel|invalid [\w.]+ params|missing scope|unknown method/i;

/** Stop every gateway this process started (for afterAll hooks). */
export async function stopAllGateways(): Promise<void> {
  await Promise.all([...liveGateways].map((g) => g.stop()));
}

// ---------------------------------------------------------------------------------------------
// openclaw-fix itself, as a user runs it next to a real install (issue 4 scenarios).

/** The built CLI (`npm run build` first): bin/openclaw-fix.js -> dist/. */
const FIX_BIN = path.join(REPO_ROOT, "bin", "openclaw-fix.js");

/** `<cache>/<version>/node_modules/.bin`: holds the release's `openclaw` link (what a global install puts on PATH). */
function releaseBinDir(rel: InstalledRelease): string {
  return path.join(rel.dir, "node_modules", ".bin");
}

export interface FixResult extends ProcessResult {
  /** The parsed `--json` document when one was asked for and printed. */
  json?: Record<string, any>;
}

/**
 * Run `openclaw-fix <args>` the way a user on that host would: the executable itself (its shebang finds
 * `node` on PATH), with the release's bin dir FIRST on PATH (so the version is detected from the install,
 * never passed in), the release's Node runtime next, HOME = the temp home, OPENCLAW_STATE_DIR = its state.
 */
export async function runFix(
  version: string,
  home: string,
  args: string[],
  opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv; stateDir?: string } = {},
): Promise<FixResult> {
  const rel = await installRelease(version);
  const PATH = [releaseBinDir(rel), path.dirname(rel.nodeBin), process.env.PATH ?? ""].join(path.delimiter);
  const env = releaseEnv(home, {
    PATH,
    OPENCLAW_STATE_DIR: opts.stateDir ?? path.join(home, ".openclaw"),
    ...(opts.env ?? {}),
  });
  const r: FixResult = await runProcess(FIX_BIN, args, { env, cwd: home, timeoutMs: opts.timeoutMs ?? 60_000 });
  if (args.includes("--json")) {
    try {
      r.json = JSON.parse(r.stdout) as Record<string, any>;
    } catch {
      /* leave undefined: the caller's assertion shows stdout */
    }
  }
  return r;
}

/** One line per finding, for assertion messages: `error service-device-missing-write <deviceId>`. */
export function findingsText(doc: Record<string, any> | undefined): string {
  const list = (doc?.findings ?? []) as Array<{ id: string; severity: string; deviceId?: string | null }>;
  return list.map((f) => `${f.severity} ${f.id}${f.deviceId ? ` ${String(f.deviceId).slice(0, 12)}` : ""}`).join("\n");
}

/** sha256 of a file's bytes (or "missing"). */
export function fileDigest(file: string): string {
  if (!fs.existsSync(file)) return "missing";
  return createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

/** Remove a device from `<state>/devices/paired.json` (tmp + rename, as OpenClaw writes it); clears pending.json. */
export function removePairedDevice(stateDir: string, deviceId: string): void {
  const dir = path.join(stateDir, "devices");
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, "paired.json");
  const store = readPaired(stateDir);
  delete store[deviceId];
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(store, null, 2), { mode: 0o600 });
  fs.renameSync(tmp, file);
  fs.writeFileSync(path.join(dir, "pending.json"), "{}", { mode: 0o600 });
}
