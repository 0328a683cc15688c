/**
 * A state file that is a symbolic link (the state's owner made it; it may point at a file only root can touch): its
 * mode and owner are the target's, and the chmod/chown line doctor prints for open or foreign state files would,
 * pasted into a root shell, change that target (found by adversarial testing: the target was given to the owner).
 * The link is named; no chmod or chown line names it.
 */
import { chmodSync, mkdirSync, renameSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyFixture, parseJson, tempDir } from '../helpers.js';
import { runMain } from '../in-process.js';

interface Doc { findings: Array<{ id: string; title: string; fix?: { command?: string; steps?: string[] } }> }

describe('a state file that is a link', () => {
  for (const file of ['identity/device-auth.json', 'devices/paired.json', 'identity/device.json']) {
    it(`${file} linked to a mode-0644 file elsewhere: named as a link, and no chmod or chown names it`, async () => {
      const { dir } = copyFixture('2.19-seed-loop');
      const elsewhere = path.join(tempDir(), 'private');
      mkdirSync(elsewhere, { mode: 0o700 });
      const target = path.join(elsewhere, path.basename(file));
      renameSync(path.join(dir, file), target);
      chmodSync(target, 0o644);
      symlinkSync(target, path.join(dir, file));
      const r = await runMain(['doctor', '--state-dir', dir, '--openclaw-version', '2026.2.19', '--no-logs', '--json']);
      const doc = parseJson<Doc>(r.stdout);
      const commands = doc.findings.map((f) => f.fix?.command ?? '').filter((c) => /\bch(mod|own)\b/.test(c));
      expect(commands.filter((c) => c.includes(file)), commands.join('\n')).toEqual([]);
      expect(doc.findings.map((f) => f.title)).toContainEqual(expect.stringContaining(`${file} is a symbolic link`));
    });
  }
});
