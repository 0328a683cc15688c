/** Shared pieces of the family rules (M02-M16, L1-L4): log evidence, request-vs-device checks. */
import type { RequestOnFile } from '../core/findings.js';
import type { DeviceRecord, LogGroup, PendingRequest, Snapshot } from '../core/model.js';

/** Log groups of the given kinds (logs are second evidence: absent when no log was read). */
export function logGroups(snapshot: Snapshot, ...kinds: string[]): LogGroup[] {
  return (snapshot.logEvidence?.groups ?? []).filter((g) => kinds.includes(g.kind));
}

/** No pending requests: one shared empty list for the devices that have none. */
export const NONE: readonly PendingRequest[] = Object.freeze([]);

/** The same entries in the same order. */
export function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Pending requests by device id, in store order: one pass, instead of a filter over every request per device. */
export function requestsByDevice(requests: readonly PendingRequest[]): Map<string, PendingRequest[]> {
  const byDevice = new Map<string, PendingRequest[]>();
  for (const r of requests) {
    const list = byDevice.get(r.deviceId);
    if (list) list.push(r);
    else byDevice.set(r.deviceId, [r]);
  }
  return byDevice;
}

/** Same device AND same key: the only case where approving a request cannot hand the device to another key pair. */
function sameKeyPair(request: PendingRequest, device: DeviceRecord): boolean {
  return request.deviceId === device.deviceId && Boolean(request.publicKey) && request.publicKey === device.publicKey;
}

export function rolesOf(device: DeviceRecord): string[] {
  return device.roles ?? (device.role ? [device.role] : []);
}

const LOOPBACK = /^(127\.|::1$|::ffff:127\.|localhost$)/;
export function isLoopbackIp(ip: string | undefined): boolean {
  return !ip || LOOPBACK.test(ip.replace(/^\[|\]$/g, ''));
}

/** A request with its paired record, as the findings about it carry it. */
export function onFile(request: PendingRequest, device: DeviceRecord | undefined): RequestOnFile {
  return { request, device, sameKeyPair: device !== undefined && sameKeyPair(request, device) };
}
