/** Shared pieces of the family rules (M02-M16, L1-L4): log evidence, request-vs-device checks, approve lines. */
import type { DeviceRecord, LogGroup, PendingRequest, Snapshot } from '../core/model.js';
import { scopeList, shortId } from './text.js';

/** Log groups of the given kinds (logs are second evidence: absent when no log was read). */
export function logGroups(snapshot: Snapshot, ...kinds: string[]): LogGroup[] {
  return (snapshot.logEvidence?.groups ?? []).filter((g) => kinds.includes(g.kind));
}

export function logLine(g: LogGroup): string {
  const when = g.lastAt ? `, last ${g.lastAt}` : '';
  return `log: ${g.count}x ${g.sample}${when}`;
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
export function sameKeyPair(request: PendingRequest, device: DeviceRecord): boolean {
  return request.deviceId === device.deviceId && Boolean(request.publicKey) && request.publicKey === device.publicKey;
}

export function rolesOf(device: DeviceRecord): string[] {
  return device.roles ?? (device.role ? [device.role] : []);
}

/** "asks X; holds Y" evidence, shown before any approve command. */
export function requestVsDevice(request: PendingRequest, device: DeviceRecord | undefined): string[] {
  const who = `${request.clientId ?? '?'}/${request.clientMode ?? '?'}`;
  const lines = [`pending ${request.requestId}: ${who} asks role ${request.role ?? '?'}, scopes ${scopeList(request.scopes)}${request.platform ? `, platform ${request.platform}` : ''}`];
  if (device) {
    lines.push(`paired ${shortId(device.deviceId)}: roles ${scopeList(rolesOf(device))}, scopes ${scopeList(device.scopes)}${device.platform ? `, platform ${device.platform}` : ''}`);
    lines.push(sameKeyPair(request, device) ? 'deviceId and publicKey match the paired record' : 'publicKey does NOT match the paired record (or is missing): not the same key pair');
  }
  return lines;
}

/** The official approve command, only for a request whose key pair matches; otherwise a warning step. */
export function approveStep(request: PendingRequest, device: DeviceRecord | undefined): string {
  if (device && !sameKeyPair(request, device)) {
    return `Do NOT approve ${request.requestId}: its publicKey differs from the paired record, so it is another key pair claiming this device id.`;
  }
  return `Check the request asks only what you expect (above), then from the gateway host: openclaw devices approve ${request.requestId}`;
}

export function deviceLabel(device: DeviceRecord, hostId: string | undefined): string {
  if (device.deviceId === hostId) return "this host's device";
  const what = [device.displayName, device.clientId && `${device.clientId}/${device.clientMode ?? '?'}`, device.remoteIp && `from ${device.remoteIp}`].filter(Boolean).join(', ');
  return `device ${shortId(device.deviceId)}${what ? ` (${what})` : ''}`;
}

const LOOPBACK = /^(127\.|::1$|::ffff:127\.|localhost$)/;
export function isLoopbackIp(ip: string | undefined): boolean {
  return !ip || LOOPBACK.test(ip.replace(/^\[|\]$/g, ''));
}

/** deviceLabel at the start of a sentence. */
export function DeviceLabel(device: DeviceRecord, hostId: string | undefined): string {
  const label = deviceLabel(device, hostId);
  return label.charAt(0).toUpperCase() + label.slice(1);
}
