// Issue 19 part 3: the pure domain decides and says nothing; the sentences are the reporters' (src/report/). A domain
// module that imports a reporter or a wording module, directly or through another module, is on its way to writing
// a sentence itself: this walks the imports of the domain (as layers.test.ts does for I/O) and fails on any.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../runtime.js';

const SRC = path.join(ROOT, 'src');
const PURE = ['core/model.ts', 'core/knowledge.ts', 'core/clients.ts', 'core/diagnose.ts', 'core/findings.ts', 'repair/plan.ts', 'explain/modes.ts', 'rules'];
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'";]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s+['"]([^'"]+)['"]/g;
const REPORT = path.join(SRC, 'report') + path.sep;

function filesUnder(rel: string): string[] {
  const abs = path.join(SRC, rel);
  if (!statSync(abs).isDirectory()) return [abs];
  return readdirSync(abs, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).map((f) => path.join(abs, f));
}

/** Every reporter module reachable from `roots`, as "a -> b -> report/...". */
function reportersReachable(roots: string[]): string[] {
  const via = new Map<string, string | null>();
  const found: string[] = [];
  const chain = (file: string): string => {
    const names: string[] = [];
    for (let f: string | null = file; f; f = via.get(f) ?? null) names.unshift(path.relative(SRC, f));
    return names.join(' -> ');
  };
  const visit = (file: string, from: string | null) => {
    if (via.has(file)) return;
    via.set(file, from);
    if (file.startsWith(REPORT)) {
      found.push(chain(file));
      return;
    }
    for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const spec = (m[1] ?? m[2] ?? m[3])!;
      if (spec.startsWith('.')) visit(path.join(path.dirname(file), spec).replace(/\.js$/, '.ts'), file);
    }
  };
  for (const root of roots) visit(root, null);
  return found;
}

describe('the domain says nothing', () => {
  it('no pure domain module imports a reporter or a wording module, directly or through another module', () => {
    const roots = PURE.flatMap(filesUnder);
    expect(roots.length).toBeGreaterThan(PURE.length);
    expect(reportersReachable(roots)).toEqual([]);
  });

  it('the walk finds a reporter where there is one (a command)', () => {
    expect(reportersReachable([path.join(SRC, 'commands/doctor.ts')]).join('\n')).toMatch(/report\//);
  });
});
