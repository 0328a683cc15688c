/**
 * Where the installed OpenClaw keeps its own gateway client, and a Node that release accepts. The probe runs the
 * release's `callGateway` (src/gateway/call.ts in OpenClaw), so the handshake is always the one this release
 * speaks: our own reimplementation would agree with our knowledge table, not with the gateway.
 */
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { detectInstalledVersion, onPath } from '../core/installed-version.js';
import { execRunner } from '../core/runner.js';
import type { Snapshot } from '../core/model.js';

export interface ReleaseClient {
  version: string;
  pkgDir: string;
  /** The dist chunk that defines `callGateway`, and the (minified) name it is exported under. */
  module: string;
  exportName: string;
  /** The release's own least-privilege scope resolver, when the chunk exports it (2.19 does): what `send` asks. */
  scopesExportName: string | null;
  nodeBin: string;
  nodeVersion: string;
}

/** Dist chunks are a few hundred KB; a file far bigger than that is not the one we look for. */
const MAX_CHUNK_BYTES = 8 * 1024 * 1024;

export class CannotProbe extends Error {}

/** The package the version came from: the snapshot's when it was read from a package, else the installed one. */
async function installedPackage(snapshot: Snapshot, env: NodeJS.ProcessEnv): Promise<{ version: string; pkgDir: string }> {
  const v = snapshot.version.source === 'package' && snapshot.version.where ? snapshot.version : await detectInstalledVersion(env, snapshot.location.home, snapshot.location.profile);
  if (v.source !== 'package' || !v.where || !v.version) {
    throw new CannotProbe(v.source === 'cli' ? `openclaw answers ${v.version} but its package directory was not found, so its client code cannot be run` : 'no installed OpenClaw package was found (service unit, PATH, global npm roots), so its client code cannot be run');
  }
  return { version: v.version, pkgDir: path.dirname(v.where) };
}

function regularSmallFile(file: string): boolean {
  try {
    const st = lstatSync(file);
    return st.isFile() && st.size <= MAX_CHUNK_BYTES;
  } catch {
    return false;
  }
}

/**
 * The chunk names are hashed (dist/call-<hash>.js on 2.x, .mjs on 9.x) and the export alias is minified
 * (`callGateway as n`): find the file that defines it and read the alias off its export statement. Top-level
 * call-* files first: 9.6 also carries copies in dist/worker/ and dist/native-hook-relay/.
 */
export function findCallGateway(pkgDir: string): { module: string; exportName: string; scopesExportName: string | null } | null {
  const dist = path.join(pkgDir, 'dist');
  const list = (dir: string) => {
    try {
      return readdirSync(dir).filter((n) => /\.m?js$/.test(n)).map((n) => path.join(dir, n));
    } catch {
      return [];
    }
  };
  const top = list(dist);
  const isCall = (f: string) => /^call[-.]/.test(path.basename(f));
  // 2026.1.x ships tsc output, not bundles: the function lives in dist/gateway/call.js, exported by name.
  const candidates = [path.join(dist, 'gateway', 'call.js'), ...top.filter(isCall), ...top.filter((f) => !isCall(f))];
  for (const file of candidates) {
    if (!regularSmallFile(file)) continue;
    const src = readFileSync(file, 'utf8');
    if (!/async function callGateway\(/.test(src)) continue;
    const alias = (name: string): string | null => {
      for (const m of src.matchAll(/export\s*\{([^}]*)\}/g)) {
        for (const part of m[1]!.split(',')) {
          const pm = new RegExp(`^\\s*${name}(?:\\s+as\\s+([\\w$]+))?\\s*$`).exec(part);
          if (pm) return pm[1] ?? name;
        }
      }
      return null;
    };
    const exportName = /export\s+async\s+function\s+callGateway\(/.test(src) ? 'callGateway' : alias('callGateway');
    if (exportName) return { module: file, exportName, scopesExportName: alias('resolveLeastPrivilegeOperatorScopesForMethod') };
  }
  return null;
}

/** `>=22.12.0`, `>=22.22.3 <23 || >=24.15.0 <25`: the forms OpenClaw's engines.node uses. Unknown forms: accepted. */
export function satisfiesEngines(version: string, range: string | undefined): boolean {
  if (!range?.trim()) return true;
  const v = parseTriple(version);
  if (!v) return false;
  return range.split('||').some((alt) =>
    alt
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .every((cond) => {
        const m = /^(>=|<=|>|<|=|\^|~)?v?(\d+(?:\.\d+){0,2})/.exec(cond);
        if (!m) return true;
        const want = parseTriple(m[2]!)!;
        const c = compare(v, want);
        switch (m[1]) {
          case '>=':
            return c >= 0;
          case '>':
            return c > 0;
          case '<':
            return c < 0;
          case '<=':
            return c <= 0;
          case '^':
            return c >= 0 && v[0] === want[0];
          case '~':
            return c >= 0 && v[0] === want[0] && v[1] === want[1];
          default:
            return c === 0;
        }
      }),
  );
}

function parseTriple(s: string): [number, number, number] | null {
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(s.trim());
  return m ? [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)] : null;
}

function compare(a: [number, number, number], b: [number, number, number]): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/** A Node the release's engines accept: `node` on PATH (what runs the installed CLI), then the one running us. */
async function pickNode(engines: string | undefined, env: NodeJS.ProcessEnv): Promise<{ bin: string; version: string }> {
  const tried: string[] = [];
  const onPathNode = onPath('node', env);
  const candidates: Array<{ bin: string; version: () => Promise<string | null> }> = [];
  if (onPathNode) {
    candidates.push({
      bin: onPathNode,
      version: async () => {
        const answer = await execRunner(onPathNode, ['--version'], { timeoutMs: 5000 });
        return answer.code === 0 ? answer.stdout.trim() : null;
      },
    });
  }
  candidates.push({ bin: process.execPath, version: async () => process.version });
  for (const c of candidates) {
    const version = await c.version();
    if (version && satisfiesEngines(version, engines)) return { bin: c.bin, version };
    tried.push(`${c.bin} ${version ?? '(did not run)'}`);
  }
  throw new CannotProbe(`the release needs Node ${engines} and none was found (tried ${tried.join(', ')})`);
}

export async function locateReleaseClient(snapshot: Snapshot, env: NodeJS.ProcessEnv): Promise<ReleaseClient> {
  const { version, pkgDir } = await installedPackage(snapshot, env);
  const found = findCallGateway(pkgDir);
  if (!found) throw new CannotProbe(`no dist chunk of ${pkgDir} defines callGateway (the release's client code moved)`);
  let engines: string | undefined;
  try {
    const pkg = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as { engines?: { node?: unknown } };
    engines = typeof pkg.engines?.node === 'string' ? pkg.engines.node : undefined;
  } catch {
    engines = undefined;
  }
  const node = await pickNode(engines, env);
  return { version, pkgDir, ...found, nodeBin: node.bin, nodeVersion: node.version };
}
