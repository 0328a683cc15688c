/**
 * A CI annotation's file comes from what the finding is about (Finding.file), never from its wording: a remote
 * client chooses its own display name, and a name that spells a state file must not move the annotation there.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyFixture, runCli } from '../helpers.js';

describe('check --format github: the annotated file', () => {
  it('does not follow a path a remote device put in its display name', () => {
    const { dir } = copyFixture('2.19-remote-device-narrow');
    const file = path.join(dir, 'devices', 'paired.json');
    const store = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Record<string, unknown>>;
    const ui = Object.values(store).find((d) => d.clientId === 'openclaw-control-ui')!;
    ui.displayName = path.join(dir, 'openclaw.json');
    writeFileSync(file, JSON.stringify(store, null, 2));
    const r = runCli(['check', '--state-dir', dir, '--openclaw-version', '2026.2.19', '--format', 'github']);
    const line = r.stdout.split('\n').find((l) => l.includes('openclaw-fix device-lacks-read-write'));
    expect(line).toBeDefined();
    expect(line).toContain('openclaw.json');
    expect(line).not.toContain('file=');
  });
});
