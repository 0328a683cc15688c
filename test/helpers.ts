/** Test helpers: real temp dirs, real fixture copies, and the built CLI spawned as a user would run it. */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { chmodSync, cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inject, onTestFinished } from 'vitest';
import { ROOT } from './runtime.js';

export { ROOT };
/** The launcher a user runs. */
export const BIN = path.join(ROOT, 'bin', 'openclaw-fix.js');
/**
 * The same launcher behind the test entry that sets the hooks from OPENCLAW_FIX_TEST_* (test/support/test-hooks.mjs;
 * the shipped bin ignores them): what runCli runs unless a test asks for BIN itself.
 */
export const HOOKED_BIN = path.join(ROOT, 'test', 'support', 'hooked-cli.mjs');
export const FIXTURES = path.join(ROOT, 'fixtures', 'states');
/** A real 2026.2.19 state captured in the lab (plus demo.json naming its release): every clone runs the same tests. */
export const SAMPLE = path.join(ROOT, 'fixtures', 'demo');

export interface FixtureMeta {
  openclawVersion: string | null;
  expect: {
    exitCode: number;
    findings?: string[];
    absent?: string[];
    absentErrors?: boolean;
    infoIncludes?: string;
  };
  modes: Record<string, string>;
  secrets: string[];
}

/**
 * Only root can give a file to another user and run the CLI as them (uid 65534, runCli's `uid`). A permission
 * test that needs a file or directory someone else owns runs only as root (CI runs as root); one that needs
 * only a mode (a read-only directory, a mode-000 file) runs as whoever runs the suite, the same refusal.
 */
export const IS_ROOT = process.getuid?.() === 0;

export function tempDir(prefix = 'ocf-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function fixtureNames(): string[] {
  return readdirSync(FIXTURES).filter((n) => statSync(path.join(FIXTURES, n)).isDirectory()).sort();
}

export function fixtureMeta(name: string): FixtureMeta {
  return JSON.parse(readFileSync(path.join(FIXTURES, name, 'fixture.json'), 'utf8')) as FixtureMeta;
}

/** Every state file mode as OpenClaw leaves it (0600), except the ones a fixture sets on purpose. */
function applyStateModes(dir: string, modes: Record<string, string> = {}): void {
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) {
        chmodSync(p, 0o700);
        walk(p);
      } else if (entry.isFile() && entry.name !== 'fixture.json') {
        const rel = path.relative(dir, p);
        chmodSync(p, modes[rel] ? parseInt(modes[rel], 8) : 0o600);
      }
    }
  };
  chmodSync(dir, 0o700);
  walk(dir);
}

/** A private copy of a fixture (or any state dir) in a temp dir, with OpenClaw's file modes. */
export function copyState(source: string, modes?: Record<string, string>): string {
  const dir = path.join(tempDir(), 'state');
  cpSync(source, dir, { recursive: true });
  applyStateModes(dir, modes);
  return dir;
}

export function copyFixture(name: string): { dir: string; meta: FixtureMeta } {
  const meta = fixtureMeta(name);
  return { dir: copyState(path.join(FIXTURES, name), meta.modes), meta };
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The environment a user's shell would give the CLI: PATH, a temp HOME, a UTF-8 locale, plus the test's own. */
export function cliEnv(home: string, extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    LANG: 'C.UTF-8',
    // The gateway file log lives in /tmp/openclaw: the test entry points the CLI at an empty stand-in, so tests
    // never read this machine's logs.
    OPENCLAW_FIX_TEST_LOG_ROOT: path.join(home, '.no-tmp-logs'),
  };
  // A user whose temp dir is not /tmp has TMPDIR in their shell too (--demo copies the demo state there).
  if (process.env.TMPDIR) env.TMPDIR = process.env.TMPDIR;
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/**
 * Runs the built CLI with a scrubbed environment and a temp HOME, the way a user's shell would, through the test
 * entry (HOOKED_BIN) unless `bin` names another.
 */
export function runCli(args: string[], options: { env?: Record<string, string | undefined>; home?: string; input?: string; uid?: number; gid?: number; cwd?: string; bin?: string } = {}): CliResult {
  const home = options.home ?? tempDir('ocf-home-');
  const env = cliEnv(home, options.env);
  const spawnOptions: SpawnSyncOptions = { env, encoding: 'utf8', input: options.input ?? '', cwd: options.cwd ?? home, timeout: 240_000 };
  if (options.uid !== undefined) spawnOptions.uid = options.uid;
  if (options.gid !== undefined) spawnOptions.gid = options.gid;
  let node = process.execPath;
  let bin = options.bin ?? HOOKED_BIN;
  if (options.uid !== undefined && options.uid !== process.getuid?.()) {
    // Another user may not reach the clone (root's 0700 home): the copy globalSetup made for them.
    const runtime = inject('otherUserRuntime');
    if (!runtime) throw new Error(`running the CLI as uid ${options.uid} needs root (test/global-setup.ts makes its copy then)`);
    node = runtime.node;
    bin = bin === BIN ? runtime.bin : runtime.hookedBin;
  }
  const result = spawnSync(node, [bin, ...args], spawnOptions);
  return { code: result.status ?? -1, stdout: String(result.stdout ?? ''), stderr: String(result.stderr ?? '') };
}

export function parseJson<T = Record<string, unknown>>(text: string): T {
  return JSON.parse(text) as T;
}

/** Asserts no secret from a fixture appears anywhere in what the CLI printed. */
export function leakedSecrets(secrets: string[], ...outputs: string[]): string[] {
  const all = outputs.join('\n');
  return secrets.filter((s) => all.includes(s) || all.includes(s.slice(0, 24)));
}
