#!/usr/bin/env node
// Install real published OpenClaw releases (and a Node runtime each release accepts) into a cache
// OUTSIDE the repo, for the end-to-end harness (test/e2e/harness.ts).
//
//   node scripts/e2e-install.mjs 2026.2.19 2026.2.22 2026.7.35
//   OPENCLAW_FIX_E2E_CACHE=/somewhere node scripts/e2e-install.mjs 2026.9.6
//   node scripts/e2e-install.mjs --json 2026.2.19   # machine readable result on stdout (last line)
//
// Layout (cache = ${OPENCLAW_FIX_E2E_CACHE:-$HOME/.cache/openclaw-fix-e2e}):
//   <cache>/<version>/package.json            wrapper package: openclaw@<version> + libsignal override
//   <cache>/<version>/stubs/libsignal/        local stub for the git-hosted transitive dependency
//   <cache>/<version>/node_modules/openclaw/  the release; entry openclaw.mjs
//   <cache>/<version>/.e2e-install.json       completion marker (written last; its presence = done)
//   <cache>/_runtimes/node-<nodeVersion>/     node-<platform>-<arch>@<nodeVersion> from the npm registry
//   <cache>/_runtimes/node-<nodeVersion>/.e2e-install.json   runtime completion marker
//
// Plain Node >= 20, no dependencies; only talks to the npm registry (through the npm client).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

// Node versions we know exist on the npm registry as node-<platform>-<arch> packages (checked
// 2026: node@22 latest = 22.23.3, node@24 latest = 24.21.0). The first one that satisfies the
// release's `engines.node` wins. OPENCLAW_FIX_E2E_NODE=<version> forces one.
const NODE_CANDIDATES = ["22.23.3", "24.21.0"];

export function cacheRoot() {
  const env = process.env.OPENCLAW_FIX_E2E_CACHE;
  if (env && env.trim()) return path.resolve(env.trim());
  return path.join(os.homedir(), ".cache", "openclaw-fix-e2e");
}

// ---- minimal semver range check (enough for `engines.node` strings) -------------------------
function parseVer(v) {
  const m = /^v?(\d+)(?:\.(\d+|x|\*))?(?:\.(\d+|x|\*))?/.exec(v.trim());
  if (!m) return null;
  const n = (s) => (s === undefined || s === "x" || s === "*" ? 0 : Number(s));
  return [n(m[1]), n(m[2]), n(m[3])];
}
function cmp(a, b) {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}
export function satisfies(version, range) {
  const v = parseVer(version);
  if (!v) return false;
  if (!range || !range.trim() || range.trim() === "*") return true;
  return range.split("||").some((alt) => {
    const comps = alt.match(/(>=|<=|>|<|=|\^|~)?\s*v?\d+(?:\.(?:\d+|x|\*))?(?:\.(?:\d+|x|\*))?/g) ?? [];
    if (comps.length === 0) return false;
    return comps.every((c) => {
      const m = /^(>=|<=|>|<|=|\^|~)?\s*(.*)$/.exec(c.trim());
      const op = m[1] ?? "=";
      const r = parseVer(m[2]);
      if (!r) return false;
      const c0 = cmp(v, r);
      switch (op) {
        case ">=": return c0 >= 0;
        case "<=": return c0 <= 0;
        case ">": return c0 > 0;
        case "<": return c0 < 0;
        case "^": return c0 >= 0 && v[0] === r[0];
        case "~": return c0 >= 0 && v[0] === r[0] && v[1] === r[1];
        default: {
          // "=22" / "22.x" style: compare only the given parts
          const parts = m[2].split(".").filter((p) => /^\d+$/.test(p)).length;
          return v.slice(0, parts).every((x, i) => x === r[i]);
        }
      }
    });
  });
}

// ---- helpers ----------------------------------------------------------------------------------
function npmCmd() {
  // Use the npm that belongs to the node running this script when we can find it.
  const guess = path.join(path.dirname(process.execPath), process.platform === "win32" ? "npm.cmd" : "npm");
  return fs.existsSync(guess) ? guess : "npm";
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024, ...opts });
  if (r.error) throw r.error;
  if (r.status !== 0) {
    const tail = `${r.stdout ?? ""}\n${r.stderr ?? ""}`.trim().split("\n").slice(-30).join("\n");
    throw new Error(`${cmd} ${args.join(" ")} failed (exit ${r.status}) in ${opts.cwd ?? process.cwd()}:\n${tail}`);
  }
  return r.stdout ?? "";
}

function npm(args, cwd) {
  return run(npmCmd(), [...args, "--no-audit", "--no-fund", "--loglevel=error"], {
    cwd,
    env: { ...process.env, npm_config_update_notifier: "false" },
  });
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    return null;
  }
}

function duSizeBytes(dir) {
  const r = spawnSync("du", ["-sb", dir], { encoding: "utf8" });
  if (r.status === 0) return Number(r.stdout.split(/\s+/)[0]);
  return null;
}

const mb = (b) => (b == null ? "?" : `${(b / 1024 / 1024).toFixed(0)} MB`);
const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;

// ---- node runtime -----------------------------------------------------------------------------
export function pickNodeVersion(enginesNode) {
  const forced = process.env.OPENCLAW_FIX_E2E_NODE;
  if (forced && forced.trim()) return forced.trim();
  const hit = NODE_CANDIDATES.find((v) => satisfies(v, enginesNode ?? ""));
  if (!hit) throw new Error(`no known Node runtime satisfies engines.node=${JSON.stringify(enginesNode)}; set OPENCLAW_FIX_E2E_NODE`);
  return hit;
}

export function installNodeRuntime(nodeVersion, root = cacheRoot()) {
  const dir = path.join(root, "_runtimes", `node-${nodeVersion}`);
  const marker = path.join(dir, ".e2e-install.json");
  const done = readJson(marker);
  if (done && fs.existsSync(done.nodeBin)) return { ...done, cached: true, ms: 0 };
  const t0 = Date.now();
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  // The `node@<v>` npm package is only a wrapper whose preinstall script runs
  // `npm install node-<platform>-<arch>@<v>`; install that platform package directly (no scripts
  // needed, works with --ignore-scripts, same binary).
  const plat = process.platform === "win32" ? "win" : process.platform;
  const pkg = `node-${plat}-${process.arch}`;
  fs.writeFileSync(
    path.join(dir, "package.json"),
    JSON.stringify({ name: `openclaw-fix-e2e-node-${nodeVersion}`, private: true, version: "0.0.0" }, null, 2),
  );
  npm(["install", "--ignore-scripts", "--no-save", "--no-package-lock", `${pkg}@${nodeVersion}`], dir);
  const binDir = path.join(dir, "node_modules", pkg, "bin");
  const nodeBin = path.join(binDir, process.platform === "win32" ? "node.exe" : "node");
  if (!fs.existsSync(nodeBin)) throw new Error(`node binary missing after install: ${nodeBin}`);
  try { fs.chmodSync(nodeBin, 0o755); } catch { /* ignore */ }
  const reported = run(nodeBin, ["--version"]).trim();
  if (reported !== `v${nodeVersion}`) throw new Error(`${nodeBin} --version = ${reported}, expected v${nodeVersion}`);
  const info = { nodeVersion, package: `${pkg}@${nodeVersion}`, nodeBin, installedAt: new Date().toISOString() };
  fs.writeFileSync(marker, JSON.stringify(info, null, 2));
  return { ...info, cached: false, ms: Date.now() - t0 };
}

// ---- openclaw release -------------------------------------------------------------------------
// Stub for `libsignal` (git-hosted dependency of @whiskeysockets/baileys, the WhatsApp channel).
// Baileys does ESM named imports from the CommonJS files `libsignal`, `libsignal/src/crypto.js` and
// `libsignal/src/curve.js`; Node detects CJS named exports statically, so every name must be
// assigned literally as `exports.<name> = ...` (a Proxy would make the import fail and take the
// bundled plugins that import baileys -- device-pair, memory-core -- down with it).
// Everything throws when actually called: the harness never uses WhatsApp.
const LIBSIGNAL_STUB_VERSION = "0.0.0-openclaw-fix-e2e-stub.2";
const LIBSIGNAL_STUB_FILES = {
  "index.js": ["SessionCipher", "SessionBuilder", "SessionRecord", "ProtocolAddress", "PreKeyWhisperMessage",
    "WhisperMessage", "SessionEntry", "BaseKeyType", "ChainType", "keyhelper", "crypto", "curve", "errors",
    "protobufs", "ProtocolStore", "UntrustedIdentityKeyError", "SessionError", "MessageCounterError", "PreKeyError"],
  "src/crypto.js": ["encrypt", "decrypt", "calculateMAC", "hash", "deriveSecrets", "verifyMAC"],
  "src/curve.js": ["generateKeyPair", "createKeyPair", "calculateAgreement", "calculateSignature", "verifySignature"],
  "src/keyhelper.js": ["generateIdentityKeyPair", "generateRegistrationId", "generateSignedPreKey", "generatePreKey"],
  "src/protobufs.js": ["WhisperMessage", "PreKeyWhisperMessage"],
  "src/errors.js": ["SignalError", "UntrustedIdentityKeyError", "SessionError", "MessageCounterError", "PreKeyError"],
};
function libsignalStubSource(names) {
  const lines = [
    '"use strict";',
    "// openclaw-fix e2e stub: the WhatsApp channel is never used by the harness.",
    "function stub(name) {",
    '  const f = function () { throw new Error("libsignal stub (openclaw-fix e2e): " + name + " is not available"); };',
    "  return f;",
    "}",
  ];
  for (const n of names) lines.push(`exports.${n} = stub(${JSON.stringify(n)});`);
  return `${lines.join("\n")}\n`;
}
function writeLibsignalStub(stubDir) {
  fs.mkdirSync(path.join(stubDir, "src"), { recursive: true });
  fs.writeFileSync(
    path.join(stubDir, "package.json"),
    JSON.stringify(
      {
        name: "libsignal",
        version: LIBSIGNAL_STUB_VERSION,
        description: "Stub for openclaw-fix e2e installs (the real one is git-hosted; only the WhatsApp channel uses it)",
        main: "index.js",
        license: "MIT",
      },
      null,
      2,
    ),
  );
  for (const [file, names] of Object.entries(LIBSIGNAL_STUB_FILES)) {
    fs.writeFileSync(path.join(stubDir, file), libsignalStubSource(names));
  }
}

export function releaseDir(version, root = cacheRoot()) {
  return path.join(root, version);
}

export function installRelease(version, root = cacheRoot()) {
  if (!/^\d{4}\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/.test(version)) throw new Error(`not an openclaw version: ${version}`);
  const dir = releaseDir(version, root);
  const marker = path.join(dir, ".e2e-install.json");
  const stubDir = path.join(dir, "stubs", "libsignal");
  const done = readJson(marker);
  if (done && fs.existsSync(done.entry) && fs.existsSync(done.nodeBin)) {
    // node_modules/libsignal is a symlink to the stub dir (file: dependency), so refreshing the stub
    // in place is enough when this script's stub changes.
    writeLibsignalStub(stubDir);
    return { ...done, cached: true, ms: 0 };
  }

  const t0 = Date.now();
  fs.rmSync(dir, { recursive: true, force: true });
  writeLibsignalStub(stubDir);
  fs.writeFileSync(
    path.join(dir, "package.json"),
    JSON.stringify(
      {
        name: `openclaw-fix-e2e-${version.replace(/[^0-9A-Za-z-]/g, "-")}`,
        private: true,
        version: "0.0.0",
        dependencies: { openclaw: version },
        overrides: { libsignal: "file:./stubs/libsignal" },
      },
      null,
      2,
    ),
  );
  // --engine-strict=false: the system node running npm may be older than the release's engines.
  npm(["install", "--ignore-scripts", "--engine-strict=false", "--no-package-lock"], dir);
  const tInstall = Date.now() - t0;

  const pkgDir = path.join(dir, "node_modules", "openclaw");
  const pkgJson = readJson(path.join(pkgDir, "package.json"));
  if (!pkgJson || pkgJson.version !== version) throw new Error(`openclaw@${version} not found in ${pkgDir} after install`);
  const binRel = typeof pkgJson.bin === "string" ? pkgJson.bin : pkgJson.bin?.openclaw ?? "openclaw.mjs";
  const entry = path.join(pkgDir, binRel);
  if (!fs.existsSync(entry)) throw new Error(`entry ${entry} missing`);

  const enginesNode = pkgJson.engines?.node ?? "";
  const rt = installNodeRuntime(pickNodeVersion(enginesNode), root);

  const info = {
    version,
    dir,
    pkgDir,
    entry,
    enginesNode,
    nodeVersion: rt.nodeVersion,
    nodeBin: rt.nodeBin,
    sizeBytes: duSizeBytes(dir),
    installMs: tInstall,
    installedAt: new Date().toISOString(),
  };
  fs.writeFileSync(marker, JSON.stringify(info, null, 2));
  return { ...info, cached: false, ms: Date.now() - t0, runtimeMs: rt.ms, runtimeCached: rt.cached };
}

// ---- CLI --------------------------------------------------------------------------------------
function main(argv) {
  const json = argv.includes("--json");
  const versions = argv.filter((a) => !a.startsWith("--"));
  if (versions.length === 0) {
    console.error("usage: node scripts/e2e-install.mjs [--json] <openclaw-version...>");
    process.exit(2);
  }
  const [maj] = process.versions.node.split(".").map(Number);
  if (maj < 20) {
    console.error(`needs Node >= 20 (this is ${process.version})`);
    process.exit(2);
  }
  const root = cacheRoot();
  console.error(`cache: ${root}`);
  const results = [];
  let failed = false;
  for (const v of versions) {
    const t0 = Date.now();
    try {
      const r = installRelease(v, root);
      results.push(r);
      console.error(
        r.cached
          ? `openclaw@${v}: cached (node ${r.nodeVersion}, ${mb(r.sizeBytes)}) ${secs(Date.now() - t0)}`
          : `openclaw@${v}: installed in ${secs(r.ms)} (npm ${secs(r.installMs)}, node runtime ${r.nodeVersion} ${r.runtimeCached ? "cached" : secs(r.runtimeMs)}), ${mb(r.sizeBytes)}, engines.node ${r.enginesNode || "(none)"}`,
      );
    } catch (err) {
      failed = true;
      results.push({ version: v, error: String(err?.message ?? err) });
      console.error(`openclaw@${v}: FAILED after ${secs(Date.now() - t0)}\n${err?.message ?? err}`);
    }
  }
  if (json) process.stdout.write(`${JSON.stringify(results)}\n`);
  process.exit(failed ? 1 : 0);
}

const isMain = (() => {
  try {
    return process.argv[1] && fs.realpathSync(process.argv[1]) === fs.realpathSync(new URL(import.meta.url).pathname);
  } catch {
    return false;
  }
})();
if (isMain) main(process.argv.slice(2));
