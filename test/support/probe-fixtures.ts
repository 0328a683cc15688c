/**
 * Hand-built probe inputs for the unit tests that judge a probe without a gateway: what doctor predicted for a
 * client, what the gateway answered that client, the probe's report and the diagnosis it is compared with.
 */
import type { Diagnosis } from '../../src/core/diagnose.js';
import type { ClientVerdict, Finding } from '../../src/core/model.js';
import type { ProbeClientResult, ProbeReport } from '../../src/probe/probe.js';

type Client = ClientVerdict['client'];

/** The CLI connects as client id `cli`; the gateway's own calls as `gateway-client`. */
const clientIdOf = (client: Client) => (client.startsWith('cli') ? 'cli' : 'gateway-client');

/** doctor's prediction for one client: an allowed client is paired, a refused one asks for a scope upgrade. */
export const predicted = (client: Client, verdict: ClientVerdict['verdict'] = 'allowed'): ClientVerdict => ({
  client,
  clientId: clientIdOf(client),
  clientMode: 'x',
  method: 'm',
  requests: [],
  auth: 'token',
  verdict,
  reason: verdict === 'allowed' ? 'paired' : 'scope-upgrade',
  why: verdict === 'allowed' ? { id: 'paired', args: {} } : { id: 'scope-upgrade', args: { missing: [] } },
  missing: [],
});

/** The gateway's answer to one client's connect: a refusal is the 1008 "pairing required" close. */
export const answer = (client: Client, outcome: ProbeClientResult['outcome']): ProbeClientResult => ({
  client,
  clientId: clientIdOf(client),
  clientMode: 'x',
  asked: null,
  outcome,
  closeCode: outcome === 'refused' ? 1008 : null,
  reason: outcome === 'refused' ? 'pairing required' : null,
  refusal: outcome === 'refused' ? 'pairing-required' : null,
  requestId: null,
  requestCreated: false,
  afterConnect: null,
  ms: 3,
  firstRefusal: null,
});

/** A probe that ran and got these answers, or, given why, one that could not run. */
export const probeReport = (clients: ProbeClientResult[], cannot: string | null = null): ProbeReport => ({
  ran: !cannot,
  cannot,
  release: null,
  clients,
  requests: { created: [], removed: [], kept: [], problem: null },
  storeChanges: [],
  ms: 9,
});

export const diagnosisOf = (clients: ClientVerdict[], findings: Finding[] = []): Diagnosis => {
  const summary = { error: 0, warning: 0, info: 0 };
  for (const f of findings) summary[f.severity]++;
  return { clients, findings, summary, commandArgs: [] };
};
