/**
 * Rolling back with the gateway still running (no service manager to stop it): the rollback may only replace
 * our own bytes. A gateway write made since our change is never silently replaced by the old file.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it, onTestFinished } from 'vitest';
import { CannotRunError } from '../../src/core/errors.js';
import { applyChange, type Prepared } from '../../src/repair/apply.js';
import { hooks, setHooks } from '../../src/core/hooks.js';
import { Output } from '../../src/report/output.js';
import { copyState, SAMPLE } from '../helpers.js';

const silent = () => {
  const sink = new Writable({ write: (_c, _e, cb) => cb() });
  return new Output({ color: false }, {}, sink, sink);
};

async function liveApplyThatFailsVerification(gatewayWritesMeanwhile: boolean, gatewayRewrites = 'devices/paired.json') {
  const dir = copyState(SAMPLE);
  const file = path.join(dir, 'devices/paired.json');
  const pendingFile = path.join(dir, 'devices/pending.json');
  const before = readFileSync(file);
  const after = Buffer.from(before.toString('utf8').replace('"operator.pairing"', '"operator.pairing", "operator.write"'));
  const pendingBefore = readFileSync(pendingFile);
  const pendingAfter = Buffer.from('{}');
  setHooks({ ...hooks, settleMs: 1 });
  onTestFinished(() => {
    setHooks({});
  });
  let gatewayBytes: Buffer | undefined;
  const run = applyChange({
    command: 'rotate',
    stateDir: dir,
    prepare: async (attempt): Promise<Prepared | null> =>
      attempt > 1
        ? null
        : {
            files: [
              { rel: 'devices/paired.json', abs: file, before, after, mode: 0o600 },
              { rel: 'devices/pending.json', abs: pendingFile, before: pendingBefore, after: pendingAfter, mode: 0o600 },
            ],
            description: 'test change',
            deviceId: null,
          },
    verifyWritten: () => [],
    verifyFinal: async () => {
      if (gatewayWritesMeanwhile) {
        // The gateway's connect rewrites a file (tmp + rename) after our change, before the rollback.
        const target = path.join(dir, gatewayRewrites);
        gatewayBytes = Buffer.from(readFileSync(target, 'utf8').replace(/^\{/, '{"x_gateway": {},'));
        writeFileSync(`${target}.gw.tmp`, gatewayBytes, { mode: 0o600 });
        renameSync(`${target}.gw.tmp`, target);
      }
      return { problems: ['still found after the change: service-device-missing-write'] };
    },
    gateway: { listening: true, port: 9 },
    restart: true,
    timeoutSec: 1,
    output: silent(),
  });
  return { run, file, before, after, pendingFile, pendingBefore, gatewayBytes: () => gatewayBytes };
}

describe('rollback with a gateway left running', () => {
  it('nobody wrote since our change: rolled back to the bytes before', async () => {
    const { run, file, before, pendingFile, pendingBefore } = await liveApplyThatFailsVerification(false);
    const result = await run;
    expect(result.status).toBe('rolled-back');
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(readFileSync(pendingFile).equals(pendingBefore)).toBe(true);
  });

  it('the gateway rewrote the second file: no file is rolled back (never half), and the error names that file', async () => {
    const { run, file, after, pendingFile, gatewayBytes } = await liveApplyThatFailsVerification(true, 'devices/pending.json');
    const error = await run.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CannotRunError);
    expect((error as CannotRunError).message).toMatch(/rewrote \S*pending\.json after openclaw-fix's change, so it was not rolled back/);
    expect(readFileSync(file).equals(after), 'paired.json keeps the change: nothing was half rolled back').toBe(true);
    expect(readFileSync(pendingFile).equals(gatewayBytes()!)).toBe(true);
  });

  it("a gateway write replaced on the way in is still reported when the run ends in an error", async () => {
    setHooks({ race: true });
    onTestFinished(() => {
      setHooks({});
    });
    const { run } = await liveApplyThatFailsVerification(true);
    const error = (await run.catch((e: unknown) => e)) as CannotRunError;
    expect(error).toBeInstanceOf(CannotRunError);
    expect(error.replacedGatewayWrites?.length).toBeGreaterThan(0);
    expect(error.message).toMatch(/in the same instant openclaw-fix replaced .* lost/);
  });

  it("the gateway wrote since: not rolled back over its write; the error names the restore to run with it stopped", async () => {
    const { run, file, gatewayBytes } = await liveApplyThatFailsVerification(true);
    const error = await run.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CannotRunError);
    expect((error as CannotRunError).exitCode, 'the change is in place: exit 1, not "nothing changed" 2').toBe(1);
    expect((error as CannotRunError).message).toMatch(/^Verification failed \(still found after the change: service-device-missing-write\)\. The running gateway rewrote .*paired\.json after openclaw-fix's change, so it was not rolled back .* openclaw-fix restore \S+ puts back the state before/);
    expect(readFileSync(file).equals(gatewayBytes()!)).toBe(true);
  });
});
