/** doctor's gateway probe: a gateway can run AND refuse its own calls (the official doctor then says "Gateway not running."). */
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyState, parseJson, runCli, SAMPLE } from '../helpers.js';

interface Report {
  gateway: { port: number; running: boolean | null };
  findings: { id: string; severity: string; explanation: string }[];
}

function listen(): Promise<net.Server> {
  return new Promise((resolve) => {
    const server = net.createServer((s) => s.destroy());
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

function withPort(dir: string, port: number): void {
  writeFileSync(path.join(dir, 'openclaw.json'), JSON.stringify({ gateway: { mode: 'local', port, bind: 'loopback' } }), { mode: 0o600 });
}

describe('doctor probes the configured port (127.0.0.1, short timeout)', () => {
  it('says the gateway is running and refusing its own calls when something answers', async () => {
    const server = await listen();
    try {
      const port = (server.address() as net.AddressInfo).port;
      const dir = copyState(SAMPLE);
      withPort(dir, port);
      const args = ['doctor', '--state-dir', dir, '--openclaw-version', '2026.2.19', '--no-logs'];
      const json = parseJson<Report>(runCli([...args, '--json']).stdout);
      expect(json.gateway).toMatchObject({ port, running: true });
      const m01 = json.findings.find((f) => f.id === 'service-device-missing-write');
      expect(m01?.severity).toBe('error');
      expect(m01?.explanation).toMatch(/The gateway IS running \(it answers on 127\.0\.0\.1:\d+\) and refuses its own calls: its health probe is refused the same way, which is why `openclaw doctor` reports "Gateway not running\."/);
      expect(runCli(args).stdout).toMatch(new RegExp(`gateway\\s+running \\(answers on 127\\.0\\.0\\.1:${port}\\)`));
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('says nothing answers when the port is closed, and keeps the M01 explanation to the store', async () => {
    const server = await listen();
    const port = (server.address() as net.AddressInfo).port;
    await new Promise((r) => server.close(r));
    const dir = copyState(SAMPLE);
    withPort(dir, port);
    const args = ['doctor', '--state-dir', dir, '--openclaw-version', '2026.2.19', '--no-logs'];
    const json = parseJson<Report>(runCli([...args, '--json']).stdout);
    expect(json.gateway).toMatchObject({ port, running: false });
    expect(json.findings.find((f) => f.id === 'service-device-missing-write')?.explanation).not.toMatch(/IS running/);
    expect(runCli(args).stdout).toMatch(new RegExp(`gateway\\s+not answering on 127\\.0\\.0\\.1:${port}`));
  });

  it('does not probe for the demo state', () => {
    const json = parseJson<Report>(runCli(['doctor', '--demo', '--json', '--no-logs']).stdout);
    expect(json.gateway.running).toBeNull();
  });
});
