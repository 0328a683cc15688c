/**
 * The launcher prints help from dist/help.json without loading the CLI (start-up time: npm run bench). That copy
 * must be exactly what commander prints from the current source, for the program and every command.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/main.js';
import { ROOT, runCli } from '../helpers.js';

const help = JSON.parse(readFileSync(path.join(ROOT, 'dist', 'help.json'), 'utf8')) as Record<string, string>;
const COMMANDS = ['doctor', 'rotate', 'restore', 'check', 'guard', 'logs', 'explain'];

/** What commander prints to a pipe (80 columns), in-process from src/. */
async function commanderHelp(args: string[]): Promise<{ code: number; stdout: string }> {
  const chunks: string[] = [];
  const wasTTY = process.stdout.isTTY;
  process.stdout.isTTY = false;
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  });
  try {
    const code = await main(args);
    return { code, stdout: chunks.join('') };
  } finally {
    write.mockRestore();
    process.stdout.isTTY = wasTTY;
  }
}

afterEach(() => vi.restoreAllMocks());

describe('static help (dist/help.json)', () => {
  it('covers the program and every command, each three ways', () => {
    const expected = ['--help', '-h', 'help', ...COMMANDS.flatMap((c) => [`${c} --help`, `${c} -h`, `help ${c}`])];
    expect(Object.keys(help).sort()).toEqual(expected.sort());
  });

  it.each(Object.keys(help))('`%s` is what commander prints from the source', async (key) => {
    const fromCommander = await commanderHelp(key.split(' '));
    expect(fromCommander.code).toBe(0);
    expect(help[key]).toBe(fromCommander.stdout);
  });

  it.each(['--help', '-h', 'help', 'doctor --help', 'help rotate', 'explain -h'])('the launcher prints `%s` from it, exit 0', (key) => {
    const r = runCli(key.split(' '));
    expect(r).toEqual({ code: 0, stdout: help[key], stderr: '' });
  });

  it('anything else with --help still goes to commander', () => {
    const r = runCli(['doctor', '--json', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(help['doctor --help']);
    expect(runCli(['frobnicate', '--help']).stdout).toBe(help['--help']);
  });
});
