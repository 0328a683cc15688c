// Every client doctor predicts gets the gateway's answer or a stated reason why it was not asked (never a silent
// null): where the release's CLI asks its default scopes for every command, the commands' connect is the `cli`
// connect; where each command asks its own (5.28 up to 8.0), the reading command is a connect of its own.
import { describe, expect, it } from 'vitest';
import type { Snapshot } from '../../src/core/model.js';
import { knowledgeForString as releaseFor } from '../../src/core/knowledge.js';
import { probeClients } from '../../src/probe/probe.js';
import { compareClients, probeJson, withProbe } from '../../src/probe/verdict.js';
import { answer, diagnosisOf, predicted, probeReport } from '../support/probe-fixtures.js';

const COMMANDS = ['cli-read', 'cli-write', 'cli-admin'] as const;

describe('which connects the probe makes', () => {
  it('a reading CLI command is its own connect only where each command asks its own scopes', () => {
    const kinds = (v: string) => probeClients({ release: releaseFor(v) } as Snapshot).map((c) => c.client);
    expect(kinds('2026.2.19')).toEqual(['cli', 'internal-write', 'internal-read']);
    expect(kinds('2026.6.34')).toEqual(['cli', 'internal-write', 'internal-read', 'cli-read']);
    const read = probeClients({ release: releaseFor('2026.6.34') } as Snapshot).find((c) => c.client === 'cli-read')!;
    expect(read.driver).toMatchObject({ opts: { clientName: 'cli', mode: 'cli', scopes: ['operator.read'] }, scopesFor: 'cron.list' });
  });
});

describe('compareClients', () => {
  it("the CLI's default scopes for every command: the cli connect answers for each command, and says so", () => {
    const rows = compareClients(diagnosisOf([predicted('cli'), predicted('internal-write'), predicted('internal-read'), ...COMMANDS.map((c) => predicted(c))]), probeReport([answer('cli', 'refused'), answer('internal-write', 'accepted'), answer('internal-read', 'accepted')]));
    for (const c of COMMANDS) expect(rows.find((r) => r.client === c)).toMatchObject({ real: { client: 'cli', outcome: 'refused' }, sameAs: 'cli', notProbed: null, agree: false });
    // One disagreement finding, on the cli row, not one per command.
    const snapshot = { identity: { deviceId: 'h' }, version: { version: '2026.2.19' }, release: { id: '2.19' } } as unknown as Snapshot;
    const judged = withProbe(snapshot, diagnosisOf([predicted('cli'), ...COMMANDS.map((c) => predicted(c))]), probeReport([answer('cli', 'refused')]));
    expect(judged.diagnosis.findings.filter((f) => f.id === 'probe-disagrees')).toHaveLength(1);
  });

  it('each command its own scopes: cli-read is answered by its own connect; write and admin say why they were not asked', () => {
    const rows = compareClients(diagnosisOf([predicted('internal-write'), predicted('internal-read'), ...COMMANDS.map((c) => predicted(c))]), probeReport([answer('internal-write', 'accepted'), answer('internal-read', 'accepted'), answer('cli-read', 'accepted')]));
    expect(rows.find((r) => r.client === 'cli-read')).toMatchObject({ real: { client: 'cli-read', outcome: 'accepted' }, sameAs: null, notProbed: null, agree: true });
    for (const c of ['cli-write', 'cli-admin'] as const) {
      const row = rows.find((r) => r.client === c)!;
      expect(row.real).toBeNull();
      expect(row.notProbed).toMatch(/connects as the CLI only to read/);
    }
    const json = probeJson(probeReport([]), rows, 'accepted', 'healthy');
    for (const c of json.clients) expect(c.real !== null || typeof c.notProbed === 'string').toBe(true);
  });

  it('a probe that could not run says so on every row', () => {
    const rows = compareClients(diagnosisOf([predicted('cli'), predicted('cli-read')]), probeReport([], 'no gateway answers on 127.0.0.1:1'));
    for (const r of rows) expect(r.notProbed).toBe('cannot probe: no gateway answers on 127.0.0.1:1');
  });
});
