/**
 * What the state reading learns from programs and the port comes through one Runner or Starter (src/core/runner.ts)
 * and one snapshot option: a test hands in its own and sees the reading use it, with no real journalctl, openclaw
 * or gateway on this machine.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it, onTestFinished } from 'vitest';
import { setHooks } from '../../src/core/hooks.js';
import type { Runner, Starter } from '../../src/core/runner.js';
import { takeSnapshot } from '../../src/core/snapshot.js';
import { collectLogEvidence } from '../../src/logs/index.js';
import { copyFixture, tempDir } from '../helpers.js';

const HOST = 'a'.repeat(64);
const upgrade = (second: number) =>
  `2026-11-25T10:00:${String(second).padStart(2, '0')}+0000 vm node[12]: [gateway] security audit: device access upgrade requested reason=scope-upgrade device=${HOST} ip=127.0.0.1 auth=device-token roleFrom=operator roleTo=operator scopesFrom=operator.read scopesTo=operator.write client=gateway-client conn=c${second}\n`;

/** A PATH directory holding an entry with this name: what makes the reading look for the program at all. */
function pathWith(name: string): string {
  const bin = path.join(tempDir(), 'bin');
  mkdirSync(bin);
  writeFileSync(path.join(bin, name), '');
  return bin;
}

describe('programs the state reading runs', () => {
  it("the journal is read through the Starter it is given; an unclean exit is said, and the lines read are kept", async () => {
    const calls: string[][] = [];
    const start: Starter = (cmd, args) => {
      calls.push([path.basename(cmd), ...args]);
      return { stdout: Readable.from([Buffer.from(upgrade(0) + upgrade(30))]), stop: () => undefined, exited: Promise.resolve(1) };
    };
    // No file log: this machine's /tmp/openclaw stands in as an empty dir.
    setHooks({ logRoot: tempDir() });
    onTestFinished(() => setHooks({}));
    const env = { PATH: pathWith('journalctl') };
    const evidence = await collectLogEvidence({ env, nowMs: Date.parse('2026-11-25T10:05:00Z'), start });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.slice(0, 3)).toEqual(['journalctl', '--user', '-u']);
    expect(evidence.files).toEqual(['journal:openclaw-gateway.service']);
    expect(evidence.problems).toEqual(['journalctl for openclaw-gateway.service did not finish cleanly (exit 1); its lines may be incomplete.']);
    expect(evidence.groups[0]).toMatchObject({ count: 2, deviceId: HOST });
  });

  it('`openclaw --version` names the release through the Runner when no package says it; a failing one leaves it unknown', async () => {
    const { dir } = copyFixture('2.19-seed-loop');
    const env = { PATH: pathWith('openclaw'), HOME: tempDir() };
    const asked: string[] = [];
    const answering: Runner = async (cmd, args) => {
      asked.push([path.basename(cmd), ...args].join(' '));
      return { code: 0, stdout: 'OpenClaw 2026.2.19\n', stderr: '' };
    };
    const named = await takeSnapshot({ stateDir: dir, env, runner: answering });
    expect(asked).toEqual(['openclaw --version']);
    expect(named.version).toMatchObject({ version: '2026.2.19', source: 'cli' });
    const failing: Runner = async () => ({ code: 1, stdout: '2026.2.19', stderr: 'boom' });
    expect((await takeSnapshot({ stateDir: dir, env, runner: failing })).version).toEqual({ version: null, source: 'none' });
  });

  it("the gateway's port is knocked on only when the snapshot is asked to, and says whether it answers", async () => {
    const { dir } = copyFixture('2.19-seed-loop');
    const server = net.createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const base = { stateDir: dir, openclawVersion: '2026.2.19', env: { OPENCLAW_GATEWAY_PORT: String(port) } };
      expect((await takeSnapshot({ ...base, knockGateway: true })).gatewayRunning).toBe(true);
      expect(await takeSnapshot(base)).not.toHaveProperty('gatewayRunning');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect((await takeSnapshot({ stateDir: dir, openclawVersion: '2026.2.19', env: { OPENCLAW_GATEWAY_PORT: String(port) }, knockGateway: true })).gatewayRunning).toBe(false);
  });
});
