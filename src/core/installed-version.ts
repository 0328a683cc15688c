/**
 * Which OpenClaw release judges this state. Found without running the slow CLI (~1 s): the service
 * unit's ExecStart, then `openclaw` on PATH, then the usual global roots; `openclaw --version` last.
 */
import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import type { InstalledVersion } from './model.js';
import { execRunner, type Runner } from './runner.js';
import { systemdUnitDir, systemdUnitName } from './service-names.js';
import { parseUnit } from './systemd-unit.js';
import { parseVersion } from './version.js';
import { readSmallText } from './bounded-read.js';

function readPackageVersion(dir: string): string | null {
  try {
    const pkg = JSON.parse(readSmallText(path.join(dir, 'package.json')) ?? '') as { name?: unknown; version?: unknown };
    return pkg.name === 'openclaw' && typeof pkg.version === 'string' ? pkg.version : null;
  } catch {
    return null;
  }
}

/** Walks up from a file inside the package to the `openclaw` package.json. */
function packageVersionAbove(file: string): { version: string; where: string } | null {
  let dir = path.dirname(file);
  for (let i = 0; i < 8; i++) {
    const version = readPackageVersion(dir);
    if (version) return { version, where: path.join(dir, 'package.json') };
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return null;
}

function unitCandidates(home: string, profile: string | undefined, env: NodeJS.ProcessEnv): string[] {
  const name = systemdUnitName(profile, env);
  return [path.join(systemdUnitDir('user', env, home), name), path.join(systemdUnitDir('system', env, home), name)];
}

/** The OpenClaw entry file named by a systemd unit's ExecStart (`<node> <…/openclaw/dist/entry.js> gateway`). */
function entryFromUnit(unitPath: string): string | null {
  try {
    const text = readSmallText(unitPath);
    if (text === undefined) return null;
    return parseUnit(text).execStart.find((w) => /openclaw/.test(w) && !/node$/.test(w) && existsSync(w)) ?? null;
  } catch {
    return null;
  }
}

export function onPath(command: string, env: NodeJS.ProcessEnv): string | null {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, command);
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

export async function detectInstalledVersion(env: NodeJS.ProcessEnv, home: string, profile?: string, run: Runner = execRunner): Promise<InstalledVersion> {
  for (const unit of unitCandidates(home, profile, env)) {
    const entry = entryFromUnit(unit);
    const found = entry ? packageVersionAbove(realpathSafe(entry)) : null;
    if (found) return { version: found.version, source: 'package', where: found.where };
  }
  const bin = onPath('openclaw', env);
  if (bin) {
    const found = packageVersionAbove(realpathSafe(bin));
    if (found) return { version: found.version, source: 'package', where: found.where };
  }
  const roots = [
    env.npm_config_prefix ? path.join(env.npm_config_prefix, 'lib', 'node_modules') : '',
    path.join(home, '.npm-global', 'lib', 'node_modules'),
    '/usr/local/lib/node_modules',
    '/usr/lib/node_modules',
    '/opt/homebrew/lib/node_modules',
  ].filter(Boolean);
  for (const root of roots) {
    const version = readPackageVersion(path.join(root, 'openclaw'));
    if (version) return { version, source: 'package', where: path.join(root, 'openclaw', 'package.json') };
  }
  if (bin) {
    const answer = await run(bin, ['--version'], { timeoutMs: 8000, env });
    const parsed = answer.code === 0 ? parseVersion(answer.stdout) : null;
    if (parsed) return { version: parsed.raw, source: 'cli', where: `${bin} --version` };
  }
  // "unknown": the strictest rules apply and the report says so.
  return { version: null, source: 'none' };
}

function realpathSafe(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}
