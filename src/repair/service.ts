/**
 * How the gateway runs here, and stopping/starting it around a write. The gateway rewrites paired.json on
 * connects, so an edit made while it runs can be lost; stopping it is the only way to exclude that.
 * Every command goes through the injectable Runner (core/runner.ts).
 */
import path from 'node:path';
import { CannotRunError, unchanged } from '../core/errors.js';
import { portAnswers } from '../core/gateway-port.js';
import { execRunner, type RunResult, type Runner } from '../core/runner.js';
import { launchdLabel, systemdUnitName, windowsTaskName } from '../core/service-names.js';

interface ServiceManager {
  kind: 'systemd-user' | 'systemd-system' | 'launchd' | 'schtasks';
  name: string;
  /** "systemd user unit openclaw-gateway.service" */
  describe: string;
  active: boolean;
  /** The command a user would type to start it by hand. */
  startCommand: string;
  stop(): Promise<void>;
  start(): Promise<void>;
}

export interface GatewayStatus {
  service?: ServiceManager;
  /** Something answers on 127.0.0.1:<port>. */
  listening: boolean;
  port: number;
  /** Why the service manager could not be asked (e.g. no user bus over ssh/sudo). */
  note?: string;
  /** No gateway serves this state (a copy of the demo): nothing is stopped, started or waited for. */
  none?: string;
}

export interface DetectOptions {
  profile?: string;
  port: number;
  /** Whether the gateway answered on its port when the state was read (takeSnapshot's knock). */
  listening: boolean;
  env: NodeJS.ProcessEnv;
  runner?: Runner;
  platform?: NodeJS.Platform;
  uid?: number;
  home: string;
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}

function failure(what: string, result: RunResult, hint: string): CannotRunError {
  const detail = firstLine(result.stderr) || firstLine(result.stdout) || `exit ${result.code}`;
  return new CannotRunError('service-failed', `Could not ${what}: ${detail}. ${hint}`);
}

/** The service manager that runs the gateway, if one does, and anything that kept us from asking. */
interface Detected {
  service?: ServiceManager;
  note?: string;
}

async function systemd(opts: DetectOptions, run: Runner): Promise<Detected> {
  const unit = systemdUnitName(opts.profile, opts.env);
  let note: string | undefined;
  // Both scopes asked at once; the user unit still wins.
  const scopes = [true, false].map((user) => ({ user, scope: user ? ['--user'] : [] }));
  const answers = await Promise.all(scopes.map(({ scope }) => run('systemctl', [...scope, 'show', '-p', 'LoadState', '-p', 'ActiveState', unit])));
  for (const [i, { user, scope }] of scopes.entries()) {
    const r = answers[i]!;
    if (r.code === 127) return {};
    if (r.code !== 0) {
      if (user && /Failed to connect to bus/i.test(r.stderr)) {
        note = `could not reach the user's systemd (${firstLine(r.stderr)}); over ssh, sudo or cron set XDG_RUNTIME_DIR=/run/user/$(id -u), or stop the gateway yourself`;
      }
      continue;
    }
    const load = /LoadState=(\S+)/.exec(r.stdout)?.[1];
    if (load !== 'loaded') continue;
    const active = /ActiveState=(active|activating|reloading)/.test(r.stdout);
    const describe = `systemd ${user ? 'user' : 'system'} unit ${unit}`;
    return {
      service: {
        kind: user ? 'systemd-user' : 'systemd-system',
        name: unit,
        describe,
        active,
        startCommand: ['systemctl', ...scope, 'start', unit].join(' '),
        async stop() {
          const s = await run('systemctl', [...scope, 'stop', unit]);
          if (s.code !== 0) throw unchanged(failure(`stop the ${describe}`, s, 'Stop the gateway yourself (openclaw gateway stop) and run again with --no-restart. Nothing was changed.'));
        },
        async start() {
          const s = await run('systemctl', [...scope, 'start', unit]);
          if (s.code !== 0) throw failure(`start the ${describe}`, s, `Start it yourself: systemctl ${scope.join(' ')} start ${unit}.`);
        },
      },
      note,
    };
  }
  return { note };
}

async function launchd(opts: DetectOptions, run: Runner): Promise<Detected> {
  const label = launchdLabel(opts.profile, opts.env);
  const domain = `gui/${opts.uid ?? process.getuid?.() ?? 501}`;
  const r = await run('launchctl', ['print', `${domain}/${label}`]);
  if (r.code !== 0) return {};
  const plist = path.join(opts.home, 'Library', 'LaunchAgents', `${label}.plist`);
  const describe = `launchd agent ${label}`;
  return {
    service: {
      kind: 'launchd',
      name: label,
      describe,
      active: /state = running/.test(r.stdout),
      startCommand: `launchctl bootstrap ${domain} ${plist}`,
      async stop() {
        const s = await run('launchctl', ['bootout', `${domain}/${label}`]);
        if (s.code !== 0) throw unchanged(failure(`stop the ${describe}`, s, 'Stop the gateway yourself (openclaw gateway stop) and run again with --no-restart. Nothing was changed.'));
      },
      async start() {
        const s = await run('launchctl', ['bootstrap', domain, plist]);
        if (s.code !== 0) throw failure(`start the ${describe}`, s, `Start it yourself: launchctl bootstrap ${domain} ${plist}.`);
        await run('launchctl', ['kickstart', `${domain}/${label}`]);
      },
    },
  };
}

async function schtasks(opts: DetectOptions, run: Runner): Promise<Detected> {
  const name = windowsTaskName(opts.profile, opts.env);
  const r = await run('schtasks', ['/Query', '/TN', name, '/FO', 'LIST']);
  if (r.code !== 0) return {};
  const describe = `scheduled task "${name}"`;
  return {
    service: {
      kind: 'schtasks',
      name,
      describe,
      active: /Status:\s*Running/i.test(r.stdout),
      startCommand: `schtasks /Run /TN "${name}"`,
      async stop() {
        const s = await run('schtasks', ['/End', '/TN', name]);
        if (s.code !== 0) throw unchanged(failure(`stop the ${describe}`, s, 'Stop the gateway yourself (openclaw gateway stop) and run again with --no-restart. Nothing was changed.'));
      },
      async start() {
        const s = await run('schtasks', ['/Run', '/TN', name]);
        if (s.code !== 0) throw failure(`start the ${describe}`, s, `Start it yourself: schtasks /Run /TN "${name}".`);
      },
    },
  };
}

/**
 * Restart-and-verify waits for the gateway on its port: with a port no socket can use, it could only fail
 * after the write (and roll a good fix back). Refused before anything changes; --no-restart still writes.
 */
export function assertPortForRestart(config: { portInvalid?: string }, restart: boolean): void {
  if (!config.portInvalid || !restart) return;
  throw unchanged(new CannotRunError(
    'port-invalid',
    `The gateway port is not a valid TCP port (${config.portInvalid}), so the gateway cannot be restarted and verified; nothing was changed. Fix the port (1-65535), or run again with --no-restart and restart the gateway yourself.`,
  ));
}

export async function detectGateway(opts: DetectOptions): Promise<GatewayStatus> {
  const run = opts.runner ?? execRunner;
  const platform = opts.platform ?? process.platform;
  const found = await (platform === 'darwin' ? launchd(opts, run) : platform === 'win32' ? schtasks(opts, run) : systemd(opts, run));
  return { service: found.service, listening: opts.listening, port: opts.port, note: found.note };
}

/** Waits until the port answers, reporting progress; a spinner only on a terminal, else one line per step. */
export async function waitForPort(
  port: number,
  timeoutSec: number,
  progress: { tty: boolean; write(text: string): void; line(text: string): void },
): Promise<{ ok: boolean; seconds: number }> {
  const start = Date.now();
  const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
  let i = 0;
  if (!progress.tty) progress.line(`waiting for the gateway on 127.0.0.1:${port} (up to ${timeoutSec} s)...`);
  for (;;) {
    const seconds = (Date.now() - start) / 1000;
    if (await portAnswers(port)) {
      if (progress.tty) progress.write('\r\x1b[K');
      return { ok: true, seconds };
    }
    if (seconds >= timeoutSec) {
      if (progress.tty) progress.write('\r\x1b[K');
      return { ok: false, seconds };
    }
    if (progress.tty) progress.write(`\r${frames[i++ % frames.length]} waiting for the gateway on 127.0.0.1:${port} (${Math.floor(seconds)} s)`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
