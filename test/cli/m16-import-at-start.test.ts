/**
 * Issue 20 (e): measured on 2026.8.1 (a 2.19 and a 7.35 state started under it) and 8.2, the gateway imports the JSON
 * store into SQLite at its own start and leaves identity/device-auth.json behind without harm. doctor must not send
 * the user to stop the gateway and run `openclaw doctor --fix` there, nor warn about the leftover device-auth.json;
 * where it was not measured to import by itself (9.6 refused to start), the advice stays.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyFixture, parseJson } from '../helpers.js';
import { runMain } from '../in-process.js';

interface Finding {
  id: string;
  severity: string;
  title: string;
  fix?: { steps?: string[]; command?: string };
}
interface Doc {
  exitCode: number;
  findings: Finding[];
}

async function doctor(dir: string, version: string): Promise<Doc> {
  const r = await runMain(['doctor', '--state-dir', dir, '--openclaw-version', version, '--json', '--no-logs']);
  return parseJson<Doc>(r.stdout);
}
const fixText = (f: Finding | undefined) => JSON.stringify(f?.fix ?? {});

describe('a JSON-only state under a SQLite-era release', () => {
  it('8.1 imports at start: an info that says to (re)start the gateway, no `openclaw doctor --fix`', async () => {
    const { dir } = copyFixture('m16-8.1-json-not-imported');
    const doc = await doctor(dir, '2026.8.1');
    const m16 = doc.findings.find((f) => f.id === 'sqlite-migration');
    expect(m16?.severity).toBe('info');
    expect(m16?.title).toMatch(/imports the JSON store at its next start/);
    expect(fixText(m16)).toMatch(/restart\) the gateway/);
    expect(fixText(m16)).not.toMatch(/doctor --fix/);
  });

  it('9.6 (refused to start on the measured filesystem): the warning with the doctor --fix advice stays', async () => {
    const { dir } = copyFixture('m16-8.1-json-not-imported');
    const doc = await doctor(dir, '2026.9.6');
    const m16 = doc.findings.find((f) => f.id === 'sqlite-migration');
    expect(m16?.severity).toBe('warning');
    expect(m16?.title).toMatch(/the import has not run yet/);
  });
});

describe('legacy identity files beside the SQLite store', () => {
  function sqliteStateWith(files: string[]): string {
    const { dir } = copyFixture('sqlite-9.6-fresh');
    const from = copyFixture('m16-8.1-json-not-imported').dir;
    mkdirSync(path.join(dir, 'identity'), { recursive: true, mode: 0o700 });
    for (const f of files) copyFileSync(path.join(from, 'identity', f), path.join(dir, 'identity', f));
    return dir;
  }

  it('a leftover device-auth.json alone (what the 8.1 import leaves): info, not a warning', async () => {
    const doc = await doctor(sqliteStateWith(['device-auth.json']), '2026.8.1');
    const f = doc.findings.find((x) => x.id === 'legacy-identity-file');
    expect(f?.severity).toBe('info');
    expect(f?.title).toMatch(/left over from before the SQLite import/);
  });

  it('a legacy device.json (clients fail closed, measured on 8.2): still a warning', async () => {
    const doc = await doctor(sqliteStateWith(['device.json', 'device-auth.json']), '2026.8.1');
    const f = doc.findings.find((x) => x.id === 'legacy-identity-file');
    expect(f?.severity).toBe('warning');
    expect(f?.title).toMatch(/may refuse to start/);
  });
});
