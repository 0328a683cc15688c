/** `openclaw-fix explain` on the other shapes, as a user runs it: a copied `openclaw doctor` note, a listing, the deciding fact. */
import { describe, expect, it } from 'vitest';
import { parseJson, runCli } from '../helpers.js';

describe('openclaw-fix explain on doctor output and listings', () => {
  it('names the mode of a boxed `openclaw doctor` finding and the request it is about', () => {
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
    const r = runCli(['explain', '--json'], { input });
    expect(r.code, r.stderr).toBe(0);
    const j = parseJson<{ modes: { mode: string }[]; signals: { requestIds: string[] } }>(r.stdout);
    expect(j.modes[0]!.mode).toBe('M03');
    expect(j.signals.requestIds).toContain('5f2d1c9e-3b7a-4c1e-9f0a-2b8c7d6e5f41');
  });

  it('prints the deciding fact when two modes fit, in text and JSON', () => {
    const input = 'reason: scope-upgrade\ndevice: 4f1c…\n';
    const text = runCli(['explain', '--no-color'], { input });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/Decides\s+M03 or M01: which client asks/);
    const j = parseJson<{ decide: string | null }>(runCli(['explain', '--json'], { input }).stdout);
    expect(j.decide).toMatch(/gateway-client/);
  });

  it('reads a listing of the state dir: legacy JSON beside the SQLite store is M16', () => {
    const input = '$ ls -la ~/.openclaw/devices\n-rw------- 1 bob bob 1893 Sep  2 10:01 paired.json\n-rw------- 1 bob bob 1710 Aug 31 23:48 paired.json.migrated\n';
    const r = runCli(['explain', '--no-color'], { input });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('M16 sqlite-migration');
  });
});
