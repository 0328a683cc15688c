/**
 * The confirmation prompts as a person meets them: on a real pseudo-terminal (util-linux `script`), Ctrl-C as the
 * key the prompt reads and as the SIGINT a terminal sends, and the prompt's colours under --no-color and NO_COLOR.
 * Every step waits for the text it answers; nothing assumes how fast the CLI is.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliEnv, copyState, HOOKED_BIN, runCli, SAMPLE, tempDir } from '../helpers.js';
import { fakeServices } from '../fakes/index.js';

const V = ['--openclaw-version', '2026.2.19'];
/** Any SGR sequence (colour, bold, dim): what --no-color and NO_COLOR rule out. Cursor moves may stay. */
const SGR = /\x1b\[[0-9;]*m/;

type Send = 'ctrl-c' | 'sigint' | 'n';
interface Step {
  /** Sent once the terminal shows this text. */
  when: string;
  send: Send;
}
interface TerminalRun {
  code: number | null;
  /** Everything the terminal showed (stdout and stderr share it, as on a real terminal). */
  screen: string;
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The pid of `script`'s child: the CLI, which `exec` makes the session leader of the pseudo-terminal. */
function childOf(parent: number): number | undefined {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // pid (comm) state ppid ...: comm may hold spaces, so read after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === parent) return Number(name);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

/**
 * Runs the built CLI (the test entry: the launcher, with stand-ins for this machine's logs) on a pseudo-terminal
 * and plays `steps` in order. "ctrl-c" types the key (the prompt has the terminal in raw mode, so it reads it);
 * "sigint" sends SIGINT to the terminal's foreground process group, what Ctrl-C does whenever the terminal is not
 * in raw mode (and what `kill -INT` does).
 */
function onTerminal(args: string[], env: Record<string, string>, steps: Step[]): Promise<TerminalRun> {
  const command = `exec ${[process.execPath, HOOKED_BIN, ...args].map(shellQuote).join(' ')}`;
  const child = spawn('script', ['-qfec', command, '/dev/null'], { env: { ...env, SHELL: '/bin/sh', TERM: 'xterm-256color' }, stdio: ['pipe', 'pipe', 'pipe'] });
  let screen = '';
  const pending = [...steps];
  const play = () => {
    while (pending.length && screen.includes(pending[0]!.when)) {
      const { send } = pending.shift()!;
      if (send === 'ctrl-c') child.stdin.write('\x03');
      else if (send === 'n') child.stdin.write('n\r');
      else {
        const cli = childOf(child.pid!);
        if (cli === undefined) throw new Error('the CLI under script was not found');
        process.kill(-cli, 'SIGINT');
      }
    }
  };
  child.stdout.on('data', (d: Buffer) => {
    screen += d.toString('utf8');
    play();
  });
  child.stderr.on('data', (d: Buffer) => {
    screen += d.toString('utf8');
  });
  return new Promise((resolve) => {
    child.on('close', (code) => {
      child.stdin.destroy();
      resolve({ code, screen });
    });
  });
}

const PROMPT = '(y/N)';

describe('Ctrl-C at a confirmation prompt changes nothing, removes what it made, exits 130', () => {
  it.each(['ctrl-c', 'sigint'] as const)('rotate --demo, %s at the prompt: no demo copy left in TMPDIR', async (send) => {
    const tmp = tempDir('ocf-tmpdir-');
    const r = await onTerminal(['rotate', '--demo', '--no-restart'], cliEnv(tempDir('ocf-home-'), { TMPDIR: tmp }), [{ when: PROMPT, send }]);
    expect(r.code, r.screen).toBe(130);
    expect(r.screen).toMatch(/copy of the demo state in/);
    expect(readdirSync(tmp)).toEqual([]);
    // One line after the prompt says so; no stack, no "unexpected error".
    const after = r.screen.slice(r.screen.lastIndexOf(PROMPT) + PROMPT.length).replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
    expect(after.split('\n').map((l) => l.trim()).filter(Boolean)).toEqual([expect.stringMatching(/^openclaw-fix: .*nothing was changed\.$/)]);
    expect(r.screen).not.toMatch(/unexpected|Error:|at .*\.js:\d+/);
  });

  it('rotate --demo, Ctrl-C as soon as the copy exists (before or at the prompt): no copy left, exit 130', async () => {
    const tmp = tempDir('ocf-tmpdir-');
    const r = await onTerminal(['rotate', '--demo', '--no-restart'], cliEnv(tempDir('ocf-home-'), { TMPDIR: tmp }), [{ when: 'copy of the demo state in', send: 'sigint' }]);
    expect(r.code, r.screen).toBe(130);
    expect(r.screen).toMatch(/nothing was changed/);
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('rotate --demo --json, SIGINT as soon as the copy exists: the error document says interrupted, no copy left', async () => {
    const tmp = tempDir('ocf-tmpdir-');
    const r = await onTerminal(['rotate', '--demo', '--no-restart', '--json'], cliEnv(tempDir('ocf-home-'), { TMPDIR: tmp }), [{ when: 'copy of the demo state in', send: 'sigint' }]);
    expect(r.code, r.screen).toBe(130);
    expect(r.screen).toMatch(/"code": ?"interrupted"/);
    expect(readdirSync(tmp)).toEqual([]);
  });

  it.each(['ctrl-c', 'sigint'] as const)('rotate on a real state, %s at the prompt: every byte kept, no backup, no lock', async (send) => {
    const dir = copyState(SAMPLE);
    const before = readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
    const paired = readFileSync(path.join(dir, 'devices/paired.json'));
    const fakes = await fakeServices();
    const r = await onTerminal(['rotate', '--state-dir', dir, ...V, '--no-restart'], cliEnv(tempDir('ocf-home-'), fakes.env), [{ when: PROMPT, send }]);
    expect(r.code, r.screen).toBe(130);
    expect(r.screen).toMatch(/openclaw-fix: .*nothing was changed\./);
    expect(readFileSync(path.join(dir, 'devices/paired.json')).equals(paired)).toBe(true);
    expect(readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort()).toEqual(before);
  });

  it('restore, Ctrl-C at its prompt: the rotated files stay, exit 130', async () => {
    const dir = copyState(SAMPLE);
    const fakes = await fakeServices();
    const home = tempDir('ocf-home-');
    expect(runCli(['rotate', '--state-dir', dir, ...V, '--yes', '--no-restart'], { env: fakes.env, home }).code).toBe(0);
    const rotated = readFileSync(path.join(dir, 'devices/paired.json'));
    const r = await onTerminal(['restore', '--state-dir', dir, '--no-restart'], cliEnv(home, fakes.env), [{ when: PROMPT, send: 'ctrl-c' }]);
    expect(r.code, r.screen).toBe(130);
    expect(r.screen).toMatch(/openclaw-fix: .*nothing was changed\./);
    expect(readFileSync(path.join(dir, 'devices/paired.json')).equals(rotated)).toBe(true);
  });

  it('doctor with no state, Ctrl-C at "show the demo?": exit 130', async () => {
    const r = await onTerminal(['doctor'], cliEnv(tempDir('ocf-home-')), [{ when: '(Y/n)', send: 'ctrl-c' }]);
    expect(r.code, r.screen).toBe(130);
    expect(r.screen).toMatch(/openclaw-fix: .*nothing was changed\./);
  });

  it('rotate --demo --json, Ctrl-C at the prompt: the error document says interrupted', async () => {
    const tmp = tempDir('ocf-tmpdir-');
    const r = await onTerminal(['rotate', '--demo', '--no-restart', '--json'], cliEnv(tempDir('ocf-home-'), { TMPDIR: tmp }), [{ when: PROMPT, send: 'ctrl-c' }]);
    expect(r.code, r.screen).toBe(130);
    expect(r.screen).toMatch(/"code": "interrupted"/);
    expect(readdirSync(tmp)).toEqual([]);
  });
});

describe('the prompt is plain when colour is off', () => {
  it.each([
    ['--no-color', ['--no-color'], {}],
    ['NO_COLOR=1', [], { NO_COLOR: '1' }],
  ] as const)('%s: no SGR sequence anywhere on the terminal, prompt and answer included', async (_name, flags, extra) => {
    const tmp = tempDir('ocf-tmpdir-');
    const r = await onTerminal(['rotate', '--demo', '--no-restart', ...flags], cliEnv(tempDir('ocf-home-'), { TMPDIR: tmp, ...extra }), [{ when: PROMPT, send: 'n' }]);
    expect(r.code, r.screen).toBe(1);
    expect(r.screen).toMatch(/\? Apply this change to this host's device \(backup first\)\? \(y\/N\)/);
    expect(r.screen).toMatch(/Declined/);
    expect(r.screen).not.toMatch(SGR);
  });

  it('with colour on, the prompt is coloured (the check above can see colour), and no colour code is printed as text', async () => {
    const tmp = tempDir('ocf-tmpdir-');
    const r = await onTerminal(['rotate', '--demo', '--no-restart'], cliEnv(tempDir('ocf-home-'), { TMPDIR: tmp }), [{ when: PROMPT, send: 'n' }]);
    expect(r.code, r.screen).toBe(1);
    expect(r.screen.slice(r.screen.indexOf('Apply this change') - 30)).toMatch(SGR);
    // Colour codes are codes, never text: the plan's device line once printed its dim code escaped ("\x1b[2m").
    expect(r.screen).not.toContain('\\x1b');
  });
});
