/** Fake service managers and a stand-in gateway for rotate/restore tests (scripts in ./bin record their argv). */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { onTestFinished } from 'vitest';
import { cliEnv, HOOKED_BIN, ROOT, tempDir, type CliResult } from '../helpers.js';

const FAKES_BIN = path.join(ROOT, 'test', 'fakes', 'bin');
const FAKE_GATEWAY = path.join(ROOT, 'test', 'fakes', 'gateway.mjs');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface Fakes {
  dir: string;
  port: number;
  env: Record<string, string>;
  /** Every service-manager call, in order, e.g. "systemctl --user stop openclaw-gateway.service". */
  calls(): string[];
  /** Starts the unit the way an installed gateway would be running before openclaw-fix is called. */
  startUnit(unit?: string): void;
}

/** Fake systemctl/launchctl/schtasks first on PATH; the gateway port points at a free port. */
export async function fakeServices(options: { units?: string[]; paired?: string; env?: Record<string, string> } = {}): Promise<Fakes> {
  const dir = tempDir('ocf-sm-');
  const port = await freePort();
  const env: Record<string, string> = {
    PATH: `${FAKES_BIN}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    FAKE_SM_DIR: dir,
    FAKE_GATEWAY_PORT: String(port),
    OPENCLAW_GATEWAY_PORT: String(port),
    FAKE_SYSTEMD_UNITS: (options.units ?? []).join(' '),
    ...(options.paired ? { FAKE_PAIRED_JSON: options.paired } : {}),
    ...options.env,
  };
  onTestFinished(() => {
    for (const name of readdirSync(dir)) {
      if (!name.endsWith('.pid')) continue;
      try {
        process.kill(Number(readFileSync(path.join(dir, name), 'utf8')), 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
  return {
    dir,
    port,
    env,
    calls: () => (existsSync(path.join(dir, 'calls.log')) ? readFileSync(path.join(dir, 'calls.log'), 'utf8').trim().split('\n').filter(Boolean) : []),
    startUnit: (unit = 'openclaw-gateway.service') => {
      execFileSync(path.join(FAKES_BIN, 'systemctl'), ['--user', 'start', unit], { env: { ...process.env, ...env } });
      execFileSync('bash', ['-c', `: > "${dir}/calls.log"`]);
    },
  };
}

/** A stand-in gateway outside any service manager (optionally rewriting paired.json as OpenClaw does). */
export function runGateway(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, [FAKE_GATEWAY], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  onTestFinished(() => {
    child.kill('SIGKILL');
  });
  return new Promise((resolve) => child.stdout!.once('data', () => resolve(child)));
}

/** runCli, but asynchronous, for tests that run something at the same time (the same environment and test entry). */
export function runCliAsync(args: string[], options: { env?: Record<string, string>; home?: string; bin?: string } = {}): Promise<CliResult & { signal: NodeJS.Signals | null }> {
  const home = options.home ?? tempDir('ocf-home-');
  const env = cliEnv(home, options.env);
  const child = spawn(process.execPath, [options.bin ?? HOOKED_BIN, ...args], { env, cwd: home, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code: code ?? -1, signal, stdout, stderr })));
}
