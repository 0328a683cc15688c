/**
 * The state after rotate wrote a spliced paired.json (editor.ts: only the target's value was re-serialized into
 * the file's own bytes), for the final re-diagnosis, without parsing every device of a 10,000-device store again.
 *
 * Sound only under two conditions, both checked here or by the caller:
 * - the caller pairs the splice with the snapshot whose bytes it was rendered from (rotate renders from the
 *   bytes that snapshot kept, and its compare-and-swap proved the file still held them at the rename), and
 * - the file on disk now is byte for byte what was written (read back and compared here).
 * Then paired.json is the bytes that snapshot parsed with one top-level value replaced: every other device
 * record stands as read, and the target's is read from its own bytes on disk. Every other file (pending.json,
 * identity, device-auth.json, the config, the notable files, the service token) is read again in full, as
 * takeSnapshot reads it. Anything else (a database appeared, the file moved on) returns undefined: the caller
 * takes a full snapshot.
 */
import { lstatSync } from 'node:fs';
import type { DeviceRecord, FileInfo, Snapshot } from '../core/model.js';
import { readGatewayConfig } from '../store/config.js';
import { notableStateFiles, serviceTokens } from '../store/extras.js';
import { readDeviceAuth, readIdentity } from '../store/identity.js';
import { pathPresent, sqlitePath } from '../store/index.js';
import { checkStoreShape, jsonStorePaths, pendingRequestsOf, toPairedDevice } from '../store/json-store.js';
import { readJsonFile } from '../store/read-file.js';
import { fileHolds } from './atomic.js';
import type { SplicedFile } from './editor.js';

export function snapshotAfterSplice(before: Snapshot, spliced: SplicedFile, options: { env: NodeJS.ProcessEnv; nowMs?: number }): Snapshot | undefined {
  const { store, location } = before;
  const stateDir = location.stateDir;
  const paths = jsonStorePaths(stateDir);
  if (store.kind !== 'json' || before.legacyStore || store.paired.status !== 'ok' || spliced.file !== paths.paired) return undefined;
  // takeSnapshot would judge a database that appeared meanwhile: leave that to it.
  if (pathPresent(sqlitePath(stateDir))) return undefined;
  let link;
  try {
    link = lstatSync(paths.paired);
    if (!link.isFile() || !fileHolds(paths.paired, spliced.after)) return undefined;
  } catch {
    return undefined;
  }

  // What readJsonStore makes of the target's entry, from the bytes now on disk (the spliced value is those bytes).
  const target = toPairedDevice(spliced.key, JSON.parse(spliced.value) as unknown, before.identity.deviceId);
  let found = false;
  const devices: DeviceRecord[] = store.devices.map((d) => {
    if (d.key !== spliced.key) return d;
    found = true;
    return target;
  });
  if (!found) return undefined;
  // readJsonFile's info for this file: a splice is only made where there is no BOM and no carriage return (member-span.ts).
  const paired: FileInfo = {
    path: paths.paired,
    status: 'ok',
    stat: { mode: link.mode & 0o7777, uid: link.uid, gid: link.gid, size: link.size, mtimeMs: link.mtimeMs, isFile: true, isSymlink: false },
  };

  const pendingRaw = readJsonFile(paths.pending, { hash: false });
  const pending = checkStoreShape(pendingRaw, 'pending');
  const pendingRequests = pendingRequestsOf(pendingRaw, pending);

  return {
    ...before,
    config: readGatewayConfig(location.configPath, options.env, location.profile),
    identity: readIdentity(stateDir),
    deviceAuth: readDeviceAuth(stateDir),
    store: { kind: 'json', path: paths.paired, paired, pending, devices, pendingRequests },
    uid: process.getuid?.() ?? -1,
    nowMs: options.nowMs ?? Date.now(),
    stateFiles: notableStateFiles(stateDir),
    serviceTokens: serviceTokens(stateDir, location.home, location.profile, options.env),
  };
}
