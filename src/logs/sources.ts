/**
 * Where the install keeps its gateway logs (docs/openclaw.md "Logs"): the tslog file log in
 * /tmp/openclaw or os.tmpdir()/openclaw-<uid> (or `logging.file`), named openclaw-YYYY-MM-DD.log
 * (9.6 profiles: openclaw-<profile>-YYYY-MM-DD.log, rotated *.1.log); the macOS LaunchAgent logs; the
 * systemd user journal. Read-only, no parsing of the logs themselves.
 */
import { lstatSync, readdirSync, statSync, type Stats } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hooks } from '../core/hooks.js';
import { onPath } from '../core/installed-version.js';
import { systemdUnitName } from '../core/service-names.js';
import { ownerText } from '../core/users.js';
import type { StateLocation } from '../core/model.js';
import { readOpenclawJson } from '../store/config.js';
import { isPlainObject } from '../store/records.js';

type LogSourceKind = 'file' | 'stdin' | 'journal';

export interface LogSource {
  kind: LogSourceKind;
  /** File path, `-`, or the journal unit. */
  path: string;
  /** How it is named in reports. */
  label: string;
  mtimeMs?: number;
  /** For the journal: the journalctl binary found on PATH. */
  command?: string;
}

export interface FindOptions {
  location?: StateLocation;
  env: NodeJS.ProcessEnv;
  nowMs: number;
  /** Files last written before this are out of the window. */
  sinceMs: number;
  /** Keep only the newest N files (doctor keeps it fast). */
  maxFiles?: number;
  /** Gets one line for each log place found but not read because someone other than the gateway's user made it. */
  refused?: string[];
}

const DATED = /^openclaw(?:-([\w.-]+?))?-(\d{4}-\d{2}-\d{2})(?:\.\d+)?\.log(?:\.gz)?$/;

/** `logging.file` from openclaw.json, when set. */
function configuredLogFile(location: StateLocation): string | undefined {
  const logging = readOpenclawJson(location.configPath).value.logging;
  const file = isPlainObject(logging) ? logging.file : undefined;
  if (typeof file !== 'string' || !file.trim()) return undefined;
  const f = file.trim();
  return path.resolve(location.stateDir, f.startsWith('~/') ? path.join(location.home, f.slice(2)) : f);
}

/** The user the gateway runs as and writes its logs as: the state directory's owner (openclaw-fix may be root). */
function gatewayUid(location: StateLocation | undefined): number | undefined {
  if (location) {
    try {
      return statSync(location.stateDir).uid;
    } catch {
      // No state dir: whoever runs openclaw-fix.
    }
  }
  return process.getuid?.();
}

/**
 * The directories the gateway may write its dated file log to: /tmp/openclaw, and <tmp>/openclaw-<its uid> where
 * it goes when /tmp/openclaw is not its own (2.19+: a real directory it owns that nobody else may write).
 */
function fileLogDirs(uid: number | undefined): string[] {
  const root = hooks.logRoot ?? '/tmp';
  const tmp = hooks.logRoot ?? os.tmpdir();
  const dirs = [path.join(root, 'openclaw')];
  if (uid !== undefined) dirs.push(path.join(tmp, `openclaw-${uid}`));
  if (tmp !== root) dirs.push(path.join(tmp, 'openclaw'));
  return [...new Set(dirs)];
}

function statOf(file: string, follow: boolean): Stats | undefined {
  try {
    return follow ? statSync(file) : lstatSync(file);
  } catch {
    return undefined;
  }
}

/**
 * /tmp is everyone's: any local user can make /tmp/openclaw before the gateway does and fill it with lines that
 * name any device. The gateway logs only as its own user, into a directory only it may write (see fileLogDirs), so
 * a place (directory or file) owned by anyone else, or open to others' writes, may hold lines it did not write: it
 * is named, not read.
 */
function notTheGateways(s: Stats, uid: number | undefined): string | undefined {
  if (uid === undefined) return undefined;
  if (s.uid !== uid) return `it belongs to ${ownerText(s.uid)}, not to the gateway's user ${ownerText(uid)}`;
  // A directory: OpenClaw's own rule (no group or other write). A file: anyone may write it (a group-writable file
  // under a umask of 002 is the user's own group's, and sits in a directory already judged).
  const open = s.isDirectory() ? 0o022 : 0o002;
  if ((s.mode & open) !== 0) return `users other than ${ownerText(uid)} may write it (mode ${(s.mode & 0o7777).toString(8)})`;
  return undefined;
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** The log files of this install, newest first, within the window. */
export function findLogFiles(options: FindOptions): LogSource[] {
  const { location } = options;
  const profile = location?.profile;
  const uid = gatewayUid(location);
  const found = new Map<string, number>();
  const refuse = (place: string, why: string) => options.refused?.push(`${place}: not read: ${why}; the gateway does not log there.`);
  const consider = (file: string) => {
    const s = statOf(file, true);
    if (!s?.isFile() || s.mtimeMs < options.sinceMs) return;
    const why = notTheGateways(s, uid);
    if (why) refuse(file, why);
    else found.set(file, s.mtimeMs);
  };
  if (location?.demo) {
    // The bundled demo state carries the file log captured with it.
    consider(path.join(location.stateDir, 'gateway-file-log.jsonl'));
    return [...found].map(([p, mtimeMs]) => ({ kind: 'file', path: p, label: p, mtimeMs }));
  }
  const configured = location ? configuredLogFile(location) : undefined;
  if (configured) consider(configured);
  for (const dir of fileLogDirs(uid)) {
    const s = statOf(dir, false);
    if (s?.isSymbolicLink()) refuse(dir, 'it is a symbolic link');
    if (!s?.isDirectory()) continue;
    const why = notTheGateways(s, uid);
    if (why) {
      refuse(dir, why);
      continue;
    }
    for (const name of listDir(dir)) {
      const m = DATED.exec(name);
      if (!m) continue;
      // Before 9.6 every profile writes openclaw-DATE.log; from 9.6 a named profile writes openclaw-<profile>-DATE.log.
      if (m[1] !== undefined && m[1] !== profile) continue;
      consider(path.join(dir, name));
    }
  }
  if (location) {
    const launchd = [path.join(location.stateDir, 'logs'), path.join(location.home, 'Library', 'Logs', 'openclaw')];
    for (const dir of launchd) for (const name of ['gateway.log', 'gateway.err.log']) consider(path.join(dir, name));
  }
  const files = [...found].sort((a, b) => b[1] - a[1]);
  const kept = options.maxFiles ? files.slice(0, options.maxFiles) : files;
  return kept.map(([p, mtimeMs]) => ({ kind: 'file', path: p, label: p, mtimeMs }));
}

/** The systemd user journal of the gateway unit, when journalctl exists here. */
export function findJournal(options: FindOptions): LogSource | undefined {
  if (options.location?.demo) return undefined;
  const command = onPath('journalctl', options.env);
  if (!command) return undefined;
  const unit = systemdUnitName(options.location?.profile, options.env);
  return { kind: 'journal', path: unit, label: `journal:${unit}`, command };
}

/** `--log` arguments as sources: `-` is stdin; everything else a file, checked when read. */
export function explicitSources(logs: string[], cwd = process.cwd()): LogSource[] {
  return logs.map((l) => (l === '-' ? { kind: 'stdin', path: '-', label: 'stdin' } : { kind: 'file', path: path.resolve(cwd, l), label: l }));
}
