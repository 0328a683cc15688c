/**
 * M08 on 2026.1.30 says the cause it found: a cached device token approved for less than the clients ask, or one
 * that is not the paired record's live token (revoked there, gone from it, another value). Only the first is
 * "approved for less"; each is named as it is, and with the shared token each says the connect is refused once.
 */
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { editJson, hostState, removeOracleStates } from '../oracle-helpers.js';
import { runMain } from '../in-process.js';
import { parseJson } from '../helpers.js';
import { renderFinding } from '../../src/report/render.js';
import type { ClientVerdict, Finding } from '../../src/core/model.js';

afterAll(removeOracleStates);

const BUNDLE = ['operator.admin', 'operator.approvals', 'operator.pairing'];
const NARROW = /approved for less than/;

/** The 1.30 host paired with `scopes` (its token the same, cached in identity/device-auth.json). */
const state = (scopes: string[]) => hostState('2026.1.30', scopes);

/** The host's paired operator token changed by hand: the cached copy is then no longer the record's live token. */
type Rec = { tokens?: { operator: Record<string, unknown> } };
const CAUSES: Record<string, (rec: Rec) => void> = {
  revoked: (rec) => {
    rec.tokens!.operator.revokedAtMs = Date.now();
  },
  gone: (rec) => {
    delete rec.tokens;
  },
  replaced: (rec) => {
    rec.tokens!.operator.token = 'another-device-token-value-0123456789';
  },
};
const TITLE: Record<string, RegExp> = {
  revoked: /cached device token is revoked in the device store/,
  gone: /cached device token is no longer in the device store/,
  replaced: /cached device token does not match the device store/,
};

interface Found {
  id: string;
  severity: string;
  title: string;
  impact?: string;
  evidence: string[];
}

async function m08(dir: string): Promise<{ code: number; finding: Found }> {
  const r = await runMain(['doctor', '--state-dir', dir, '--openclaw-version', '2026.1.30', '--no-logs', '--json']);
  const finding = parseJson<{ findings: Found[] }>(r.stdout).findings.find((f) => f.id === 'device-token-mismatch');
  expect(finding, r.stdout).toBeDefined();
  return { code: r.code, finding: finding! };
}

describe('M08 on 1.30: the title names the cause the store shows', () => {
  it('a cached token narrower than the bundle (shared token): refused once, "approved for less than the clients ask"; the evidence names what it lacks', async () => {
    const { code, finding } = await m08(await state(['operator.read']));
    expect(code).toBe(0);
    expect(finding.severity).toBe('warning');
    expect(finding.title).toMatch(/refused once: its cached device token is approved for less than the clients ask/);
    expect(finding.evidence[0]).toMatch(/the token lacks operator\.admin, operator\.approvals, operator\.pairing/);
  });

  it.each(Object.keys(CAUSES))('a cached token %s in the record (shared token): that cause and "refused once", never "approved for less"', async (cause) => {
    const dir = await state(BUNDLE);
    editJson(path.join(dir, 'devices', 'paired.json'), (store: Record<string, Rec>) => Object.values(store).forEach(CAUSES[cause]!));
    const { code, finding } = await m08(dir);
    expect(code).toBe(0);
    expect(finding.severity).toBe('warning');
    expect(finding.title).toMatch(TITLE[cause]!);
    expect(finding.title).toMatch(/its next gateway connect is refused once/);
    expect(finding.title).not.toMatch(NARROW);
    expect(finding.impact).toMatch(/fails once .* the retry with the shared token works\. Nothing loops\./);
  });

  it.each(Object.keys(CAUSES))('a cached token %s in the record without a shared token: that cause, an error, no "refused once"', async (cause) => {
    const dir = await state(BUNDLE);
    editJson(path.join(dir, 'openclaw.json'), (config) => {
      config.gateway.auth = {};
    });
    editJson(path.join(dir, 'devices', 'paired.json'), (store: Record<string, Rec>) => Object.values(store).forEach(CAUSES[cause]!));
    const { code, finding } = await m08(dir);
    expect(code).toBe(1);
    expect(finding.severity).toBe('error');
    expect(finding.title).toMatch(TITLE[cause]!);
    expect(finding.title).not.toMatch(/refused once|approved for less/);
  });
});

describe("M08's refused-once wording follows the clients' cause", () => {
  const client = (missing: string[]): ClientVerdict =>
    ({ client: 'cli-read', kind: 'cli', clientId: 'cli', clientMode: 'cli', method: '(CLI commands)', requests: BUNDLE, verdict: 'refused', reason: 'device-token-mismatch', missing, explanation: '', healsOnRetry: true }) as unknown as ClientVerdict;
  const words = (clients: ClientVerdict[]) => renderFinding({ id: 'device-token-mismatch', severity: 'warning', args: { kind: 'refused-once', clients } } as Finding, []);

  it('a token that is not the record\'s live one (no scope missing): says so, never "approved for less"', () => {
    const w = words([client([])]);
    expect(w.title).toBe("This host's next gateway connect is refused once: its cached device token is not the paired record's live token (replaced, revoked or gone)");
    expect(`${w.title} ${w.explanation}`).not.toMatch(NARROW);
    expect(w.explanation).not.toMatch(/approves the local upgrade/);
    expect(w.evidence[0]).toMatch(/not the record's live token/);
  });

  it('a narrower token: "approved for less than the clients ask"; both causes at once: both named', () => {
    expect(words([client(['operator.admin'])]).title).toMatch(/its cached device token is approved for less than the clients ask$/);
    const both = words([client([]), client(['operator.admin'])]);
    expect(both.title).toMatch(/not the paired record's live token, and is approved for less than some clients ask/);
  });
});
