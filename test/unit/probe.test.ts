// The probe's pure parts: reading the gateway's answer, the engines check that picks a Node, finding the
// release's client chunk, and how the real answer turns into findings and an exit code. The real connects are
// in test/e2e/probe.e2e.test.ts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Diagnosis } from '../../src/core/diagnose.js';
import type { Finding, Snapshot } from '../../src/core/model.js';
import { classify, plainText } from '../../src/probe/probe.js';
import { findCallGateway, satisfiesEngines } from '../../src/probe/release-client.js';
import { withProbe } from '../../src/probe/verdict.js';
import { answer, diagnosisOf, predicted, probeReport } from '../support/probe-fixtures.js';
import { renderFinding } from '../../src/report/render.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('classify: the gateway answer as the release client reports it', () => {
  it('2.19: a 1008 close is a refusal with the close code and reason', () => {
    const r = classify(false, 'gateway closed (1008): pairing required\nGateway target: ws://127.0.0.1:1\nSource: local loopback');
    expect(r).toMatchObject({ outcome: 'refused', closeCode: 1008, reason: 'pairing required', refusal: 'pairing-required', requestId: null });
  });
  it('7.x/8.x: the request id in the reason is taken', () => {
    const r = classify(false, 'gateway closed (1008): pairing required: device is asking for more scopes than currently approved (requestId: 3f1c2a9e-1111-4222-8333-944445555666)');
    expect(r).toMatchObject({ outcome: 'refused', refusal: 'pairing-required', requestId: '3f1c2a9e-1111-4222-8333-944445555666' });
    expect(classify(false, 'scope upgrade pending approval (requestId: abcdef12-0000)')).toMatchObject({ outcome: 'refused', refusal: 'scope-upgrade-pending', closeCode: null });
  });
  it('an error from the method after hello-ok means the connect was accepted', () => {
    expect(classify(false, 'missing scope: operator.read')).toMatchObject({ outcome: 'accepted', afterConnect: 'missing scope: operator.read' });
    expect(classify(true, undefined).outcome).toBe('accepted');
  });
  it('no answer is no verdict, never a guess', () => {
    expect(classify(false, 'gateway timeout after 8000ms').outcome).toBe('cannot');
    expect(classify(false, 'connect ECONNREFUSED 127.0.0.1:1').outcome).toBe('cannot');
  });
  it('escapes what the gateway says before it reaches a terminal', () => {
    const r = classify(false, 'gateway closed (1008): pairing required \u001b[31mred\u0007');
    expect(r.reason).toBe('pairing required \\u001b[31mred\\u0007');
    expect(plainText('a\u202eb')).toBe('a\\u202eb');
  });
});

describe('satisfiesEngines', () => {
  it('reads the ranges OpenClaw ships', () => {
    expect(satisfiesEngines('v22.23.3', '>=22.12.0')).toBe(true);
    expect(satisfiesEngines('v20.20.2', '>=22.12.0')).toBe(false);
    const r735 = '>=22.22.3 <23 || >=24.15.0 <25 || >=25.9.0';
    expect(satisfiesEngines('v22.23.3', r735)).toBe(true);
    expect(satisfiesEngines('v22.13.0', r735)).toBe(false);
    expect(satisfiesEngines('v24.21.0', '>=24.16.0 <25 || >=26.1.0')).toBe(true);
    expect(satisfiesEngines('v22.23.3', '>=24.16.0 <25 || >=26.1.0')).toBe(false);
  });
});

describe('findCallGateway', () => {
  const pkg = (files: Record<string, string>) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocf-probe-pkg-'));
    dirs.push(dir);
    for (const [name, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, 'dist', name)), { recursive: true });
      fs.writeFileSync(path.join(dir, 'dist', name), text);
    }
    return dir;
  };
  it('finds the minified alias of callGateway and of the least-privilege resolver', () => {
    const dir = pkg({
      'a.js': 'export const x = 1;',
      'call-XYZ.js': 'async function callGateway(opts) {}\nfunction resolveLeastPrivilegeOperatorScopesForMethod(m) {}\nexport { callGateway as n, resolveLeastPrivilegeOperatorScopesForMethod as u };',
    });
    expect(findCallGateway(dir)).toEqual({ module: path.join(dir, 'dist', 'call-XYZ.js'), exportName: 'n', scopesExportName: 'u' });
  });
  it('prefers the top-level call chunk over copies in sub-directories (9.6 has worker copies), and reads .mjs', () => {
    const dir = pkg({ 'worker/worker.mjs': 'async function callGateway(o) {}\nexport { callGateway as w };', 'call-A.mjs': 'async function callGateway(o) {}\nexport { callGateway as o };' });
    expect(findCallGateway(dir)).toMatchObject({ exportName: 'o', scopesExportName: null });
  });
  it('says nothing rather than guess when no chunk defines it, and skips a non-regular file', () => {
    const dir = pkg({ 'call-B.js': 'export {};' });
    fs.symlinkSync('/dev/zero', path.join(dir, 'dist', 'call-link.js'));
    expect(findCallGateway(dir)).toBeNull();
  });
});

describe('withProbe: the real verdict decides', () => {
  const snapshot = { identity: { deviceId: 'h'.repeat(64) }, version: { version: '2026.2.19' }, release: { id: '2026.2.19' } } as unknown as Snapshot;
  // The probe reads a finding's id and severity only, never its facts.
  const finding = (id: Finding['id'], severity: Finding['severity']) => ({ id, severity, args: {} }) as unknown as Finding;
  const missingWrite = finding('service-device-missing-write', 'error');

  it('predicted allowed, gateway refuses: a probe-disagrees error and exit 1', () => {
    const d = diagnosisOf([predicted('cli', 'allowed'), predicted('internal-write', 'allowed'), predicted('internal-read', 'allowed')], []);
    const out = withProbe(snapshot, d, probeReport([answer('cli', 'accepted'), answer('internal-write', 'accepted'), answer('internal-read', 'refused')]));
    expect(out.verdict).toBe('refused');
    expect(out.exitCode).toBe(1);
    const f = out.diagnosis.findings.find((x) => x.id === 'probe-disagrees')!;
    expect(f.severity).toBe('error');
    expect(renderFinding(f, []).evidence.join('\n')).toMatch(/predicted: allowed[\s\S]*gateway: refused \(1008 pairing required\)/);
  });
  it('predicted refused, gateway accepts: a warning, and the exit code follows the gateway (0)', () => {
    const d = diagnosisOf([predicted('cli', 'allowed'), predicted('internal-write', 'refused'), predicted('internal-read', 'allowed')], [missingWrite]);
    const out = withProbe(snapshot, d, probeReport([answer('cli', 'accepted'), answer('internal-write', 'accepted'), answer('internal-read', 'accepted')]));
    expect(out.exitCode).toBe(0);
    expect(out.diagnosis.findings.find((x) => x.id === 'probe-disagrees')!.severity).toBe('warning');
  });
  it('an error the probe does not speak to still fails', () => {
    const other = finding('store-unreadable', 'error');
    const d = diagnosisOf([predicted('cli', 'allowed')], [other]);
    expect(withProbe(snapshot, d, probeReport([answer('cli', 'accepted')])).exitCode).toBe(1);
  });
  it('cannot probe: the prediction stands, and the report says so', () => {
    const d = diagnosisOf([predicted('internal-write', 'refused')], [missingWrite]);
    const out = withProbe(snapshot, d, probeReport([], 'no gateway answers on 127.0.0.1:1'));
    expect(out.exitCode).toBe(1);
    expect(out.verdict).toBe('unknown');
    expect(out.diagnosis.findings.some((f) => f.id === 'probe-could-not-run' && /cannot probe: no gateway answers/.test(renderFinding(f, []).title))).toBe(true);
  });
});

describe('check --probe metrics', () => {
  it('carry the gateway answer and whether the prediction agreed, beside the predicted client metric', async () => {
    const { prometheusText } = await import('../../src/report/prometheus.js');
    const snapshot = { location: { stateDir: '/srv/oc' }, version: { version: '2026.2.19' } } as unknown as Snapshot;
    const diagnosis: Diagnosis = { findings: [], clients: [], summary: { error: 0, warning: 0, info: 0 }, commandArgs: [] };
    const text = prometheusText({
      ruleIds: [],
      diagnosis,
      snapshot,
      nowMs: 0,
      exitCode: 1,
      probe: {
        ran: true,
        clients: [{ client: 'internal-write', outcome: 'refused', refusal: 'pairing-required', ms: 250 }],
        agreeing: { 'internal-write': false },
        verdict: { predicted: 'healthy', real: 'refused' },
      },
    });
    expect(text).toContain('openclaw_fix_probe_ran{state_dir="/srv/oc"} 1');
    expect(text).toContain('openclaw_fix_probe_client_accepted{state_dir="/srv/oc",client="internal-write",refusal="pairing-required"} 0');
    expect(text).toContain('openclaw_fix_probe_agrees{state_dir="/srv/oc",client="internal-write"} 0');
    expect(text).toContain('openclaw_fix_probe_connect_seconds{state_dir="/srv/oc",client="internal-write"} 0.25');
    expect(prometheusText({ ruleIds: [], diagnosis, snapshot, nowMs: 0, exitCode: 0 })).not.toContain('probe');
  });
});
