#!/usr/bin/env node
// Prints the measured releases (test/oracle/*.json, written by `npm run sweep`) as a markdown table for the README:
// per release the date, store, cells, sweep time, and the verdicts that tell the release lines apart.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "test", "oracle");
const key = (v) => v.split(".").map(Number);
const docs = fs.readdirSync(DIR).filter((f) => /^\d{4}\.\d+\.\d+\.json$/.test(f)).map((f) => JSON.parse(fs.readFileSync(path.join(DIR, f), "utf8")))
  .sort((a, b) => { const x = key(a.release), y = key(b.release); return x[0] - y[0] || x[1] - y[1] || x[2] - y[2]; });
const cell = (d, state, client) => {
  const c = d.cells.find((x) => x.state === state && x.client === client);
  if (!c) return "-";
  if (!c.allowed) return c.retry?.allowed ? "refused once" : "refused";
  if (c.autoApprovedLogged) return "ok (auto)";
  return "ok";
};
console.log("| release | measured | store | states x clients = cells | sweep | seed: internal write / read | read-only host: CLI read / write / admin | approvedScopes [read] under full scopes: CLI write |");
console.log("|---|---|---|---|---|---|---|---|");
for (const d of docs) {
  const states = new Set(d.cells.map((c) => c.state)).size;
  const clients = new Set(d.cells.map((c) => c.client)).size;
  console.log(`| ${d.release} | ${d.measuredAt.slice(0, 10)} | ${d.store} | ${states} x ${clients} = ${d.cells.length} | ${Math.round(d.sweepMs / 1000)} s | ${cell(d, "seed", "internal-write")} / ${cell(d, "seed", "internal-read")} | ${cell(d, "read", "cli-read")} / ${cell(d, "read", "cli-write")} / ${cell(d, "read", "cli-admin")} | ${cell(d, "approved-narrower", "cli-write")} |`);
}
