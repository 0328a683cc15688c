/**
 * Bridges rotate's pure plan (src/repair/plan.ts, made on a snapshot of either store) to the SQLite write
 * primitives: the same plan, rendered as one transaction instead of new file bytes.
 * paired.json `scopes` / `approvedScopes` / `tokens.operator.scopes` -> device_pairing_paired columns;
 * identity/device-auth.json -> device_auth_tokens (the host's own copy); pending.json -> device_pairing_pending.
 */
import type { DeviceRecord } from '../core/model.js';
import type { RotatePlan } from '../repair/plan.js';
import { DEVICE_AUTH_FILE, SQLITE_AUTH } from '../repair/plan.js';
import type { SqliteScopeChange } from './sqlite-write.js';

export function sqliteChangeFromPlan(plan: RotatePlan, device: DeviceRecord): SqliteScopeChange {
  const add = [...new Set(plan.arrays.flatMap((a) => a.added))];
  const token = device.tokens.find((t) => t.role === 'operator' && !t.revokedAtMs);
  return {
    deviceId: device.deviceId,
    role: 'operator',
    expect: { scopes: device.scopes, approvedScopes: device.approvedScopes, tokenScopes: token?.scopes ?? null },
    add,
    hostAuthToken: plan.files.includes(SQLITE_AUTH) || plan.files.includes(DEVICE_AUTH_FILE),
    removePending: plan.removePending.map((r) => r.requestId),
    ...(plan.newToken ? { newToken: true } : {}),
    ...(plan.addRole ? { addRole: plan.addRole } : {}),
  };
}
