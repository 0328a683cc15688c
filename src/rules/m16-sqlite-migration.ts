/** M16: 2026.8.1+ keeps pairing in state/openclaw.sqlite; JSON leftovers, unfinished or reversed migrations. */
import type { DeviceRecord, Finding } from '../core/model.js';
import { describeMode, MODES } from '../explain/modes.js';
import { logGroups, logLine } from './family.js';
import type { Rule } from './types.js';

export const sqliteMigration: Rule = {
  id: 'sqlite-migration',
  description: describeMode('M16'),
  detect(ctx) {
    const { snapshot } = ctx;
    const { release, store } = snapshot;
    const files = snapshot.stateFiles ?? [];
    const migrated = files.filter((f) => f.endsWith('.migrated'));
    const claims = files.filter((f) => /\.(doctor|native)-importing$/.test(f));
    const failed = logGroups(snapshot, 'store-migration-failed');
    const findings: Finding[] = [];
    const finding = (severity: Finding['severity'], title: string, explanation: string, evidence: string[]): Finding => ({
      id: 'sqlite-migration',
      severity,
      title,
      explanation,
      evidence,
      fix: { automatic: false, steps: [MODES.M16.next] },
    });
    const ignored = store.kind === 'sqlite' && snapshot.legacyStore ? legacyDifferences(store.devices, snapshot.legacyStore.devices) : [];
    if (ignored.length) {
      findings.push({
        id: 'legacy-store-ignored',
        severity: 'warning',
        title: 'devices/paired.json differs from the SQLite store: edits to paired.json have no effect on this release',
        file: snapshot.legacyStore!.paired.path,
        impact: 'Scopes added to paired.json (by hand, by an old guide or an old tool) are never seen: the gateway reads only state/openclaw.sqlite.',
        explanation:
          'From 2026.8.1 the gateway keeps devices in state/openclaw.sqlite. It imported devices/paired.json once (existing SQLite rows win) and never reads it again, so this copy disagrees with what the gateway enforces. openclaw-fix reads and changes the SQLite store.',
        evidence: [...ignored.slice(0, 6), `${snapshot.legacyStore!.path} (ignored) vs ${store.path} (used)`],
        fix: {
          automatic: false,
          steps: [
            `Change the device in the store the gateway uses: ${ctx.command('rotate', '--device', '<id>')} or \`openclaw devices approve <requestId>\`.`,
            'Then move devices/paired.json aside (gateway stopped) so nobody edits it again; keep it until the device works.',
          ],
        },
      });
    } else if (store.kind === 'sqlite' && snapshot.legacyStore) {
      findings.push(finding('warning', 'Leftover devices/*.json beside the SQLite store: edits to them change nothing', `${MODES.M16.why} Something (an older CLI, a restored backup, a third-party tool) recreated them.`, [snapshot.legacyStore.path, ...migrated]));
    }
    if (store.kind === 'sqlite' && snapshot.legacyDeviceAuth && !snapshot.legacyIdentity) {
      // Measured on 8.1: the start-up import removes identity/device.json but leaves device-auth.json, and every
      // CLI still works. Only a legacy device.json makes clients fail closed (measured on 8.2, below).
      findings.push({
        id: 'legacy-identity-file',
        mode: 'M16',
        severity: 'info',
        title: 'identity/device-auth.json is left over from before the SQLite import; nothing reads it',
        explanation:
          'From 2026.8.1 device tokens live in SQLite (device_auth_tokens). The import at start moves identity/device.json into SQLite and leaves device-auth.json behind; measured on 2026.8.1, the CLI and the gateway work with it in place. It is a stale copy of tokens: keep it private, or move it aside.',
        evidence: [snapshot.legacyDeviceAuth.file.path],
      });
    }
    if (store.kind === 'sqlite' && snapshot.legacyIdentity) {
      const files = [snapshot.legacyIdentity?.file.path, snapshot.legacyDeviceAuth?.file.path].filter((f): f is string => Boolean(f));
      findings.push({
        ...finding(
          'warning',
          'A legacy identity/*.json sits beside the SQLite identity: OpenClaw clients on this host may refuse to start',
          'From 2026.8.1 the host identity and device tokens live in SQLite (device_identities, device_auth_tokens). A leftover or re-created identity/device.json or device-auth.json makes the runtime fail closed: measured on 2026.8.2, a client with a legacy identity/device.json stops with `Legacy device identity exists at <path>. Run "openclaw doctor --fix" before starting the gateway or connecting this client.` (#117270, #134509).',
          files,
        ),
        id: 'legacy-identity-file',
      });
    }
    if (release.store === 'sqlite' && store.kind === 'json' && store.paired.status !== 'missing' && release.importsJsonAtStart) {
      findings.push({
        id: 'sqlite-migration',
        mode: 'M16',
        severity: 'info',
        title: 'This release keeps pairing in SQLite; the gateway imports the JSON store at its next start',
        explanation:
          'Measured on 2026.8.1 and 2026.8.2 (from a 2026.2.19 and a 2026.7.35 state): at start the gateway imports devices/paired.json and identity/device.json into state/openclaw.sqlite (existing rows win), renames devices/*.json to *.migrated and removes identity/device.json. No `openclaw doctor --fix` is needed first. After the start, openclaw-fix reads and changes the SQLite store.',
        evidence: [store.path],
        fix: { automatic: false, steps: ['Start (or restart) the gateway on this release; nothing else is needed.'] },
      });
    } else if (release.store === 'sqlite' && store.kind === 'json' && store.paired.status !== 'missing') {
      findings.push(
        finding(
          'warning',
          'This release keeps pairing in SQLite, but only the JSON store exists: the import has not run yet',
          `Until the JSON files are imported the runtime refuses: measured on 2026.9.6, the gateway stops at start with "OpenClaw startup migrations did not complete cleanly; refusing to report the gateway ready." and clients with a legacy identity/device.json refuse to connect ("Run \"openclaw doctor --fix\" before starting the gateway or connecting this client."); 2026.8.2 imported them itself at start. Stop the gateway and run \`openclaw doctor --fix\`: it imports devices/paired.json (existing SQLite rows win) and renames it *.migrated. If it stops with "Failed migrating legacy device identity: FsSafeError: native no-replace move is unavailable" (9.6 on a filesystem without rename-no-replace, measured in a container), the import cannot run there. ${MODES.M16.why}`,
          [store.path],
        ),
      );
    }
    if (release.store === 'json' && store.kind === 'json' && store.paired.status === 'missing' && migrated.some((f) => f.startsWith('devices/'))) {
      findings.push({
        ...finding('error', 'devices/paired.json was migrated to SQLite by 2026.8.1+, but the installed release reads JSON: every device looks unpaired', 'A downgrade after the migration: this release does not read state/openclaw.sqlite. Upgrade back to the release that migrated, or restore devices/*.json.migrated to their JSON names with the gateway stopped.', migrated),
        file: store.paired.path,
      });
    }
    if (claims.length) findings.push(finding('warning', 'A migration claim file is left over: a doctor or native import was interrupted', MODES.M16.why, claims));
    if (failed.length) findings.push(finding('error', 'The gateway log shows failed device-store migrations', MODES.M16.why, failed.map(logLine)));
    return findings;
  },
};

function sorted(list: readonly string[] | null | undefined): string {
  return [...(list ?? [])].sort().join(',');
}

/** Where the leftover paired.json disagrees with the SQLite rows, one line per device (ids shortened, no secrets). */
function legacyDifferences(used: readonly DeviceRecord[], legacy: readonly DeviceRecord[]): string[] {
  const out: string[] = [];
  const short = (id: string) => (id.length > 16 ? `${id.slice(0, 8)}…` : id);
  for (const old of legacy) {
    const row = used.find((d) => d.deviceId === old.deviceId);
    if (!row) {
      out.push(`device ${short(old.deviceId)} is in paired.json but not in SQLite: the gateway treats it as not paired`);
      continue;
    }
    const fields: [string, string[] | null, string[] | null][] = [
      ['scopes', old.scopes, row.scopes],
      ['approvedScopes', old.approvedScopes, row.approvedScopes],
      ['roles', old.roles, row.roles],
      ['tokens.operator.scopes', old.tokens.find((t) => t.role === 'operator')?.scopes ?? null, row.tokens.find((t) => t.role === 'operator')?.scopes ?? null],
    ];
    for (const [field, a, b] of fields) {
      if (sorted(a) !== sorted(b)) out.push(`device ${short(old.deviceId)} ${field}: paired.json [${(a ?? []).join(', ')}], SQLite (used) [${(b ?? []).join(', ')}]`);
    }
  }
  return out;
}
