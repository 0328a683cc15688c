/** Issue 17 case 15: --demo works on a temp copy and removes it however the command ends. */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers.js';

describe('the demo copy is cleaned up', () => {
  it.each([
    [['rotate', '--demo', '--yes', '--no-restart'], 0],
    [['rotate', '--demo', '--dry-run'], 1],
    [['rotate', '--demo'], 2], // refused: no terminal to confirm on
    [['check', '--demo', '--fix', '--no-restart'], 0],
  ] as const)('%s leaves nothing in TMPDIR', (args, code) => {
    const tmp = tempDir('ocf-tmpdir-');
    const r = runCli([...args], { env: { TMPDIR: tmp } });
    expect(r.code, r.stderr).toBe(code);
    expect(r.stderr).toMatch(/copy of the demo state in .*removed afterwards/);
    expect(readdirSync(tmp)).toEqual([]);
    // Follow-up commands name the demo, not the removed copy.
    expect(r.stdout + r.stderr).not.toMatch(new RegExp(`--state-dir ${tmp}`));
  });
});
