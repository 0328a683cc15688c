/** Help is commander's own, for the program and every command, however it is asked for. */
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers.js';

describe('help', () => {
  it.each(['--help', '-h', 'help', 'doctor --help', 'help rotate', 'explain -h'])('`%s` prints usage, exit 0', (key) => {
    const r = runCli(key.split(' '));
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(key.includes('rotate') ? /^Usage: openclaw-fix rotate/ : key.includes('doctor') ? /^Usage: openclaw-fix doctor/ : key.includes('explain') ? /^Usage: openclaw-fix explain/ : /^Usage: openclaw-fix \[options\] \[command\]/);
  });

  it('--help among other flags still prints the command help', () => {
    expect(runCli(['doctor', '--json', '--help']).stdout).toBe(runCli(['doctor', '--help']).stdout);
  });
});
