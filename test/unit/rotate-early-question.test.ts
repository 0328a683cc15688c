/**
 * rotate asks the service manager early, while it reads the store. When it then refuses (a broken store here), it
 * must not return with that systemctl still running: check --fix and the in-process tests go on at once and
 * remove the directory the call writes to (seen as ENOTEMPTY in the bad-input corpus under load).
 */
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyState, SAMPLE, tempDir } from '../helpers.js';
import { runMain } from '../in-process.js';

describe('rotate refusing after its early service-manager question', () => {
  it('returns only after that systemctl has finished', async () => {
    const dir = copyState(SAMPLE);
    writeFileSync(path.join(dir, 'devices', 'paired.json'), '{ "not": "json", }\n');
    const bin = path.join(tempDir('ocf-slow-sm-'), 'bin');
    mkdirSync(bin);
    const done = path.join(path.dirname(bin), 'systemctl-finished');
    // A slow service manager: answers "no such unit" after 300 ms, then leaves a mark.
    writeFileSync(path.join(bin, 'systemctl'), `#!/bin/sh\nsleep 0.3\necho "$*" >> '${done}'\nexit 4\n`);
    chmodSync(path.join(bin, 'systemctl'), 0o755);
    const r = await runMain(['rotate', '--state-dir', dir, '--openclaw-version', '2026.2.19', '--yes', '--no-restart'], {
      env: { PATH: `${bin}:${process.env.PATH}`, OPENCLAW_GATEWAY_PORT: '9' },
    });
    expect(r.code, r.stderr).toBe(2);
    expect(existsSync(done), 'rotate returned while its systemctl was still running').toBe(true);
  });
});
