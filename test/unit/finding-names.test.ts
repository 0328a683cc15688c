/**
 * One name per failure mode: the mode's first finding id in core/findings.ts is its rule's id, its rule file's
 * name (`src/rules/<mode>-<name>.ts`), the slug `explain` prints, and the name in the README's mode table. A
 * rename in one place and not the others fails here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FINDING_IDS, FINDINGS, modeName, type ModeId } from '../../src/core/findings.js';
import { explain } from '../../src/explain/index.js';
import { MODE_IDS } from '../../src/explain/modes.js';
import { RULES } from '../../src/rules/index.js';
import type { Rule } from '../../src/rules/types.js';
import { ROOT } from '../helpers.js';

const RULES_DIR = path.join(ROOT, 'src', 'rules');
/** Helpers shared by the rules, not rules. */
const HELPERS = new Set(['family.ts', 'index.ts', 'official-fix.ts', 'text.ts', 'types.ts']);

function expectedFile(rule: Rule): string {
  const mode = FINDINGS[rule.id].mode;
  return `${mode ? `${mode.toLowerCase()}-` : ''}${rule.id}.ts`;
}

describe('one name per failure mode', () => {
  it('every rule lives in the file its id (and mode) names, and every rule file holds one rule', async () => {
    const files = readdirSync(RULES_DIR).filter((f) => f.endsWith('.ts') && !HELPERS.has(f));
    const byFile = new Map<string, Rule[]>();
    for (const file of files) {
      const module = (await import(path.join(RULES_DIR, file))) as Record<string, unknown>;
      byFile.set(file, Object.values(module).filter((v): v is Rule => typeof v === 'object' && v !== null && 'detect' in v));
    }
    for (const [file, rules] of byFile) {
      expect(rules.length, file).toBe(1);
      expect(file, `rule ${rules[0]!.id}`).toBe(expectedFile(rules[0]!));
    }
    expect(RULES.map(expectedFile).sort()).toEqual(files.sort());
  });

  it("each mode's name is a rule id, and explain names the mode by it", () => {
    const ruleIds = new Set(RULES.map((r) => r.id));
    for (const mode of MODE_IDS) {
      expect(ruleIds.has(modeName(mode)), mode).toBe(true);
    }
    // explain's slug, on a paste that names the seed loop.
    const seed = explain('gateway closed (1008): pairing required\nscope upgrade requested client=gateway-client scopes=operator.write');
    const m01 = seed.modes.find((m) => m.mode === 'M01');
    expect(m01?.slug).toBe('service-device-missing-write');
    for (const m of seed.modes) expect(m.slug).toBe(modeName(m.mode));
  });

  it('every rule id is a finding id, and each catalog mode has exactly one rule named after it', () => {
    const named = new Map<ModeId, number>();
    for (const rule of RULES) {
      expect(FINDING_IDS).toContain(rule.id);
      const mode = FINDINGS[rule.id].mode;
      if (mode && modeName(mode) === rule.id) named.set(mode, (named.get(mode) ?? 0) + 1);
    }
    expect([...named.keys()].sort()).toEqual([...MODE_IDS].sort());
    expect([...named.values()].every((n) => n === 1)).toBe(true);
  });

  it("the README's mode table uses the same names, and lists every finding of each mode", () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    for (const mode of MODE_IDS) {
      const row = readme.split('\n').find((l) => l.startsWith(`| ${mode} |`));
      expect(row, mode).toBeDefined();
      const cells = row!.split('|').map((c) => c.trim());
      expect(cells[2], mode).toBe(`\`${modeName(mode)}\``);
      const listed = [...cells[3]!.matchAll(/`([a-z0-9-]+)`/g)].map((m) => m[1]);
      expect(listed.sort(), mode).toEqual(FINDING_IDS.filter((id) => FINDINGS[id].mode === mode).sort());
    }
  });
});

describe('the documented finding ids', () => {
  it('docs/json-schema.md lists every finding id under its mode, and nothing else', () => {
    const doc = readFileSync(path.join(ROOT, 'docs', 'json-schema.md'), 'utf8');
    const section = doc.slice(doc.indexOf('### Finding ids'), doc.indexOf('The `probe-*` ids'));
    const rows = section.split('\n').filter((l) => /^\| (M\d+|L\d|\(none\)) \|/.test(l));
    const listed = rows.flatMap((row) => {
      const [, mode, ids] = row.split('|').map((c) => c.trim());
      return [...ids!.matchAll(/`([a-z0-9-]+)`/g)].map((m) => [m[1], mode === '(none)' ? null : mode]);
    });
    expect(Object.fromEntries(listed)).toEqual(Object.fromEntries(FINDING_IDS.map((id) => [id, FINDINGS[id].mode])));
    expect(listed.length).toBe(FINDING_IDS.length);
  });
});
