/**
 * identity/device.json holds this host's key pair. Only deviceId and the PUBLIC key are read; the
 * private key is registered for redaction and dropped.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { DeviceAuthCache, HostIdentity } from '../core/model.js';
import { digest, registerSecret } from '../core/secrets.js';
import { readJsonFile } from './read-file.js';
import { isPlainObject, registerNestedSecrets } from './records.js';

const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** Raw 32-byte Ed25519 key from an SPKI PEM, or null when it is not one. */
export function rawPublicKeyFromPem(pem: string): Buffer | null {
  const body = pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  const der = Buffer.from(body, 'base64');
  if (der.length !== 44 || !der.subarray(0, 12).equals(ED25519_SPKI_PREFIX)) return null;
  return der.subarray(12);
}

export function deviceIdForRawKey(raw: Buffer): string {
  return createHash('sha256').update(raw).digest('hex');
}

export function base64url(raw: Buffer): string {
  return raw.toString('base64url');
}

export function readIdentity(stateDir: string): HostIdentity {
  const raw = readJsonFile(path.join(stateDir, 'identity', 'device.json'));
  const identity: HostIdentity = { file: raw.info };
  if (raw.info.status !== 'ok') return identity;
  const value = raw.value;
  if (!isPlainObject(value)) {
    identity.file = { ...raw.info, status: 'wrong-shape', problem: 'is not a JSON object' };
    return identity;
  }
  registerSecret(value.privateKeyPem);
  registerSecret(value.privateKey);
  registerNestedSecrets(value);
  if (typeof value.deviceId === 'string') identity.deviceId = value.deviceId;
  let rawKey: Buffer | null = null;
  if (typeof value.publicKeyPem === 'string') rawKey = rawPublicKeyFromPem(value.publicKeyPem);
  else if (typeof value.publicKey === 'string') {
    // The older layout stores the raw key as base64url (internals §3).
    const decoded = Buffer.from(value.publicKey, 'base64url');
    rawKey = decoded.length === 32 ? decoded : null;
  }
  if (rawKey) {
    identity.publicKey = base64url(rawKey);
    identity.derivedDeviceId = deviceIdForRawKey(rawKey);
  }
  if (!identity.deviceId) identity.file = { ...raw.info, status: 'wrong-shape', problem: 'has no deviceId' };
  return identity;
}

export function readDeviceAuth(stateDir: string): DeviceAuthCache {
  const raw = readJsonFile(path.join(stateDir, 'identity', 'device-auth.json'));
  const cache: DeviceAuthCache = { file: raw.info, tokens: [] };
  if (raw.info.status !== 'ok') return cache;
  const value = raw.value;
  if (!isPlainObject(value)) {
    cache.file = { ...raw.info, status: 'wrong-shape', problem: 'is not a JSON object' };
    return cache;
  }
  registerNestedSecrets(value);
  if (value.version !== 1) cache.unloadable = 'version';
  else if (typeof value.deviceId !== 'string') cache.unloadable = 'device-id';
  else if (!isPlainObject(value.tokens)) cache.unloadable = 'tokens';
  if (typeof value.deviceId === 'string') cache.deviceId = value.deviceId;
  if (isPlainObject(value.tokens)) {
    for (const [role, entry] of Object.entries(value.tokens)) {
      if (!isPlainObject(entry)) continue;
      const token = typeof entry.token === 'string' ? entry.token : null;
      cache.tokens.push({
        role,
        scopes: Array.isArray(entry.scopes) ? entry.scopes.filter((s): s is string => typeof s === 'string') : null,
        digest: token ? digest(token) : null,
      });
    }
  }
  return cache;
}
