/**
 * Every program openclaw-fix starts goes through here: the service managers (systemctl, launchctl, schtasks),
 * `openclaw --version` and `node --version`, journalctl, and the release's own client for the probe. Always an
 * argv and never a shell, since unit names and paths come from a state someone else can shape. Tests pass their
 * own Runner or Starter where a command takes one; the shipped code uses these two.
 */
import { execFile, spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';

export interface RunResult {
  /** The exit status; 127 when the program is not there (as a shell says it). */
  code: number;
  stdout: string;
  stderr: string;
}

interface RunOptions {
  /** Killed after this long, so a hung service manager or CLI cannot hang a repair. Default 30 s. */
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

/** Runs a program to its end and hands back what it printed. */
export type Runner = (cmd: string, args: string[], options?: RunOptions) => Promise<RunResult>;

export const execRunner: Runner = (cmd, args, options = {}) =>
  new Promise((resolve) => {
    execFile(cmd, args, { timeout: options.timeoutMs ?? 30_000, encoding: 'utf8', windowsHide: true, ...(options.env ? { env: options.env } : {}) }, (error, stdout, stderr) => {
      const errCode = (error as NodeJS.ErrnoException | null)?.code;
      const code = !error ? 0 : errCode === 'ENOENT' ? 127 : typeof errCode === 'number' ? errCode : (error as { status?: number }).status ?? 1;
      resolve({ code, stdout: String(stdout ?? ''), stderr: String(stderr ?? '') });
    });
  });

interface StartOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** The caller talks to the program on its stdin (the probe's client); otherwise stdin is closed. */
  input?: boolean;
}

/** A program whose output is read while it runs: journalctl, `journalctl -f`, the probe's client. */
interface Started {
  stdout: Readable;
  /** Only with StartOptions.input. */
  stdin?: Writable;
  stop(signal?: NodeJS.Signals): void;
  /** Its exit status once its output is closed; null when a signal ended it, -1 when it could not start. */
  exited: Promise<number | null>;
}

export type Starter = (cmd: string, args: string[], options?: StartOptions) => Started;

export const spawnStarter: Starter = (cmd, args, options = {}) => {
  // stderr is ignored: what these programs say there is not evidence, and an unread pipe could stall them.
  const child = spawn(cmd, args, { cwd: options.cwd, env: options.env, stdio: [options.input ? 'pipe' : 'ignore', 'pipe', 'ignore'] });
  const exited = new Promise<number | null>((resolve) => {
    child.on('error', () => resolve(-1));
    child.on('close', (code) => resolve(code));
  });
  // Both pipes exist: stdout is always a pipe, stdin is one whenever input was asked.
  return {
    stdout: child.stdout!,
    ...(options.input ? { stdin: child.stdin! } : {}),
    stop: (signal = 'SIGTERM') => {
      child.kill(signal);
    },
    exited,
  };
};
