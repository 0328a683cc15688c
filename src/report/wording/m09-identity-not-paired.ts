/** M09's sentences: this host's identity missing, unusable, unpaired or paired with another key (src/rules/m09-identity-not-paired.ts decides). */
import type { WordingTable } from './types.js';
import { shortId } from './words.js';

type M09 = 'identity-missing' | 'identity-unreadable' | 'identity-key-mismatch' | 'identity-not-paired';

export const m09Wording: WordingTable<M09> = {
  'identity-missing': (a) => {
    const was = a.knownHost ? `device ${shortId(a.knownHost)} (the one identity/device-auth.json names)` : 'the paired host device';
    return {
      title: `identity/device.json is missing while the store holds this host's pairings`,
      impact: `On the next start (or the next local openclaw command) OpenClaw creates a NEW identity with a new device id: ${was} is orphaned, and the new device pairs silently with the scopes of whichever client connects first (a status or health probe gives a read-only device: the CLI lockout).`,
      explanation: `No identity/device.json under ${a.stateDir}, but ${a.devices} device(s) are paired${a.cachedDeviceId ? ` and identity/device-auth.json caches a token for ${shortId(a.cachedDeviceId)}` : ''}. The key pair was deleted, not persisted (a container volume), or the state was copied without it.`,
      evidence: [`${a.path}: missing`, ...(a.cachedDeviceId ? [`identity/device-auth.json deviceId ${a.cachedDeviceId}`] : [])],
      fix: {
        automatic: false,
        steps: [
          'Stop the gateway before anything connects, and restore identity/device.json (the key pair) from a backup of this state dir.',
          'With no backup: start the gateway and make the first local connection a full CLI command (`openclaw devices list`), not `openclaw status`, so the new identity pairs with the CLI scopes; then remove the orphaned record with `openclaw devices remove <old id>` once you are sure it was this host.',
        ],
      },
    };
  },
  'identity-unreadable': ({ file }) => ({
    title: `identity/device.json cannot be used: it ${file.problem ?? file.status}`,
    explanation:
      'Up to 2026.7.x OpenClaw then silently creates a NEW identity (a new device id) on the next start, and every pairing of the old one is orphaned. Restore the file from a backup before starting the gateway.',
    evidence: [file.path],
    fix: { automatic: false, steps: ['Restore identity/device.json from a backup; do not delete it.'] },
  }),
  'identity-key-mismatch': (a) =>
    a.kind === 'derived'
      ? {
          title: "identity/device.json's deviceId does not match its own public key",
          explanation:
            'A deviceId is the SHA-256 of the public key. OpenClaw rewrites the id to the derived one on the next start, so this host will appear as a different, unpaired device.',
          evidence: [`stored ${shortId(a.deviceId)}, derived from the key ${shortId(a.derived)}`],
          fix: { automatic: false, steps: ['Restore identity/device.json from a backup, or let the host re-pair (see below).'] },
        }
      : {
          title: 'The paired record for this host holds a different public key',
          explanation:
            'The gateway compares the public key of every connect with the paired record; a different key is "not paired". Locally the host re-pairs silently (with the first client\'s scopes); remotely it loops on "pairing required". The record or the identity was edited or restored from different backups.',
          evidence: [`identity public key ${a.publicKey.slice(0, 10)}…`, `paired publicKey ${a.recordKey.slice(0, 10)}…`],
          fix: { automatic: false, steps: ['Restore identity/device.json and paired.json from the same backup.'] },
        },
  'identity-not-paired': (a) => ({
    title: "This host's device is not in the device store",
    impact: a.local
      ? 'The next local client pairs silently, and the device gets the scopes of whichever client connects first; a status or health probe first gives a read-only device (the CLI lockout).'
      : 'Clients on this host connect over a non-loopback address, so pairing needs an approval: every call fails with "pairing required".',
    explanation: `identity/device.json names device ${shortId(a.deviceId)}, but no paired record has that id (${a.paired.length} other device(s) are paired). The identity was regenerated, restored, or the record removed.`,
    evidence: [`identity/device.json deviceId ${a.deviceId}`, `paired devices: ${a.paired.map(shortId).join(', ') || '(none)'}`],
    fix: {
      automatic: false,
      steps: [
        'If identity/device.json was replaced, restore the old one from a backup and restart the gateway.',
        'Otherwise make the first connection a full CLI command (e.g. `openclaw devices list`), not `openclaw status` or a health probe, so the host pairs with the CLI scopes.',
      ],
    },
  }),
};
