/** Reads everything a diagnosis needs, read-only, in one pass. Nothing here writes or prints. */
import { statSync } from 'node:fs';
import path from 'node:path';
import { readGatewayConfig } from '../store/config.js';
import { readDeviceAuth, readIdentity } from '../store/identity.js';
import { notableStateFiles, serviceTokens } from '../store/extras.js';
import { readStore } from '../store/index.js';
import { deniedDirectory, notThisUserError, readSmallText } from './bounded-read.js';
import { CannotRunError } from './errors.js';
import { portAnswers } from './gateway-port.js';
import { detectInstalledVersion } from './installed-version.js';
import { knowledgeForString } from './knowledge.js';
import { assertStateDir, locateState, type LocateOptions } from './locate.js';
import type { FileInfo, InstalledVersion, Snapshot } from './model.js';
import type { Runner } from './runner.js';
import { ownerText, runAsHint } from './users.js';
import { parseVersion } from './version.js';

export interface SnapshotOptions extends LocateOptions {
  openclawVersion?: string;
  env: NodeJS.ProcessEnv;
  cwd?: string;
  nowMs?: number;
  /**
   * false: skip the sha256 of the JSON store files (FileInfo.sha256). Only a command that writes compares them
   * (compare-and-swap); read-only doctor leaves them out: 11 MB of hashing on a 10,000-device store.
   */
  hashStore?: boolean;
  /**
   * Knock once on the gateway's port (Snapshot.gatewayRunning): doctor and check report it, rotate and restore
   * decide how to write around a running gateway. logs and the re-reads during a write do not ask.
   */
  knockGateway?: boolean;
  /** Runs `openclaw --version` when nothing else names the release (tests pass their own). */
  runner?: Runner;
}

/** One loopback TCP connect: refused or accepted by the kernel at once; the bound is for a port a firewall drops. */
const GATEWAY_KNOCK_TIMEOUT_MS = 300;

/** The demo state ships a `demo.json` naming the release it was captured from. */
function demoVersion(stateDir: string): string | null {
  try {
    const meta = JSON.parse(readSmallText(path.join(stateDir, 'demo.json')) ?? '') as { openclawVersion?: unknown };
    return typeof meta.openclawVersion === 'string' ? meta.openclawVersion : null;
  } catch {
    return null;
  }
}

async function resolveVersion(options: SnapshotOptions, home: string, profile: string | undefined, stateDir: string, demo: boolean): Promise<InstalledVersion> {
  if (options.openclawVersion) {
    const parsed = parseVersion(options.openclawVersion);
    if (!parsed) {
      throw new CannotRunError('usage', `--openclaw-version "${options.openclawVersion}" is not an OpenClaw version (expected e.g. 2026.2.19).`);
    }
    return { version: parsed.raw, source: 'flag' };
  }
  if (demo) {
    const version = demoVersion(stateDir);
    if (version) return { version, source: 'demo' };
  }
  return detectInstalledVersion(options.env, home, profile, options.runner);
}

export async function takeSnapshot(options: SnapshotOptions): Promise<Snapshot> {
  const location = locateState(options, options.env, options.cwd);
  assertStateDir(location);
  const version = await resolveVersion(options, location.home, location.profile, location.stateDir, location.demo);
  const release = knowledgeForString(version.version ?? undefined);
  const config = readGatewayConfig(location.configPath, options.env, location.profile);
  const fileIdentity = readIdentity(location.stateDir);
  const fileDeviceAuth = readDeviceAuth(location.stateDir);
  const storeRead = await readStore(location.stateDir, release, { hash: options.hashStore !== false, hostDeviceId: fileIdentity.deviceId ?? undefined });
  const { store, legacyStore } = storeRead;
  refuseForeignUnreadable(store.paired);
  for (const file of [config.file, fileIdentity.file, fileDeviceAuth.file, store.paired, store.pending]) refuseUnreachable(file);
  // SQLite era (2026.8.1+): identity and device tokens live in the database; identity/*.json are legacy leftovers.
  const identity = storeRead.identity ?? fileIdentity;
  const deviceAuth = storeRead.deviceAuth ?? fileDeviceAuth;
  const legacyIdentity = storeRead.identity && fileIdentity.file.status !== 'missing' ? fileIdentity : undefined;
  const legacyDeviceAuth = storeRead.deviceAuth && fileDeviceAuth.file.status !== 'missing' ? fileDeviceAuth : undefined;
  // A port no socket can use is reported by the config rule; nothing is knocked on.
  const gatewayRunning = options.knockGateway && !config.portInvalid ? await portAnswers(config.port, '127.0.0.1', GATEWAY_KNOCK_TIMEOUT_MS) : undefined;
  return {
    location,
    version,
    release,
    config,
    identity,
    deviceAuth,
    store,
    legacyStore,
    ...(legacyIdentity ? { legacyIdentity } : {}),
    ...(legacyDeviceAuth ? { legacyDeviceAuth } : {}),
    ...(storeRead.sqliteSchemaVersion !== undefined ? { sqliteSchemaVersion: storeRead.sqliteSchemaVersion } : {}),
    uid: process.getuid?.() ?? -1,
    ...ownerOf(location.stateDir),
    nowMs: options.nowMs ?? Date.now(),
    stateFiles: notableStateFiles(location.stateDir),
    serviceTokens: serviceTokens(location.stateDir, location.home, location.profile, options.env),
    ...(gatewayRunning !== undefined ? { gatewayRunning } : {}),
  };
}

function ownerOf(dir: string): { stateDirUid?: number } {
  try {
    return { stateDirUid: statSync(dir).uid };
  } catch {
    return {};
  }
}

/** A state file behind a directory this user may not enter (identity/ 0700 of another user): wrong user, not corruption. */
function refuseUnreachable(file: FileInfo): void {
  if (file.status !== 'unreadable' || file.stat) return;
  const blocked = deniedDirectory(file.path);
  if (blocked) throw notThisUserError(file.path, blocked);
}

/**
 * A store this user may not read is not a broken store: the gateway (its owner) reads it fine. We
 * cannot judge it, so this is "could not run", with the user to run as.
 */
function refuseForeignUnreadable(file: FileInfo): void {
  if (file.status !== 'unreadable' || !file.stat || file.stat.isSymlink) return;
  const mine = file.stat.uid === (process.getuid?.() ?? -1);
  const mode = file.stat.mode.toString(8).padStart(4, '0');
  // Our own file with its read bit removed: running as ourselves again would not help; its mode is the fix.
  const what = mine
    ? `it is yours but mode ${mode}, so not even you may read it. OpenClaw writes it 0600: chmod 600 '${file.path}', then run again`
    : `it belongs to ${ownerText(file.stat.uid)}, mode ${mode}, and this is ${ownerText(process.getuid?.() ?? -1)}. Run openclaw-fix as the user that runs the gateway (${runAsHint(file.stat.uid)})`;
  throw new CannotRunError('permission-denied', `Cannot read ${file.path}: ${what}.`, file.path);
}
