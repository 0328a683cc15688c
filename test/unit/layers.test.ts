// The pure domain (model, release knowledge, clients, rules, plan, failure modes) decides from a snapshot: it never
// reads or writes anything itself (everything it judges comes in through the snapshot) and says nothing itself (the
// sentences are the reporters', src/report/; issue 19 part 3). docs/architecture.md. This walks the imports of those
// modules, transitively, and fails on any that reaches an I/O module or a reporter or wording module.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../runtime.js';

const SRC = path.join(ROOT, 'src');
const PURE = ['core/model.ts', 'core/knowledge.ts', 'core/clients.ts', 'repair/plan.ts', 'explain/modes.ts', 'rules'];
/** The domain that must say nothing: the pure modules plus the diagnosis and the findings registry. */
const SILENT = [...PURE, 'core/diagnose.ts', 'core/findings.ts'];
/** Modules that touch the file system, processes, the network or the terminal. */
const IO = new Set(['fs', 'fs/promises', 'child_process', 'net', 'dgram', 'http', 'https', 'http2', 'sqlite', 'readline', 'tty', 'worker_threads', 'os', 'fs-extra']);
const REPORT = path.join(SRC, 'report') + path.sep;

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'";]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s+['"]([^'"]+)['"]/g;

function filesUnder(rel: string): string[] {
  const abs = path.join(SRC, rel);
  if (!statSync(abs).isDirectory()) return [abs];
  return readdirSync(abs, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).map((f) => path.join(abs, f));
}

/** Every module reachable from `roots` by relative imports, each as the chain "a -> b -> c", and the packages each imports. */
function walk(roots: string[]): { modules: Map<string, string>; packages: Array<{ chain: string; spec: string }> } {
  const via = new Map<string, string | null>();
  const modules = new Map<string, string>();
  const packages: Array<{ chain: string; spec: string }> = [];
  const chain = (file: string): string => {
    const names: string[] = [];
    for (let f: string | null = file; f; f = via.get(f) ?? null) names.unshift(path.relative(SRC, f));
    return names.join(' -> ');
  };
  const visit = (file: string, from: string | null) => {
    if (via.has(file)) return;
    via.set(file, from);
    modules.set(file, chain(file));
    for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const spec = (m[1] ?? m[2] ?? m[3])!;
      if (spec.startsWith('.')) visit(path.join(path.dirname(file), spec).replace(/\.js$/, '.ts'), file);
      else packages.push({ chain: chain(file), spec });
    }
  };
  for (const root of roots) visit(root, null);
  return { modules, packages };
}

/** Every I/O import reachable from `roots`, as "importer -> module" with the chain that reaches it. */
function ioReachable(roots: string[]): string[] {
  return walk(roots).packages.filter((p) => IO.has(p.spec.replace(/^node:/, ''))).map((p) => `${p.chain} imports ${p.spec}`);
}

/** Every reporter module reachable from `roots`, as "a -> b -> report/...". */
function reportersReachable(roots: string[]): string[] {
  return [...walk(roots).modules].filter(([file]) => file.startsWith(REPORT)).map(([, chain]) => chain);
}

describe('layers', () => {
  it('the pure domain never imports I/O, directly or through another module', () => {
    const roots = PURE.flatMap(filesUnder);
    expect(roots.length).toBeGreaterThan(PURE.length);
    expect(ioReachable(roots)).toEqual([]);
  });

  it('the walk finds an I/O import where there is one (the state reader)', () => {
    expect(ioReachable([path.join(SRC, 'core/snapshot.ts')]).join('\n')).toMatch(/imports node:fs/);
  });
});

describe('the domain says nothing', () => {
  it('no pure domain module imports a reporter or a wording module, directly or through another module', () => {
    const roots = SILENT.flatMap(filesUnder);
    expect(roots.length).toBeGreaterThan(SILENT.length);
    expect(reportersReachable(roots)).toEqual([]);
  });

  it('the walk finds a reporter where there is one (a command)', () => {
    expect(reportersReachable([path.join(SRC, 'commands/doctor.ts')]).join('\n')).toMatch(/report\//);
  });
});
