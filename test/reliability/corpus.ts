/**
 * The bad-input corpus (fixtures/bad, from scripts/gen-bad-fixtures.mjs): load a case into a temp dir under a
 * path with spaces and unicode, build the cases that cannot be committed (directory, symlinks, unreadable,
 * foreign owner, 100 MB), and snapshot every file (bytes, mode, mtime) to prove nothing changed.
 */
import { createHash } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  closeSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { IS_ROOT, ROOT, tempDir } from '../helpers.js';

const BAD = path.join(ROOT, 'fixtures', 'bad');
/** OPENCLAW_FIX_TEST_BIN: run another build (e.g. a private copy while others rebuild dist/); default bin/openclaw-fix.js. */
export const TEST_BIN = process.env.OPENCLAW_FIX_TEST_BIN || undefined;
/** For test/support/hooked-cli.mjs: that same build's bundle. */
export const HOOKED_ENV: Record<string, string> = TEST_BIN ? { OPENCLAW_FIX_TEST_BUNDLE: path.resolve(path.dirname(TEST_BIN), '..', 'dist', 'bundle', 'main.js') } : {};
export const NOBODY = 65534;

export interface BadCase {
  name: string;
  description: string;
  openclawVersion: string;
  file: string | null;
  kind: string;
  setup?: 'directory' | 'symlink-loop' | 'dangling-symlink' | 'unreadable' | 'other-owner' | 'huge';
  secrets: string[];
  expect: {
    /** doctor's exit code: 1 (the seed loop, or a store finding), 0 (warnings only), 2 (cannot run). */
    doctor: 0 | 1 | 2;
    /** rotate --yes: 0 (fixed without touching the bad file; 1 when a problem it may not fix remains), 2 (refused, nothing changed). */
    rotate: 0 | 1 | 2;
    /** doctor names the file (a finding or the error) because it cannot be used as it is. */
    named: boolean;
  };
}

export function badCases(filter: (c: BadCase) => boolean = () => true): BadCase[] {
  return readdirSync(BAD)
    .sort()
    .map((name) => ({ name, ...(JSON.parse(readFileSync(path.join(BAD, name, 'case.json'), 'utf8')) as Omit<BadCase, 'name'>) }))
    .filter(filter);
}

export interface Loaded {
  dir: string;
  /** The user the CLI must run as for this case (uid/gid), when not root. */
  uid?: number;
  home?: string;
}

function walkAll(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? [p, ...walkAll(p)] : [p];
  });
}

/** A private copy of the case, with OpenClaw's modes (dirs 0700, files 0600), under "state with spaces ünïcødé ✓". */
/** A file another user owns can only be set up by root (see IS_ROOT). */
export const canLoad = (c: BadCase): boolean => c.setup !== 'other-owner' || IS_ROOT;

export function loadCase(c: BadCase): Loaded {
  const top = tempDir('ocf-bad-');
  chmodSync(top, 0o755);
  const dir = path.join(top, 'state with spaces ünïcødé ✓');
  cpSync(path.join(BAD, c.name), dir, { recursive: true });
  rmSync(path.join(dir, 'case.json'));
  chmodSync(dir, 0o700);
  for (const p of walkAll(dir)) chmodSync(p, lstatSync(p).isDirectory() ? 0o700 : 0o600);
  const file = c.file ? path.join(dir, c.file) : '';
  let uid: number | undefined;
  switch (c.setup) {
    case 'directory':
      rmSync(file);
      mkdirSync(file, { mode: 0o700 });
      writeFileSync(path.join(file, 'note.txt'), 'a directory where the JSON file belongs\n');
      break;
    case 'symlink-loop':
      rmSync(file);
      symlinkSync(`${path.basename(file)}.loop`, file);
      symlinkSync(path.basename(file), `${file}.loop`);
      break;
    case 'dangling-symlink':
      rmSync(file);
      symlinkSync('gone-since-last-reboot.json', file);
      break;
    case 'huge': {
      // 100 MB of valid JSON (one long string): written here, never committed.
      const fd = openSync(file, 'w', 0o600);
      const chunk = Buffer.alloc(1 << 20, 0x61);
      writeSync(fd, '{"x":"');
      for (let i = 0; i < 100; i++) writeSync(fd, chunk);
      writeSync(fd, '"}');
      closeSync(fd);
      break;
    }
    case 'unreadable':
      if (!IS_ROOT) {
        // Not root: this user's own file with mode 000 is the same refusal, run as this user.
        chmodSync(file, 0o000);
        break;
      }
    // falls through: as root, nobody's state with nobody's unreadable file, run as nobody
    case 'other-owner':
      // Run as nobody: the whole state is nobody's, except the case's file.
      uid = NOBODY;
      for (const p of [dir, ...walkAll(dir)]) chownSync(p, NOBODY, NOBODY);
      if (c.setup === 'unreadable') chmodSync(file, 0o000);
      else {
        chownSync(file, 0, 0);
        chmodSync(file, 0o644);
      }
      break;
  }
  if (uid === undefined) return { dir };
  const home = tempDir('ocf-home-');
  chownSync(home, NOBODY, NOBODY);
  return { dir, uid, home };
}

export interface Entry {
  kind: 'file' | 'dir' | 'link';
  sha?: string;
  mode: number;
  mtimeMs: number;
  uid: number;
  target?: string;
}

/** Every path under the state dir: content hash, mode, owner, mtime (lstat: links are not followed). */
export function treeState(dir: string): Record<string, Entry> {
  const out: Record<string, Entry> = {};
  for (const p of walkAll(dir)) {
    const st = lstatSync(p);
    const rel = path.relative(dir, p);
    if (st.isSymbolicLink()) out[rel] = { kind: 'link', mode: st.mode, mtimeMs: st.mtimeMs, uid: st.uid };
    else if (st.isDirectory()) out[rel] = { kind: 'dir', mode: st.mode, mtimeMs: 0, uid: st.uid };
    else {
      let sha = 'unreadable';
      try {
        sha = createHash('sha256').update(readFileSync(p)).digest('hex');
      } catch {
        // mode 000 as root is readable; as anyone else this stays "unreadable"
      }
      out[rel] = { kind: 'file', sha, mode: st.mode, mtimeMs: st.mtimeMs, uid: st.uid };
    }
  }
  return out;
}

export function readIfFile(file: string): Buffer | null {
  try {
    return existsSync(file) && lstatSync(file).isFile() ? readFileSync(file) : null;
  } catch {
    return null;
  }
}

/** A stack frame line, as Node prints them. */
export const STACK_LINE = /^\s+at .+(:\d+:\d+\)?|\(native\)|<anonymous>\)?)$/m;

/** Every changed or new path between two tree states (backups and the lock excluded by the caller). */
export function changedPaths(before: Record<string, Entry>, after: Record<string, Entry>): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k])).sort();
}
