/**
 * The one way openclaw-fix reaches a place it writes under a state dir (or a named output dir): one path
 * component at a time, never through a link it did not create, never outside that dir.
 *
 * Why: openclaw-fix runs as root (the guard, `check --fix` from a timer, `sudo rotate`) on a state dir its
 * owner, a less trusted user, can shape. A link planted at `devices/`, `backups/` or the lock would turn a
 * root write into a write anywhere. Each directory is opened with O_DIRECTORY|O_NOFOLLOW and held open; on
 * Linux every later step goes through /proc/self/fd/<fd>/, so swapping a directory for a link after it was
 * checked cannot redirect the write (what openat() does in C). Elsewhere the path itself is used, checked
 * component by component just before use.
 *
 * Run as root on a state owned by another user, everything created here is handed to that user (the state
 * dir's owner), so they can list, restore and rotate afterwards.
 */
import { closeSync, constants, existsSync, fchmodSync, fchownSync, fstatSync, lstatSync, mkdirSync, openSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { CannotRunError, errnoCode, unchanged } from '../core/errors.js';

export interface Owner {
  uid: number;
  gid: number;
}

const NOFOLLOW = constants.O_NOFOLLOW ?? 0;
const DIRECTORY = constants.O_DIRECTORY ?? 0;
/** /proc/self/fd/N resolves to the directory the fd holds, wherever it was moved: openat() for Node. */
const PIN = process.platform === 'linux' && existsSync('/proc/self/fd');

function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/**
 * Who should own what openclaw-fix creates in `stateDir`: its owner, when this is root and the state is
 * another user's; undefined otherwise (files are then created as the user running, who owns the state).
 */
export function stateOwner(stateDir: string): Owner | undefined {
  if (!isRoot()) return undefined;
  try {
    const st = lstatSync(stateDir);
    // The state dir itself may be a link the operator made (~/.openclaw -> /data/openclaw): its target's owner.
    const real = st.isSymbolicLink() ? fstatOf(stateDir) : st;
    return real.uid === 0 ? undefined : { uid: real.uid, gid: real.gid };
  } catch {
    return undefined;
  }
}

function fstatOf(dir: string) {
  const fd = openSync(dir, constants.O_RDONLY | DIRECTORY);
  try {
    return fstatSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The one line for a link where openclaw-fix writes (exit 2, nothing written). */
export function linkRefused(shown: string): CannotRunError {
  let to = '?';
  try {
    to = readlinkSync(shown);
  } catch {
    // Gone or not a link any more: the name is what matters.
  }
  const refusal = `${shown} is a symbolic link (to ${to}); openclaw-fix never writes through a link it did not create, as root that could change files outside this state. Replace it with the real directory or file (or remove it), then run again.`;
  return unchanged(new CannotRunError('symlink-refused', `${refusal} Nothing was changed.`, shown), refusal);
}

/** `rel` split into components; refused when it would leave `root` (.., absolute). */
function components(root: string, rel: string): string[] {
  const norm = path.normalize(rel);
  if (path.isAbsolute(rel) || norm === '..' || norm.startsWith(`..${path.sep}`)) {
    throw unchanged(new CannotRunError('outside-state', `${path.join(root, rel)} is outside ${root}; openclaw-fix writes only inside it. Nothing was changed.`, path.join(root, rel)));
  }
  return norm.split(path.sep).filter((c) => c && c !== '.');
}

/**
 * Refuses (exit 2, naming it) when any existing component of these paths below `root` is a link. Called before
 * anything is written, so a planted link means nothing at all was changed. Missing components are fine.
 */
export function refuseLinks(root: string, rels: string[]): void {
  for (const rel of rels) {
    let at = root;
    for (const part of components(root, rel)) {
      at = path.join(at, part);
      let st;
      try {
        st = lstatSync(at);
      } catch {
        break;
      }
      if (st.isSymbolicLink()) throw linkRefused(at);
      if (!st.isDirectory()) break;
    }
  }
}

/** A directory below the root, held open: `join(name)` is a path that reaches exactly this directory's entry. */
export interface PinnedDir {
  /** What to show the user. */
  shown: string;
  /** What to hand the file system: /proc/self/fd/N on Linux, else the checked path. */
  via: string;
  fd: number;
  join(name: string): string;
  close(): void;
}

function pin(fd: number, shown: string): PinnedDir {
  const via = PIN ? `/proc/self/fd/${fd}` : shown;
  let closed = false;
  return {
    shown,
    via,
    fd,
    join: (name) => path.join(via, name),
    close: () => {
      if (closed) return;
      closed = true;
      closeSync(fd);
    },
  };
}

function openNoFollow(p: string): number {
  return openSync(p, constants.O_RDONLY | DIRECTORY | NOFOLLOW);
}

export interface OpenDirOptions {
  /** Create missing directories (each one with this mode, handed to `owner` when root). */
  create?: { mode: number; owner?: Owner };
}

/**
 * Opens `relDir` below `root` (the root itself is trusted: the state dir the operator named), one component
 * at a time without following links. A link, or a component that is not a directory, is refused (exit 2).
 */
export function openDir(root: string, relDir: string, options: OpenDirOptions = {}): PinnedDir {
  const parts = components(root, relDir);
  // The root's own open error (ENOENT, EACCES...) goes to the caller as is: each says it in its own words
  // ("Cannot write X: ... is not an existing directory", "Cannot create the lock file ...").
  const fd = openSync(root, constants.O_RDONLY | DIRECTORY);
  let dir = pin(fd, root);
  for (const part of parts) {
    const shown = path.join(dir.shown, part);
    const next = dir.join(part);
    let child: number;
    try {
      child = openNoFollow(next);
    } catch (error) {
      const code = errnoCode(error);
      if (code === 'ENOENT' && options.create) {
        try {
          mkdirSync(next, { mode: options.create.mode });
        } catch (made) {
          // Another run made it at the same moment: opened (and checked) below like any existing one.
          if (errnoCode(made) !== 'EEXIST') {
            dir.close();
            throw unchanged(new CannotRunError('write-failed', `Cannot create ${shown} (${errnoCode(made) ?? 'error'}); nothing was changed.`, shown));
          }
        }
        try {
          child = openNoFollow(next);
        } catch (again) {
          dir.close();
          throw refusal(again, shown);
        }
        // mkdir's mode is cut by the umask; the documented mode is set on what we hold, then handed over.
        const created = options.create;
        if (fstatSync(child).uid === process.getuid?.()) {
          fchmodSync(child, created.mode);
          if (created.owner && isRoot()) fchownSync(child, created.owner.uid, created.owner.gid);
        }
      } else {
        dir.close();
        throw refusal(error, shown);
      }
    }
    dir.close();
    dir = pin(child, shown);
  }
  return dir;
}

function refusal(error: unknown, shown: string): CannotRunError {
  const code = errnoCode(error);
  let st;
  try {
    st = lstatSync(shown);
  } catch {
    // Vanished: say what open said.
  }
  if (st?.isSymbolicLink() || code === 'ELOOP') return linkRefused(shown);
  if (code === 'ENOTDIR' || (st && !st.isDirectory())) {
    const refusal = `${shown} is not a directory; openclaw-fix writes only into real directories. Move it aside, then run again.`;
    return unchanged(new CannotRunError('not-regular', `${refusal} Nothing was changed.`, shown), refusal);
  }
  if (code === 'ENOENT') return unchanged(new CannotRunError('cannot-inspect', `${shown} does not exist; nothing was changed.`, shown), `${shown} does not exist.`);
  return unchanged(new CannotRunError('write-failed', `Cannot open ${shown} (${code ?? 'error'}); nothing was changed.`, shown), `Cannot open ${shown} (${code ?? 'error'}).`);
}

/** Opens the directory that holds `file` (below `root`): the pinned dir and the file's own name in it. */
export function openParent(root: string, file: string, options: OpenDirOptions = {}): { dir: PinnedDir; name: string } {
  const rel = path.relative(root, path.dirname(file));
  const dir = openDir(root, rel, options);
  return { dir, name: path.basename(file) };
}
