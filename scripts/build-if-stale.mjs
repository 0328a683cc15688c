#!/usr/bin/env node
// Keeps dist/ (what bin/openclaw-fix.js runs) in step with src/ for the tests, without paying for a build
// when nothing changed. dist/.build-inputs holds a hash of everything the build reads; `npm run build`
// writes it (`--write`), and vitest's globalSetup (test/global-setup.ts) runs this script with no
// argument: same hash and the bundle present -> nothing to do; otherwise `npm run build`. So
// `npx vitest run test/cli/x.test.ts` after an edit tests the edit, and `npm test` builds at most once.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const STAMP = path.join(ROOT, 'dist', '.build-inputs');
/** What `npm run build` reads: the sources, the compiler and bundler settings, and the locked dependency versions. */
const INPUTS = ['src', 'tsconfig.json', 'rolldown.config.mjs', 'package.json', 'npm-shrinkwrap.json'];
/** What the tests run: without these the stamp alone proves nothing (a `rm -rf dist/bundle`). */
const OUTPUTS = ['dist/bundle/main.js'];

function files(rel) {
  const abs = path.join(ROOT, rel);
  if (!existsSync(abs)) return [];
  const entries = readdirSync(abs, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => path.relative(ROOT, path.join(e.parentPath, e.name)));
}

function inputsHash() {
  const hash = createHash('sha256');
  for (const rel of INPUTS.flatMap((i) => (i.includes('.') ? [i] : files(i))).sort()) {
    // Name and content: a renamed or deleted source file changes the build too.
    hash.update(`${rel}\0`);
    hash.update(existsSync(path.join(ROOT, rel)) ? readFileSync(path.join(ROOT, rel)) : '(absent)');
    hash.update('\0');
  }
  return hash.digest('hex');
}

function current() {
  if (!OUTPUTS.every((o) => existsSync(path.join(ROOT, o)))) return false;
  try {
    return readFileSync(STAMP, 'utf8').trim() === inputsHash();
  } catch {
    return false;
  }
}

if (process.argv[2] === '--write') {
  writeFileSync(STAMP, `${inputsHash()}\n`);
} else if (!current()) {
  console.error('build: src/ changed since dist/ was built (or no build yet): npm run build');
  const result = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 2, 2] });
  if (result.status !== 0) {
    console.error(`build: npm run build failed (${result.error ? result.error.message : `exit ${result.status}`})`);
    process.exit(1);
  }
}
