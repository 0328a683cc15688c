/**
 * `openclaw-fix explain FILE` on the other shapes, as a user runs it: a copied `openclaw doctor` note, a listing,
 * the deciding fact. In-process (what it decides and prints); stdin and exit status are test/cli/explain.test.ts's.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseJson, tempDir } from '../helpers.js';
import { runMain } from '../in-process.js';

function paste(text: string): string {
  const file = path.join(tempDir('ocf-paste-'), 'paste.txt');
  writeFileSync(file, text);
  return file;
}

describe('openclaw-fix explain on doctor output and listings', () => {
  it('names the mode of a boxed `openclaw doctor` finding and the request it is about', async () => {
    const input = [
      '◇  Device pairing ───────────────────────────────────────────────────────────╮',
      '│                                                                            │',
      '│  - Pending scope upgrade 5f2d1c9e-3b7a-4c1e-9f0a-2b8c7d6e5f41 for cli      │',
      '│    (9a3c0f6be2d14e7a): approved scopes [operator.read], requested scopes   │',
      '│    [operator.admin, operator.approvals, operator.pairing, operator.read,   │',
      '│    operator.write]. Review with openclaw devices list, then approve with   │',
      '│    openclaw devices approve 5f2d1c9e-3b7a-4c1e-9f0a-2b8c7d6e5f41.          │',
      '├────────────────────────────────────────────────────────────────────────────╯',
    ].join('\n');
    const r = await runMain(['explain', paste(input), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = parseJson<{ modes: { mode: string }[]; signals: { requestIds: string[] } }>(r.stdout);
    expect(j.modes[0]!.mode).toBe('M03');
    expect(j.signals.requestIds).toContain('5f2d1c9e-3b7a-4c1e-9f0a-2b8c7d6e5f41');
  });

  it('prints the deciding fact when two modes fit, in text and JSON', async () => {
    const input = 'reason: scope-upgrade\ndevice: 4f1c…\n';
    const text = await runMain(['explain', paste(input), '--no-color']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/Decides\s+M03 or M01: which client asks/);
    const j = parseJson<{ decide: string | null }>((await runMain(['explain', paste(input), '--json'])).stdout);
    expect(j.decide).toMatch(/gateway-client/);
  });

  it('reads a listing of the state dir: legacy JSON beside the SQLite store is M16', async () => {
    const input = '$ ls -la ~/.openclaw/devices\n-rw------- 1 bob bob 1893 Sep  2 10:01 paired.json\n-rw------- 1 bob bob 1710 Aug 31 23:48 paired.json.migrated\n';
    const r = await runMain(['explain', paste(input), '--no-color']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('M16 sqlite-migration');
  });
});
