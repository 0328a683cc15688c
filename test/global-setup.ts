/**
 * Runs once before the unit and CLI tests (vitest.config.ts globalSetup):
 * 1. builds dist/ when src/ changed since the last build (scripts/build-if-stale.mjs), so the spawned-binary
 *    tests run the code under test, not yesterday's bundle;
 * 2. as root, puts a copy of what the CLI runs (launcher, bundle, package.json, the test entry and, when it cannot be reached
 *    where it is, the node binary) where uid 65534 can execute it. Tests that run the CLI as another user
 *    (runCli's `uid`) use that copy: a clone under root's 0700 home, or under a `mktemp -d` parent, is
 *    invisible to that user, and those tests check permissions, not where the clone lives.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, linkSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { NOBODY, ROOT, RUNTIME_FILES, type OtherUserRuntime } from './runtime.js';

export default function setup(project: TestProject): () => void {
  execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build-if-stale.mjs')], { stdio: 'inherit' });
  if (process.getuid?.() !== 0) return () => {};
  const runtime = otherUserRuntime();
  project.provide('otherUserRuntime', runtime);
  return () => rmSync(runtime.dir, { recursive: true, force: true });
}

/** Runs `node -e ''` as nobody: true when that user can reach and execute this node where it is. */
function nobodyCanRun(node: string): boolean {
  return spawnSync(node, ['-e', ''], { uid: NOBODY, gid: NOBODY, cwd: '/', timeout: 60_000 }).status === 0;
}

function otherUserRuntime(): OtherUserRuntime {
  // A private build (OPENCLAW_FIX_TEST_BIN, e.g. a copy made while dist/ is being rebuilt) is the one copied.
  const source = process.env.OPENCLAW_FIX_TEST_BIN ? path.resolve(path.dirname(process.env.OPENCLAW_FIX_TEST_BIN), '..') : ROOT;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ocf-runtime-'));
  chmodSync(dir, 0o755);
  for (const rel of RUNTIME_FILES) cpSync(path.join(source, rel), path.join(dir, rel), { recursive: true });
  let node = process.execPath;
  if (!nobodyCanRun(node)) {
    // The pinned node dev dependency lives in the clone (node_modules/node). A hard link shares the 120 MB
    // when /tmp is on the same file system; otherwise a copy.
    node = path.join(dir, 'node', 'bin', 'node');
    mkdirSync(path.dirname(node), { recursive: true });
    try {
      linkSync(process.execPath, node);
    } catch {
      copyFileSync(process.execPath, node);
    }
    chmodSync(node, 0o755);
  }
  // Every file the copy holds readable, every directory enterable, by anyone (cpSync keeps the clone's modes).
  execFileSync('chmod', ['-R', 'a+rX', dir]);
  const runtime: OtherUserRuntime = { dir, node, bin: path.join(dir, 'bin', 'openclaw-fix.js'), hookedBin: path.join(dir, 'test', 'support', 'hooked-cli.mjs') };
  const probe = spawnSync(node, [runtime.hookedBin, '--version'], { uid: NOBODY, gid: NOBODY, cwd: '/', encoding: 'utf8', timeout: 60_000 });
  if (probe.status !== 0) {
    throw new Error(`uid ${NOBODY} cannot run the copied CLI in ${dir}: ${probe.error?.message ?? `exit ${probe.status}`} ${probe.stderr ?? ''}`);
  }
  return runtime;
}
