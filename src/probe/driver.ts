/**
 * The few lines that run inside the release's Node: import the release's own `callGateway` and make the next
 * client's connect when the parent says "go", or the same client's connect once more when it says "again" (the
 * retry the release's client makes itself after dropping a refused cached token). Between connects the parent
 * reads the pending requests, so it knows which request each refusal created. Passed with `--input-type=module -e`, so nothing but our package
 * is needed on disk; the request comes through the environment because the release's chunks parse
 * process.argv as an openclaw command line when imported.
 *
 * It never sees a token: `callGateway` reads the shared token from the config itself, as the gateway's own
 * internal calls do. It prints one `@@PROBE@@ {json}` line per step and nothing of the release's output is kept.
 */
export const PROBE_ENV = 'OPENCLAW_FIX_PROBE';
export const PROBE_MARK = '@@PROBE@@ ';

export interface DriverClient {
  client: string;
  method: string;
  /** Options for callGateway: clientName, mode, scopes. `scopesFor` asks the release which scopes a method needs. */
  opts: Record<string, unknown>;
  scopesFor?: string;
}

export interface DriverRequest {
  module: string;
  exportName: string;
  scopesExportName: string | null;
  timeoutMs: number;
  clients: DriverClient[];
}

export const DRIVER_SOURCE = `
import { pathToFileURL } from "node:url";
import readline from "node:readline";
const req = JSON.parse(process.env.${PROBE_ENV} ?? "{}");
const say = (o) => process.stdout.write("\\n${PROBE_MARK}" + JSON.stringify(o) + "\\n");
const lines = readline.createInterface({ input: process.stdin })[Symbol.asyncIterator]();
try {
  const mod = await import(pathToFileURL(req.module).href);
  const callGateway = mod[req.exportName];
  if (typeof callGateway !== "function") throw new Error("the release's callGateway export is not a function");
  const scopesFor = req.scopesExportName ? mod[req.scopesExportName] : undefined;
  say({ ready: true });
  let index = 0;
  let last;
  for (;;) {
    const next = await lines.next();
    const word = next.done ? "" : next.value.trim();
    const c = word === "go" ? req.clients[index++] : word === "again" ? last : undefined;
    if (!c) break;
    last = c;
    const opts = { ...c.opts };
    if (c.scopesFor && typeof scopesFor === "function") opts.scopes = scopesFor(c.scopesFor);
    const t0 = performance.now();
    try {
      await callGateway({ ...opts, method: c.method, params: {}, timeoutMs: req.timeoutMs });
      say({ client: c.client, ok: true, scopes: opts.scopes ?? null, ms: Math.round(performance.now() - t0) });
    } catch (err) {
      say({ client: c.client, ok: false, scopes: opts.scopes ?? null, error: String(err && err.message || err).slice(0, 2000), ms: Math.round(performance.now() - t0) });
    }
  }
} catch (err) {
  say({ fatal: String(err && err.message || err).slice(0, 2000) });
}
process.exit(0);
`;
