/** M16's sentences: the SQLite store and its JSON leftovers (src/rules/m16-sqlite-migration.ts decides). */
import type { LegacyDifference } from '../../core/findings.js';
import { MODES } from '../../explain/modes.js';
import type { Wording, WordingTable } from './types.js';
import { logLine } from './words.js';

/** The shape most M16 findings share: the mode's next step is the fix. */
function m16(title: string, explanation: string, evidence: string[]): Wording {
  return { title, explanation, evidence, fix: { automatic: false, steps: [MODES.M16.next] } };
}

function difference(d: LegacyDifference): string {
  const short = d.deviceId.length > 16 ? `${d.deviceId.slice(0, 8)}…` : d.deviceId;
  if ('notInSqlite' in d) return `device ${short} is in paired.json but not in SQLite: the gateway treats it as not paired`;
  return `device ${short} ${d.field}: paired.json [${(d.legacy ?? []).join(', ')}], SQLite (used) [${(d.used ?? []).join(', ')}]`;
}

export const m16Wording: WordingTable<'sqlite-migration' | 'legacy-store-ignored' | 'legacy-identity-file'> = {
  'sqlite-migration': (a) => {
    switch (a.kind) {
      case 'leftover-json':
        return m16('Leftover devices/*.json beside the SQLite store: edits to them change nothing', `${MODES.M16.why} Something (an older CLI, a restored backup, a third-party tool) recreated them.`, [a.legacyPath, ...a.migrated]);
      case 'imports-at-start':
        return {
          title: 'This release keeps pairing in SQLite; the gateway imports the JSON store at its next start',
          explanation:
            'Measured on 2026.8.1 and 2026.8.2 (from a 2026.2.19 and a 2026.7.35 state): at start the gateway imports devices/paired.json and identity/device.json into state/openclaw.sqlite (existing rows win), renames devices/*.json to *.migrated and removes identity/device.json. No `openclaw doctor --fix` is needed first. After the start, openclaw-fix reads and changes the SQLite store.',
          evidence: [a.storePath],
          fix: { automatic: false, steps: ['Start (or restart) the gateway on this release; nothing else is needed.'] },
        };
      case 'not-imported':
        return m16(
          'This release keeps pairing in SQLite, but only the JSON store exists: the import has not run yet',
          `Until the JSON files are imported the runtime refuses: measured on 2026.9.6, the gateway stops at start with "OpenClaw startup migrations did not complete cleanly; refusing to report the gateway ready." and clients with a legacy identity/device.json refuse to connect ("Run \"openclaw doctor --fix\" before starting the gateway or connecting this client."); 2026.8.2 imported them itself at start. Stop the gateway and run \`openclaw doctor --fix\`: it imports devices/paired.json (existing SQLite rows win) and renames it *.migrated. If it stops with "Failed migrating legacy device identity: FsSafeError: native no-replace move is unavailable" (9.6 on a filesystem without rename-no-replace, measured in a container), the import cannot run there. ${MODES.M16.why}`,
          [a.storePath],
        );
      case 'downgraded':
        return m16(
          'devices/paired.json was migrated to SQLite by 2026.8.1+, but the installed release reads JSON: every device looks unpaired',
          'A downgrade after the migration: this release does not read state/openclaw.sqlite. Upgrade back to the release that migrated, or restore devices/*.json.migrated to their JSON names with the gateway stopped.',
          a.migrated,
        );
      case 'claim-left':
        return m16('A migration claim file is left over: a doctor or native import was interrupted', MODES.M16.why, a.claims);
      case 'migration-failed':
        return m16('The gateway log shows failed device-store migrations', MODES.M16.why, a.logs.map(logLine));
    }
  },
  'legacy-store-ignored': (a, say) => ({
    title: 'devices/paired.json differs from the SQLite store: edits to paired.json have no effect on this release',
    impact: 'Scopes added to paired.json (by hand, by an old guide or an old tool) are never seen: the gateway reads only state/openclaw.sqlite.',
    explanation:
      'From 2026.8.1 the gateway keeps devices in state/openclaw.sqlite. It imported devices/paired.json once (existing SQLite rows win) and never reads it again, so this copy disagrees with what the gateway enforces. openclaw-fix reads and changes the SQLite store.',
    evidence: [...a.differences.slice(0, 6).map(difference), `${a.legacyPath} (ignored) vs ${a.storePath} (used)`],
    fix: {
      automatic: false,
      steps: [
        `Change the device in the store the gateway uses: \`${say.command(['rotate', '--device', { placeholder: 'id' }])}\` or \`openclaw devices approve <requestId>\`.`,
        'Then move devices/paired.json aside (gateway stopped) so nobody edits it again; keep it until the device works.',
      ],
    },
  }),
  'legacy-identity-file': (a) =>
    a.kind === 'device-auth-only'
      ? {
          title: 'identity/device-auth.json is left over from before the SQLite import; nothing reads it',
          explanation:
            'From 2026.8.1 device tokens live in SQLite (device_auth_tokens). The import at start moves identity/device.json into SQLite and leaves device-auth.json behind; measured on 2026.8.1, the CLI and the gateway work with it in place. It is a stale copy of tokens: keep it private, or move it aside.',
          evidence: [a.path],
        }
      : m16(
          'A legacy identity/*.json sits beside the SQLite identity: OpenClaw clients on this host may refuse to start',
          'From 2026.8.1 the host identity and device tokens live in SQLite (device_identities, device_auth_tokens). A leftover or re-created identity/device.json or device-auth.json makes the runtime fail closed: measured on 2026.8.2, a client with a legacy identity/device.json stops with `Legacy device identity exists at <path>. Run "openclaw doctor --fix" before starting the gateway or connecting this client.` (#117270, #134509).',
          a.files,
        ),
};
