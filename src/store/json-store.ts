/** The JSON-era device store: <state>/devices/paired.json and pending.json (2026.1 - 2026.7). */
import path from 'node:path';
import type { DeviceRecord, FileInfo, PendingRequest, StoreView } from '../core/model.js';
import { readJsonFile, type RawFile, type ReadOptions } from './read-file.js';
import { isHostEntry, isPlainObject, looksLikePendingRequest, toDeviceRecord, toPendingRequest, typeName } from './records.js';

export function jsonStorePaths(stateDir: string): { paired: string; pending: string } {
  return { paired: path.join(stateDir, 'devices', 'paired.json'), pending: path.join(stateDir, 'devices', 'pending.json') };
}

/** Marks a parsed file whose top level is not the object-keyed-by-id shape OpenClaw writes. */
function checkStoreShape(raw: RawFile, what: 'paired' | 'pending'): FileInfo {
  const info = raw.info;
  if (info.status !== 'ok') return info;
  const value = raw.value;
  if (isPlainObject(value)) {
    if (Array.isArray(value.paired) || Array.isArray(value.pending)) {
      return {
        ...info,
        status: 'wrong-shape',
        listShape: true,
        problem: 'holds the output of `openclaw devices list --json` ({pending: [...], paired: [...]}), not the store OpenClaw writes (an object keyed by ' + (what === 'paired' ? 'deviceId' : 'requestId') + ')',
      };
    }
    return info;
  }
  return {
    ...info,
    status: 'wrong-shape',
    problem: `is ${typeName(value)} at the top level; OpenClaw stores an object keyed by ${what === 'paired' ? 'deviceId' : 'requestId'}`,
  };
}

/** What the store makes of one paired.json entry. */
function toPairedDevice(key: string, value: unknown, hostDeviceId: string | undefined): DeviceRecord {
  const device = toDeviceRecord(key, value, isHostEntry(key, value, hostDeviceId));
  if (looksLikePendingRequest(value)) device.shapeProblems.push(`entry ${key.slice(0, 8)}… is a pending request (requestId, isRepair, ts), not a paired device`);
  return device;
}

/** The requests of a read pending.json: none unless it parsed to the shape OpenClaw writes (`info`, from checkStoreShape). */
function pendingRequestsOf(raw: RawFile, info: FileInfo): PendingRequest[] {
  return info.status === 'ok' && isPlainObject(raw.value) ? Object.entries(raw.value).flatMap(([key, value]) => toPendingRequest(key, value) ?? []) : [];
}

export function readJsonStore(stateDir: string, options: ReadOptions = {}): StoreView {
  const paths = jsonStorePaths(stateDir);
  const pairedRaw = readJsonFile(paths.paired, options);
  const pendingRaw = readJsonFile(paths.pending, options);
  const paired = checkStoreShape(pairedRaw, 'paired');
  const pending = checkStoreShape(pendingRaw, 'pending');
  const devices = paired.status === 'ok' && isPlainObject(pairedRaw.value) ? Object.entries(pairedRaw.value).map(([key, value]) => toPairedDevice(key, value, options.hostDeviceId)) : [];
  const pendingRequests = pendingRequestsOf(pendingRaw, pending);
  return { kind: 'json', path: paths.paired, paired, pending, devices, pendingRequests };
}
