/** M09: this host's identity is missing from the store, or the store holds a different key for it. */
import { type Finding, isUnusable } from '../core/model.js';
import { isLocalBind } from '../core/clients.js';
import { shortId } from './text.js';
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
      const was = knownHost ? `device ${shortId(knownHost.deviceId)} (the one identity/device-auth.json names)` : 'the paired host device';
      findings.push({
        id: 'identity-missing',
        severity: 'error',
        title: `identity/device.json is missing while the store holds this host's pairings`,
        file: identity.file.path,
        impact: `On the next start (or the next local openclaw command) OpenClaw creates a NEW identity with a new device id: ${was} is orphaned, and the new device pairs silently with the scopes of whichever client connects first (a status or health probe gives a read-only device: the CLI lockout).`,
        explanation: `No identity/device.json under ${snapshot.location.stateDir}, but ${store.devices.length} device(s) are paired${snapshot.deviceAuth.deviceId ? ` and identity/device-auth.json caches a token for ${shortId(snapshot.deviceAuth.deviceId)}` : ''}. The key pair was deleted, not persisted (a container volume), or the state was copied without it.`,
        ...(knownHost ? { deviceId: knownHost.deviceId } : {}),
        evidence: [`${identity.file.path}: missing`, ...(snapshot.deviceAuth.deviceId ? [`identity/device-auth.json deviceId ${snapshot.deviceAuth.deviceId}`] : [])],
        fix: {
          automatic: false,
          steps: [
            'Stop the gateway before anything connects, and restore identity/device.json (the key pair) from a backup of this state dir.',
            'With no backup: start the gateway and make the first local connection a full CLI command (`openclaw devices list`), not `openclaw status`, so the new identity pairs with the CLI scopes; then remove the orphaned record with `openclaw devices remove <old id>` once you are sure it was this host.',
          ],
        },
      });
      return findings;
    }
    if (isUnusable(identity.file)) {
      findings.push({
        id: 'identity-unreadable',
        // With pairings to lose this is the identity-missing outcome, one start away.
        severity: hasPairings ? 'error' : 'warning',
        title: `identity/device.json cannot be used: it ${identity.file.problem ?? identity.file.status}`,
        file: identity.file.path,
        explanation:
          'Up to 2026.7.x OpenClaw then silently creates a NEW identity (a new device id) on the next start, and every pairing of the old one is orphaned. Restore the file from a backup before starting the gateway.',
        evidence: [identity.file.path],
        fix: { automatic: false, steps: ['Restore identity/device.json from a backup; do not delete it.'] },
      });
      return findings;
    }
    if (!identity.deviceId) return findings;
    if (identity.derivedDeviceId && identity.derivedDeviceId !== identity.deviceId) {
      findings.push({
        id: 'identity-key-mismatch',
        severity: 'warning',
        title: "identity/device.json's deviceId does not match its own public key",
        file: identity.file.path,
        explanation:
          'A deviceId is the SHA-256 of the public key. OpenClaw rewrites the id to the derived one on the next start, so this host will appear as a different, unpaired device.',
        deviceId: identity.deviceId,
        evidence: [`stored ${shortId(identity.deviceId)}, derived from the key ${shortId(identity.derivedDeviceId)}`],
        fix: { automatic: false, steps: ['Restore identity/device.json from a backup, or let the host re-pair (see below).'] },
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
        title: "This host's device is not in the device store",
        impact: local
          ? 'The next local client pairs silently, and the device gets the scopes of whichever client connects first; a status or health probe first gives a read-only device (the CLI lockout).'
          : 'Clients on this host connect over a non-loopback address, so pairing needs an approval: every call fails with "pairing required".',
        explanation:
          `identity/device.json names device ${shortId(identity.deviceId)}, but no paired record has that id (${store.devices.length} other device(s) are paired). The identity was regenerated, restored, or the record removed.`,
        deviceId: identity.deviceId,
        evidence: [`identity/device.json deviceId ${identity.deviceId}`, `paired devices: ${store.devices.map((d) => shortId(d.deviceId)).join(', ') || '(none)'}`],
        fix: {
          automatic: false,
          steps: [
            'If identity/device.json was replaced, restore the old one from a backup and restart the gateway.',
            'Otherwise make the first connection a full CLI command (e.g. `openclaw devices list`), not `openclaw status` or a health probe, so the host pairs with the CLI scopes.',
          ],
        },
      });
      return findings;
    }
    if (identity.publicKey && record.publicKey && record.publicKey !== identity.publicKey) {
      findings.push({
        id: 'identity-key-mismatch',
        severity: local ? 'warning' : 'error',
        title: "The paired record for this host holds a different public key",
        explanation:
          'The gateway compares the public key of every connect with the paired record; a different key is "not paired". Locally the host re-pairs silently (with the first client\'s scopes); remotely it loops on "pairing required". The record or the identity was edited or restored from different backups.',
        deviceId: identity.deviceId,
        evidence: [`identity public key ${identity.publicKey.slice(0, 10)}…`, `paired publicKey ${record.publicKey.slice(0, 10)}…`],
        fix: { automatic: false, steps: ['Restore identity/device.json and paired.json from the same backup.'] },
      });
    }
    void host;
    return findings;
  },
};
