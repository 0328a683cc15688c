/**
 * The knowledge table against the measurements (issue 20): every cell the sweep recorded on a REAL gateway
 * (test/oracle/<release>.json, written by `npm run sweep`) is predicted from the table through the product's own
 * pipeline and must agree, verdict and reason (how the real reason is read: test/oracle-helpers.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MEASURED_RELEASES } from '../../src/core/knowledge.js';
import { agrees, docLabel, ORACLE_DIR, oracleDocs, predictCell, realOutcome, removeOracleStates } from '../oracle-helpers.js';

afterAll(removeOracleStates);

const DOCS = oracleDocs();

describe('the sweep data itself', () => {
  it('covers the releases the table says were measured, each with >= 10 states and every client class', () => {
    expect([...new Set(DOCS.map((d) => d.release))].sort()).toEqual(Object.keys(MEASURED_RELEASES).sort());
    for (const doc of DOCS) {
      expect(new Set(doc.cells.map((c) => c.state)).size, doc.release).toBeGreaterThanOrEqual(10);
      expect(new Set(doc.cells.map((c) => c.client)), doc.release).toEqual(new Set(['internal-write', 'internal-read', 'cli-read', 'cli-write', 'cli-admin']));
      expect(MEASURED_RELEASES[doc.release], doc.release).toBe(doc.measuredAt.slice(0, 10));
    }
  });

  it('holds no secret: no token value, no private key', () => {
    // Every data file, also any under a sub-directory (measured, not yet matched by the table).
    const files = readdirSync(ORACLE_DIR, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    expect(files.length).toBeGreaterThan(0);
    for (const e of files) {
      const f = path.relative(ORACLE_DIR, path.join(e.parentPath, e.name));
      const text = readFileSync(path.join(ORACLE_DIR, f), 'utf8');
      expect(text, f).not.toMatch(/PRIVATE KEY|"token":|e2e-[a-z0-9]{16,}|sweep-[a-z0-9]+-[a-z0-9]+/);
    }
  });
});

describe.each(DOCS.map((d) => [docLabel(d), d] as const))('knowledge table = real gateway %s', (_release, doc) => {
  it(`predicts all ${doc.cells.length} measured cells`, async () => {
    const mismatches: string[] = [];
    for (const cell of doc.cells) {
      const real = realOutcome(doc, cell);
      const predicted = await predictCell(doc, cell);
      if (!agrees(predicted, real)) {
        mismatches.push(`${cell.state} ${cell.client}: predicted ${predicted.verdict}/${predicted.reason}, real ${real.verdict}/${real.reason} [${cell.log.join(' || ').slice(0, 300)}]`);
      }
      // A refusal is a loop only if the retry (same client, nothing reset) is refused too: recorded since 1.30's sweep.
      if (cell.retry && cell.retry.allowed !== (predicted.healsOnRetry === true)) {
        mismatches.push(`${cell.state} ${cell.client} retry: predicted ${predicted.healsOnRetry ? 'let in' : 'refused again'}, real ${cell.retry.allowed ? 'let in' : 'refused again'} (${cell.retry.clientSaid.slice(0, 120)})`);
      }
    }
    expect(mismatches).toEqual([]);
  });
});
