/**
 * The CLI run in the test's own process: src/main.ts's `main(argv, io)` with stdout and stderr captured, the
 * same scrubbed environment and working directory runCli gives the spawned binary. For tests of what the CLI
 * decides and prints; a spawn costs 0.3-1.7 s on a loaded 2-core box, this a few ms. Tests of the process
 * boundary itself (exit status, signals, the launcher, help, another uid, stdin) keep runCli.
 * Calls run one at a time (process.env and the working directory are the process's): never with
 * describe.concurrent.
 */
import { hooks, setHooks } from '../src/core/hooks.js';
import { main } from '../src/main.js';
import { cliEnv, tempDir, type CliResult } from './helpers.js';
import { hooksFromEnv } from './support/test-hooks.mjs';

/** Keeps vitest's own variables: it reads them while a test runs. */
const KEEP = /^VITEST/;

/** A stdout or stderr that keeps what was written, synchronously (a pipe's reader would see the same bytes). */
function capture(): { stream: NodeJS.WritableStream; text(): string } {
  const chunks: Buffer[] = [];
  const stream = {
    write(chunk: Buffer | string): boolean {
      chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
      return true;
    },
  };
  return { stream: stream as unknown as NodeJS.WritableStream, text: () => Buffer.concat(chunks).toString('utf8') };
}

let running = false;

/** runCli's options and result, minus what needs a process of its own (uid, stdin, another build). */
export async function runMain(args: string[], options: { env?: Record<string, string | undefined>; home?: string; cwd?: string } = {}): Promise<CliResult> {
  if (running) throw new Error('runMain: one in-process CLI run at a time (process.env and the working directory are shared)');
  running = true;
  const home = options.home ?? tempDir('ocf-home-');
  const saved = { ...process.env };
  const savedHooks = { ...hooks };
  const cwd = process.cwd();
  const stdout = capture();
  const stderr = capture();
  try {
    for (const key of Object.keys(process.env)) if (!KEEP.test(key)) delete process.env[key];
    const env = cliEnv(home, options.env);
    Object.assign(process.env, env);
    // What the test entry does for a spawned CLI (hooks a test set itself stay, e.g. an in-process race).
    setHooks({ ...savedHooks, ...hooksFromEnv(env) });
    process.chdir(options.cwd ?? home);
    const code = await main(args, { stdout: stdout.stream, stderr: stderr.stream });
    return { code, stdout: stdout.text(), stderr: stderr.text() };
  } finally {
    process.chdir(cwd);
    setHooks(savedHooks);
    for (const key of Object.keys(process.env)) delete process.env[key];
    Object.assign(process.env, saved);
    running = false;
  }
}
