/** Every rule, in report order. Each rule is one failure mode: id, severity, evidence, explanation, fix. */
import { identityRules } from './identity.js';
import { pendingRepairRequest } from './pending-repair-request.js';
import { serviceDeviceMissingRead } from './service-device-missing-read.js';
import { serviceDeviceMissingWrite } from './service-device-missing-write.js';
import { storePermissions } from './store-permissions.js';
import { storeUnreadable } from './store-unreadable.js';
import { tokenScopesDiverge } from './token-scopes-diverge.js';
import type { Rule } from './types.js';
import { versionUnknown } from './version-unknown.js';

export const RULES: readonly Rule[] = [
  storeUnreadable,
  serviceDeviceMissingWrite,
  serviceDeviceMissingRead,
  identityRules,
  tokenScopesDiverge,
  pendingRepairRequest,
  storePermissions,
  versionUnknown,
];
