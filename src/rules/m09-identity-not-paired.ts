/** M09: this host's identity is missing from the store, or the store holds a different key for it. */
import { type Finding, isUnusable } from '../core/model.js';
import { isLocalBind } from '../core/clients.js';
import type { Rule } from './types.js';

export const identityRules: Rule = {
  id: 'identity-not-paired',
  description: "This host's identity (identity/device.json) is not paired, or is paired with another key",
  detect({ snapshot, host, clients }) {
    const { identity, store } = snapshot;
    const findings: Finding[] = [];
    // Pairings the host would lose: records in the store, or the device token cache naming a device.
    const knownHost = snapshot.deviceAuth.deviceId ? store.devices.find((d) => d.deviceId === snapshot.deviceAuth.deviceId) : undefined;
    const hasPairings = store.kind === 'json' && (store.devices.length > 0 || Boolean(snapshot.deviceAuth.deviceId));
    if (identity.file.status === 'missing' && hasPairings) {
      findings.push({
        id: 'identity-missing',
        severity: 'error',
        file: identity.file.path,
        ...(knownHost ? { deviceId: knownHost.deviceId } : {}),
        args: { path: identity.file.path, stateDir: snapshot.location.stateDir, devices: store.devices.length, cachedDeviceId: snapshot.deviceAuth.deviceId, knownHost: knownHost?.deviceId },
      });
      return findings;
    }
    if (isUnusable(identity.file)) {
      findings.push({
        id: 'identity-unreadable',
        // With pairings to lose this is the identity-missing outcome, one start away.
        severity: hasPairings ? 'error' : 'warning',
        file: identity.file.path,
        args: { file: identity.file },
      });
      return findings;
    }
    if (!identity.deviceId) return findings;
    if (identity.derivedDeviceId && identity.derivedDeviceId !== identity.deviceId) {
      findings.push({
        id: 'identity-key-mismatch',
        severity: 'warning',
        file: identity.file.path,
        deviceId: identity.deviceId,
        args: { kind: 'derived', deviceId: identity.deviceId, derived: identity.derivedDeviceId },
      });
    }
    // Without a readable store, store-unreadable already says everything.
    if (isUnusable(store.paired)) return findings;
    const local = isLocalBind(snapshot);
    const record = store.devices.find((d) => d.deviceId === identity.deviceId || d.key === identity.deviceId);
    if (!record) {
      if (store.devices.length === 0 && (store.paired.status === 'missing' || store.kind === 'sqlite')) return findings; // fresh install: nothing paired yet
      // 6.11+ (7.x-9.x measured): with the shared token neither the local CLI nor internal calls present the host identity,
      // so nothing on this host ever pairs it; an unpaired host is normal there.
      if (clients.length > 0 && clients.every((c) => c.reason === 'skips-pairing')) return findings;
      findings.push({
        id: 'identity-not-paired',
        severity: local ? 'warning' : 'error',
        deviceId: identity.deviceId,
        args: { local, deviceId: identity.deviceId, paired: store.devices.map((d) => d.deviceId) },
      });
      return findings;
    }
    if (identity.publicKey && record.publicKey && record.publicKey !== identity.publicKey) {
      findings.push({
        id: 'identity-key-mismatch',
        severity: local ? 'warning' : 'error',
        deviceId: identity.deviceId,
        args: { kind: 'record', publicKey: identity.publicKey, recordKey: record.publicKey },
      });
    }
    void host;
    return findings;
  },
};
