// Internal gateway call driver for the openclaw-fix e2e harness.
// Run with the RELEASE's node binary (not vitest's), with HOME / OPENCLAW_STATE_DIR /
// OPENCLAW_GATEWAY_PORT pointing at the temp gateway:
//
//   OPENCLAW_FIX_E2E_CALL='{"pkgDir":"...","method":"send","params":{...},"timeoutMs":8000}' \
//     <node> internal-call-driver.mjs
//
// The request comes in through the environment, NOT argv: importing the release's dist chunks
// pulls in code that parses process.argv as an openclaw command line (extra argv words produced
// `error: unknown command '<word>'` on 2026.2.19).
//
// It imports the release's own dist chunk that defines `callGateway` (src/gateway/call.ts) and
// calls it the way the gateway's cron delivery / announce queue do: no `scopes`, no client name,
// no mode -> clientName "gateway-client", mode "backend", least-privilege scopes for the method,
// signed with the host identity (<state>/identity/device.json), shared token from the config.
// Prints exactly one line `@@RESULT@@ {json}` on stdout: {ok:true,result} or {ok:false,error}.
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const request = JSON.parse(process.env.OPENCLAW_FIX_E2E_CALL ?? "{}");
const { pkgDir, method } = request;
const timeoutArg = request.timeoutMs;
const out = (obj) => {
  process.stdout.write(`\n@@RESULT@@ ${JSON.stringify(obj)}\n`);
};

function findCallGatewayModule(distDir) {
  // Bundled chunk names are hashed (dist/call-<hash>.js on 2026.2.x) and export aliases are
  // minified (`callGateway as n`), so find the file defining the function and read its alias
  // off the export statement.
  const candidates = [];
  const walk = (dir, depth) => {
    for (const ent of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, ent.name);
      if (ent.isDirectory()) {
        if (depth < 2 && ent.name !== "node_modules") walk(p, depth + 1);
      } else if (/\.(m?js)$/.test(ent.name)) {
        candidates.push(p);
      }
    }
  };
  walk(distDir, 0);
  // Prefer files named like call-*.js.
  candidates.sort((a, b) => Number(!/\/call[-.]/.test(a)) - Number(!/\/call[-.]/.test(b)));
  for (const file of candidates) {
    const src = fs.readFileSync(file, "utf8");
    if (!/async function callGateway\(/.test(src)) continue;
    // 2026.1.x ships tsc output, not bundles: dist/gateway/call.js exports the function by name.
    if (/export\s+async\s+function\s+callGateway\(/.test(src)) return { file, exportName: "callGateway" };
    const m = /export\s*\{([^}]*)\}/g;
    let match;
    while ((match = m.exec(src))) {
      for (const part of match[1].split(",")) {
        const pm = /^\s*callGateway(?:\s+as\s+([\w$]+))?\s*$/.exec(part);
        if (pm) return { file, exportName: pm[1] ?? "callGateway" };
      }
    }
  }
  return null;
}

// Resolve a name the call chunk imports from another chunk (`import { t as GatewayClient } from "./client-x.js"`).
async function importFromCallChunk(found, wanted) {
  const src = fs.readFileSync(found.file, "utf8");
  const re = /import\s*\{([^}]*)\}\s*from\s*"(\.\/[^"]+)"/g;
  let m;
  while ((m = re.exec(src))) {
    for (const part of m[1].split(",")) {
      const pm = /^\s*([\w$]+)(?:\s+as\s+([\w$]+))?\s*$/.exec(part);
      if (pm && (pm[2] ?? pm[1]) === wanted) {
        const mod = await import(pathToFileURL(path.join(path.dirname(found.file), m[2])).href);
        return mod[pm[1]];
      }
    }
  }
  throw new Error(`${path.basename(found.file)} does not import ${wanted}`);
}

// kind "client": a raw GatewayClient with explicit options (device identity from
// OPENCLAW_STATE_DIR/identity/device.json, created if missing; its device token is stored by the
// client itself in identity/device-auth.json on hello-ok). One connect attempt, no reconnect.
async function runClient(found, req) {
  const GatewayClient = await importFromCallChunk(found, "GatewayClient");
  const loadOrCreateDeviceIdentity = await importFromCallChunk(found, "loadOrCreateDeviceIdentity");
  const deviceIdentity = loadOrCreateDeviceIdentity();
  return await new Promise((resolve) => {
    let done = false;
    let client;
    const finish = (obj) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      try { client.stop(); } catch { /* ignore */ }
      resolve({ ...obj, deviceId: deviceIdentity.deviceId });
    };
    const timer = setTimeout(() => finish({ ok: false, error: "client timeout" }), req.timeoutMs ?? 10000);
    const opts = {
      url: req.url,
      clientName: req.clientName ?? "cli",
      mode: req.mode ?? "cli",
      role: req.role ?? "operator",
      scopes: req.scopes,
      deviceIdentity,
      instanceId: `openclaw-fix-e2e-${process.pid}`,
      onHelloOk: async (hello) => {
        const auth = hello?.auth ? { role: hello.auth.role, scopes: hello.auth.scopes, deviceToken: hello.auth.deviceToken ? "<issued>" : undefined } : undefined;
        try {
          const result = req.method ? await client.request(req.method, req.params ?? {}) : undefined;
          finish({ ok: true, result, hello: auth });
        } catch (err) {
          finish({ ok: false, connected: true, error: String(err?.message ?? err), hello: auth });
        }
      },
      onClose: (code, reason) => finish({ ok: false, error: `gateway closed (${code}): ${reason}` }),
      onConnectError: (err) => finish({ ok: false, error: `connect error: ${String(err?.message ?? err)}` }),
    };
    if (req.token) opts.token = req.token;
    if (req.deviceToken) opts.deviceToken = req.deviceToken;
    if (req.minProtocol) opts.minProtocol = req.minProtocol;
    if (req.maxProtocol) opts.maxProtocol = req.maxProtocol;
    client = new GatewayClient(opts);
    client.start();
  });
}

const hardTimer = setTimeout(() => {
  out({ ok: false, error: "driver hard timeout" });
  process.exit(3);
}, (Number(timeoutArg) || 10000) + 15000);
hardTimer.unref();

try {
  const found = findCallGatewayModule(path.join(pkgDir, "dist"));
  if (!found) throw new Error(`no dist module exporting callGateway under ${pkgDir}/dist`);
  if (request.kind === "client") {
    const r = await runClient(found, request);
    out({ ...r, module: path.basename(found.file) });
    process.exit(r.ok ? 0 : 1);
  }
  const mod = await import(pathToFileURL(found.file).href);
  const callGateway = mod[found.exportName];
  if (typeof callGateway !== "function") throw new Error(`${found.file}: export ${found.exportName} is not a function`);
  if (typeof pkgDir !== "string" || typeof method !== "string") throw new Error("OPENCLAW_FIX_E2E_CALL needs pkgDir and method");
  const params = request.params ?? {};
  const result = await callGateway({ method, params, timeoutMs: Number(timeoutArg) || 10000 });
  out({ ok: true, result, module: path.basename(found.file) });
  process.exit(0);
} catch (err) {
  out({ ok: false, error: String(err?.message ?? err) });
  process.exit(1);
}
