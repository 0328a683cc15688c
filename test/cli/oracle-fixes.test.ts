/**
 * Every fix line doctor prints clears the finding it is printed under (issue 20), on the host states the sweep
 * measured: for each measured release and state, doctor runs on that state; each openclaw-fix command it prints as a
 * fix is run as printed (plus --yes --no-restart: no terminal, no service here); doctor then must not report that
 * finding for that device again. Findings whose fix is a manual step (no command) are skipped, and counted.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { docLabel, oracleDocs, removeOracleStates, stateFor, type OracleDoc } from '../oracle-helpers.js';
import { parseJson, runCli } from '../helpers.js';

interface Finding {
  id: string;
  severity: string;
  deviceId: string | null;
  fix: { command?: string } | null;
}

function doctor(dir: string, version: string): { code: number; findings: Finding[] } {
  const r = runCli(['doctor', '--state-dir', dir, '--openclaw-version', version, '--no-logs', '--json']);
  return { code: r.code, findings: parseJson<{ findings: Finding[] }>(r.stdout).findings };
}

/** One state per name (the first cell's "before": the state as written, before any client ran). */
function states(doc: OracleDoc) {
  const seen = new Set<string>();
  return doc.cells.filter((c) => (seen.has(c.state) ? false : (seen.add(c.state), true)));
}

afterAll(removeOracleStates);

describe.each(oracleDocs().map((d) => [docLabel(d), d] as const))('fix lines on the measured states of %s', (_r, doc) => {
  it('each printed openclaw-fix command clears its finding', async () => {
    const failures: string[] = [];
    let ran = 0;
    for (const cell of states(doc)) {
      const dir = await stateFor(doc, cell);
      const before = doctor(dir, doc.release);
      for (const f of before.findings.filter((x) => x.severity !== 'info' && x.fix?.command?.startsWith('openclaw-fix '))) {
        const fresh = await stateFor(doc, cell);
        const argv = f.fix!.command!.split(/\s+/).slice(1).map((a) => (a === dir ? fresh : a));
        const r = runCli([...argv, '--yes', '--no-restart']);
        ran++;
        const after = doctor(fresh, doc.release);
        if (after.findings.some((x) => x.id === f.id && x.deviceId === f.deviceId && x.severity !== 'info')) {
          failures.push(`${cell.state}: \`${f.fix!.command}\` (exit ${r.code}) left ${f.id}: ${r.stdout.split('\n').slice(0, 3).join(' / ')}`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(ran, 'no fix command ran: the measured states should produce at least one').toBeGreaterThan(0);
  }, 180_000);
});
