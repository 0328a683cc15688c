#!/usr/bin/env node
// Prints the measured releases (test/oracle/*.json, written by `npm run sweep`) as a markdown table for the README:
// per release the date, store, cells, sweep time, and the verdicts that tell the release lines apart.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "test", "oracle");
const key = (v) => v.split(".").map(Number);
// <release>.json (the shared token) and <release>.<variant>.json (another gateway config, named in the row).
const docs = fs.readdirSync(DIR).filter((f) => /^\d{4}\.\d+\.\d+(\.[a-z-]+)*\.json$/.test(f)).map((f) => JSON.parse(fs.readFileSync(path.join(DIR, f), "utf8")))
  .sort((a, b) => { const x = key(a.release), y = key(b.release); return x[0] - y[0] || x[1] - y[1] || x[2] - y[2] || Number(!!a.config && a.config.authMode !== "token") - Number(!!b.config && b.config.authMode !== "token"); });
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
  const variant = [d.config?.authMode === "none" ? "auth none" : null, d.config?.autoApproveLocal === false ? "autoApproveLocal false" : null].filter(Boolean).join(", ");
  console.log(`| ${d.release}${variant ? ` (${variant})` : ""} | ${d.measuredAt.slice(0, 10)} | ${d.store} | ${states} x ${clients} = ${d.cells.length} | ${Math.round(d.sweepMs / 1000)} s | ${cell(d, "seed", "internal-write")} / ${cell(d, "seed", "internal-read")} | ${cell(d, "read", "cli-read")} / ${cell(d, "read", "cli-write")} / ${cell(d, "read", "cli-admin")} | ${cell(d, "approved-narrower", "cli-write")} |`);
}
