/**
 * guard and the paths it pins (issue 16, case 8): never a Node that a version manager, npx or the temp dir may
 * delete; every path written into the drop-in as systemd reads it back (`%` and `$` are not expanded, quotes and
 * spaces survive), checked by parsing the ExecStartPre= line the way systemd does.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, linkSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, FIXTURES, ROOT, tempDir } from '../helpers.js';

const FAKES = path.join(ROOT, 'test', 'fakes');

/** A `node` outside node_modules and the temp dir (a Node installed system-wide): a wrapper running the tests' Node. */
function stableNodeOnPath(home: string): string {
  const dir = path.join(home, 'bin');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'node'), `#!/bin/sh\nexec '${process.execPath}' "$@"\n`, { mode: 0o755 });
  return dir;
}

/** systemd's reading of an Exec line's words: quotes, backslash escapes, then `%%` -> `%` and `$$` -> `$` (a lone one would be expanded). */
function systemdWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (!quoted && /\s/.test(ch)) {
      if (word !== undefined) words.push(word);
      word = undefined;
      continue;
    }
    word ??= '';
    if (ch === '"') quoted = !quoted;
    else if (ch === '\\') word += line[++i] ?? '';
    else if (ch === '%' || ch === '$') {
      if (line[i + 1] !== ch) throw new Error(`systemd would expand ${ch}${line[i + 1]} in ${line}`);
      word += ch;
      i++;
    } else word += ch;
  }
  if (quoted) throw new Error(`unbalanced quote in ${line}`);
  if (word !== undefined) words.push(word);
  return words;
}

function unitHome(): { home: string; env: Record<string, string>; dropin: string } {
  const home = tempDir();
  const unitDir = path.join(home, '.config', 'systemd', 'user');
  mkdirSync(unitDir, { recursive: true });
  writeFileSync(path.join(unitDir, 'openclaw-gateway.service'), '[Unit]\nDescription=OpenClaw Gateway\n[Service]\nExecStart=/usr/bin/node /usr/lib/node_modules/openclaw/dist/entry.js gateway\n');
  const tmp = path.join(home, 'tmp');
  mkdirSync(tmp);
  const env = { HOME: home, LANG: 'C.UTF-8', XDG_CONFIG_HOME: path.join(home, '.config'), FAKE_SERVICE_LOG: path.join(home, 'service.log'), TMPDIR: tmp, PATH: `${FAKES}:/usr/bin:/bin` };
  return { home, env, dropin: path.join(unitDir, 'openclaw-gateway.service.d', 'openclaw-fix.conf') };
}

function run(node: string, args: string[], env: Record<string, string>) {
  const r = spawnSync(node, [BIN, ...args], { env, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('guard escapes paths for systemd', () => {
  it('a state dir with %, $, spaces, quotes and a backslash reads back exactly', () => {
    const t = unitHome();
    const state = path.join(t.home, `st %h $USER "q" a\\b`, '.openclaw');
    cpSync(path.join(FIXTURES, '2.19-fixed'), state, { recursive: true });
    const r = run(process.execPath, ['guard', 'install', '--yes', '--state-dir', state], { ...t.env, PATH: `${FAKES}:${stableNodeOnPath(t.home)}:/usr/bin:/bin` });
    expect(r.code, r.stderr).toBe(0);
    const line = readFileSync(t.dropin, 'utf8').split('\n').find((l) => l.startsWith('ExecStartPre=-'))!;
    const words = systemdWords(line.slice('ExecStartPre=-'.length));
    expect(words.slice(1)).toEqual([BIN, 'check', '--fix', '--no-restart', '--quiet', '--from-guard', '--state-dir', state]);
    expect(words[0]).toBe(path.join(t.home, 'bin', 'node'));
  });
});

describe('guard never pins a Node that can disappear', () => {
  /** The Node binary itself placed under `rel` in the home (hard link when possible): process.execPath is then there. */
  function nodeAt(home: string, rel: string): string {
    const target = path.join(home, rel);
    mkdirSync(path.dirname(target), { recursive: true });
    try {
      linkSync(process.execPath, target);
    } catch {
      copyFileSync(process.execPath, target);
    }
    return target;
  }

  it.each([
    ['.nvm/versions/node/v22.23.3/bin/node', /nvm version directory/],
    ['.volta/tools/image/node/22.23.3/bin/node', /volta version directory/],
    ['proj/node_modules/node/bin/node', /node_modules/],
  ])('%s, with no other Node 22.13+ on PATH: refused, nothing written', (rel, why) => {
    const t = unitHome();
    const node = nodeAt(t.home, rel);
    const r = run(node, ['guard', 'install', '--yes', '--state-dir', path.join(FIXTURES, '2.19-fixed')], t.env);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stderr).toMatch(why);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(spawnSync('test', ['-e', t.dropin]).status).not.toBe(0);
  });

  it('with a stable Node on PATH: the drop-in uses it, and says so', () => {
    const t = unitHome();
    const node = nodeAt(t.home, '.nvm/versions/node/v22.23.3/bin/node');
    const stable = stableNodeOnPath(t.home);
    const r = run(node, ['guard', 'install', '--yes', '--state-dir', path.join(FIXTURES, '2.19-fixed')], { ...t.env, PATH: `${FAKES}:${stable}:/usr/bin:/bin` });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stderr).toMatch(/nvm version directory.*the guard uses .*bin\/node/);
    const line = readFileSync(t.dropin, 'utf8').split('\n').find((l) => l.startsWith('ExecStartPre=-'))!;
    expect(systemdWords(line.slice('ExecStartPre=-'.length))[0]).toBe(path.join(stable, 'node'));
  });
});
