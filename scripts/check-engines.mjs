#!/usr/bin/env node
// The runtime floor in package.json "engines" must be true. The build inlines every library src/ imports (and
// theirs) into dist/bundle, so each of those, at the version npm-shrinkwrap.json pins, must accept the oldest Node
// we claim. Run by `npm test`, so a library bump that raises the floor fails CI.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import semver from 'semver';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const lock = JSON.parse(readFileSync(path.join(ROOT, 'npm-shrinkwrap.json'), 'utf8'));
const floor = semver.minVersion(pkg.engines.node).version;

/** Package names src/ imports: `chalk`, `@inquirer/confirm`, never `node:*` or a relative path. */
const imported = new Set();
for (const file of readdirSync(path.join(ROOT, 'src'), { recursive: true, encoding: 'utf8' })) {
  if (!file.endsWith('.ts')) continue;
  for (const m of readFileSync(path.join(ROOT, 'src', file), 'utf8').matchAll(/(?:from\s+|import\()\s*'([^'.][^']*)'/g)) {
    if (m[1].startsWith('node:')) continue;
    imported.add(m[1].split('/').slice(0, m[1].startsWith('@') ? 2 : 1).join('/'));
  }
}

/** Those and everything they depend on, as the lock file resolves them (top-level installs; enough for a flat tree). */
const inlined = new Map();
const queue = [...imported];
while (queue.length) {
  const name = queue.shift();
  const entry = lock.packages?.[`node_modules/${name}`];
  if (!entry || inlined.has(name)) continue;
  inlined.set(name, entry);
  queue.push(...Object.keys(entry.dependencies ?? {}));
}

const offenders = [];
for (const name of imported) if (!inlined.has(name)) offenders.push(`${name} is imported by src/ but not in npm-shrinkwrap.json`);
for (const [name, entry] of inlined) {
  const range = entry.engines?.node;
  if (range && !semver.satisfies(floor, range)) offenders.push(`${name}@${entry.version} needs node ${range}`);
}
if (offenders.length) {
  console.error(`engines: package.json claims node ${pkg.engines.node}, but:\n  ${offenders.join('\n  ')}`);
  process.exit(1);
}
console.error(`engines: the ${inlined.size} libraries the bundle inlines all accept node ${floor}`);
