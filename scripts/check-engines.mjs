#!/usr/bin/env node
// npm-shrinkwrap.json pins what users install (npm honours it for published CLIs). The runtime floor in package.json "engines" must be true: every production dependency in the lock file
// must accept the oldest Node we claim. Run by `npm test`, so a dependency bump that raises the floor fails CI.
import { readFileSync } from 'node:fs';
import semver from 'semver';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const lock = JSON.parse(readFileSync(new URL('../npm-shrinkwrap.json', import.meta.url), 'utf8'));
const floor = semver.minVersion(pkg.engines.node).version;
const offenders = [];
for (const [where, entry] of Object.entries(lock.packages ?? {})) {
  if (!where || entry.dev || entry.optional) continue;
  const range = entry.engines?.node;
  if (range && !semver.satisfies(floor, range)) offenders.push(`${where.replace(/^.*node_modules\//, '')}@${entry.version} needs node ${range}`);
}
if (offenders.length) {
  console.error(`engines: package.json claims node ${pkg.engines.node}, but:\n  ${offenders.join('\n  ')}`);
  process.exit(1);
}
console.error(`engines: every production dependency accepts node ${floor}`);
