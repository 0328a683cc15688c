/**
 * 2026.1.x ships tsc output, not bundles: `callGateway` is `export async function callGateway(` in
 * dist/gateway/call.js. The probe must find it there (else `--probe` on 1.x says "cannot probe"), and an
 * error that says nothing about the gateway must never be read as "accepted".
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { classify } from '../../src/probe/probe.js';
import { findCallGateway } from '../../src/probe/release-client.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('the 2026.1.x client layout', () => {
  it('finds callGateway exported by name in dist/gateway/call.js', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocf-probe-1x-'));
    dirs.push(dir);
    fs.mkdirSync(path.join(dir, 'dist', 'gateway'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'dist', 'cli'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'dist', 'index.js'), 'export {};');
    fs.writeFileSync(path.join(dir, 'dist', 'cli', 'gateway-rpc.js'), 'import { callGateway } from "../gateway/call.js";\nexport async function callGatewayFromCli() { return callGateway({}); }');
    fs.writeFileSync(path.join(dir, 'dist', 'gateway', 'call.js'), 'export function buildGatewayConnectionDetails() {}\nexport async function callGateway(opts) {\n  return opts;\n}\n');
    expect(findCallGateway(dir)).toEqual({ module: path.join(dir, 'dist', 'gateway', 'call.js'), exportName: 'callGateway', scopesExportName: null });
  });
});

describe('classify never guesses "accepted"', () => {
  it('an error from the client code itself (before any connect) is no verdict', () => {
    for (const error of [
      "Cannot find module '/x/dist/gateway/client.js' imported from /x/dist/gateway/call.js",
      'gateway remote mode misconfigured: gateway.remote.url missing',
      "TypeError: Cannot read properties of undefined (reading 'token')",
      '',
    ]) {
      const r = classify(false, error);
      expect(r.outcome, error).toBe('cannot');
    }
  });
  it('a method error after hello-ok is still an accepted connect', () => {
    expect(classify(false, 'unsupported channel: discord').outcome).toBe('accepted');
    expect(classify(false, 'GatewayClientRequestError: invalid cron.remove params: id not found').outcome).toBe('accepted');
  });
});
