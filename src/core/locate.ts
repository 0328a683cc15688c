/** Where the state is, resolved exactly as OpenClaw resolves it (docs/openclaw.md "Where the state is"). */
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { deniedDirectory, notThisUserError } from './bounded-read.js';
import { CannotRunError, errnoCode } from './errors.js';
import type { StateLocation } from './model.js';

export interface LocateOptions {
  stateDir?: string;
  profile?: string;
  dev?: boolean;
  config?: string;
  /** Absolute path of the bundled demo state, when --demo was given. */
  demoDir?: string;
}

const PROFILE_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/i;
const LEGACY_DIRS = ['.clawdbot', '.moldbot', '.moltbot'];

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function expandHome(p: string, home: string): string {
  if (p === '~') return home;
  if (p.startsWith('~/') || p.startsWith('~\\')) return path.join(home, p.slice(2));
  return p;
}

/** OPENCLAW_HOME, then HOME, USERPROFILE, the OS home. */
function resolveHome(env: NodeJS.ProcessEnv): string {
  const osHome = nonEmpty(env.HOME) ?? nonEmpty(env.USERPROFILE) ?? os.homedir();
  const override = nonEmpty(env.OPENCLAW_HOME);
  return override ? path.resolve(expandHome(override, osHome)) : osHome;
}

export function locateState(options: LocateOptions, env: NodeJS.ProcessEnv, cwd = process.cwd()): StateLocation {
  const home = resolveHome(env);
  if (options.profile && options.dev) {
    throw new CannotRunError('usage', '--dev is the profile "dev"; it cannot be combined with --profile.');
  }
  const profileRaw = options.dev ? 'dev' : nonEmpty(options.profile) ?? nonEmpty(env.OPENCLAW_PROFILE);
  if (profileRaw !== undefined && !PROFILE_NAME.test(profileRaw)) {
    throw new CannotRunError('usage', `Invalid profile name "${profileRaw}": use letters, digits, "-" and "_" (up to 64).`);
  }
  const profile = profileRaw === undefined || profileRaw.toLowerCase() === 'default' ? undefined : profileRaw.toLowerCase();

  let stateDir: string;
  let source: string;
  if (options.demoDir) {
    stateDir = options.demoDir;
    source = 'demo';
  } else if (options.stateDir) {
    stateDir = path.resolve(cwd, expandHome(options.stateDir, home));
    source = '--state-dir';
  } else if (nonEmpty(env.OPENCLAW_STATE_DIR)) {
    stateDir = path.resolve(cwd, expandHome(nonEmpty(env.OPENCLAW_STATE_DIR)!, home));
    source = 'OPENCLAW_STATE_DIR';
  } else if (nonEmpty(env.CLAWDBOT_STATE_DIR)) {
    stateDir = path.resolve(cwd, expandHome(nonEmpty(env.CLAWDBOT_STATE_DIR)!, home));
    source = 'CLAWDBOT_STATE_DIR';
  } else if (profile) {
    stateDir = path.join(home, `.openclaw-${profile}`);
    source = options.dev ? '--dev' : options.profile ? '--profile' : 'OPENCLAW_PROFILE';
  } else {
    const primary = path.join(home, '.openclaw');
    const legacy = LEGACY_DIRS.map((d) => path.join(home, d)).find((d) => isDirectory(d));
    if (!isDirectory(primary) && legacy) {
      stateDir = legacy;
      source = 'legacy directory';
    } else {
      stateDir = primary;
      source = 'default';
    }
  }

  // An explicit --state-dir or --demo points at another install: the environment's config path belongs to the default one.
  const explicitDir = source === 'demo' || source === '--state-dir';
  let configPath: string;
  let configSource: string;
  if (options.config) {
    configPath = path.resolve(cwd, expandHome(options.config, home));
    configSource = '--config';
  } else if (!explicitDir && nonEmpty(env.OPENCLAW_CONFIG_PATH)) {
    configPath = path.resolve(cwd, expandHome(nonEmpty(env.OPENCLAW_CONFIG_PATH)!, home));
    configSource = 'OPENCLAW_CONFIG_PATH';
  } else {
    const names = ['openclaw.json', 'clawdbot.json', 'moldbot.json', 'moltbot.json'];
    const found = names.map((n) => path.join(stateDir, n)).find((p) => existsSync(p));
    configPath = found ?? path.join(stateDir, 'openclaw.json');
    configSource = 'state dir';
  }

  return { stateDir, source, profile, configPath, configSource, home, demo: source === 'demo' };
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Refuses a state dir that does not exist or is not a directory, with the next step. */
export function assertStateDir(location: StateLocation): void {
  let stat;
  try {
    stat = statSync(location.stateDir);
  } catch (error) {
    // A directory on the way this user may not enter is not a missing state: it is the wrong user.
    const blocked = errnoCode(error) === 'EACCES' ? deniedDirectory(location.stateDir) : undefined;
    if (blocked) throw notThisUserError(location.stateDir, blocked);
    const how =
      location.source === 'default'
        ? 'OpenClaw keeps its state there after `openclaw onboard` or the first `openclaw gateway run`.'
        : `It came from ${location.source}.`;
    throw new CannotRunError(
      'no-state',
      `No OpenClaw state directory at ${location.stateDir}. ${how} Point openclaw-fix at it with --state-dir DIR or --profile NAME, or try the bundled demo with --demo.`,
      location.stateDir,
    );
  }
  if (!stat.isDirectory()) {
    throw new CannotRunError('not-a-directory', `${location.stateDir} is not a directory; --state-dir takes OpenClaw's state directory (the one holding devices/ and identity/).`, location.stateDir);
  }
  // Root-owned 0700 state read by another user: every file would look "unreadable, restore it" (M15, M09),
  // which is the wrong diagnosis; the files are fine, the user is wrong.
  try {
    accessSync(location.stateDir, constants.R_OK | constants.X_OK);
  } catch (error) {
    if (errnoCode(error) === 'EACCES') throw notThisUserError(location.stateDir, { dir: location.stateDir, stat });
  }
}
