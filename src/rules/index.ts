/** Every rule, in report order. Each rule is one failure mode: id, severity, evidence, explanation, fix. */
import { identityRules } from './m09-identity-not-paired.js';
import { pendingRepairRequest } from './pending-repair-request.js';
import { serviceDeviceMissingRead } from './m03-service-device-missing-read.js';
import { serviceDeviceMissingWrite } from './m01-service-device-missing-write.js';
import { storePermissions } from './store-permissions.js';
import { storeUnreadable } from './m15-store-unreadable.js';
import { stateFileUnreadable } from './config-unreadable.js';
import { tokenScopesDiverge } from './m10-token-scopes-diverge.js';
import { deviceLacksReadWrite } from './m02-device-lacks-read-write.js';
import { scopeAddedByUpdate } from './m04-scope-added-by-update.js';
import { notLoopback } from './m05-internal-call-not-loopback.js';
import { metadataPinMismatch } from './m06-metadata-pin-mismatch.js';
import { roleUpgradePending } from './m07-role-upgrade-pending.js';
import { deviceTokenMismatch } from './m08-device-token-mismatch.js';
import { rotateCannotWiden } from './m11-rotate-cannot-widen.js';
import { pendingRequestChurn } from './m12-pending-request-churn.js';
import { approverLacksAuthority } from './m13-approver-lacks-authority.js';
import { approveLatestPreviewOnly } from './m14-approve-latest-preview-only.js';
import { storeTmpLeftovers } from './m15-store-tmp-leftover.js';
import { sqliteMigration } from './m16-sqlite-migration.js';
import { sharedTokenScopesCleared } from './l1-shared-token-scopes-cleared.js';
import { gatewayTokenDrift } from './l2-gateway-token-drift.js';
import { handshakeTimeout } from './l3-handshake-timeout.js';
import { controlUiContext } from './l4-control-ui-insecure.js';
import { logLoopAfterFix } from './log-loop-after-fix.js';
import { logContradictsPrediction } from './log-contradicts-prediction.js';
import { logRemoteDeviceLooping } from './log-remote-device-looping.js';
import type { Rule } from './types.js';
import { versionUnknown } from './openclaw-version-unknown.js';
import { releaseUnverified } from './release-unverified.js';

export const RULES: readonly Rule[] = [
  storeUnreadable,
  serviceDeviceMissingWrite,
  serviceDeviceMissingRead,
  identityRules,
  stateFileUnreadable,
  tokenScopesDiverge,
  pendingRepairRequest,
  // The rest of the family (M02-M16, L1-L4: src/explain/modes.ts), in catalog order.
  deviceLacksReadWrite,
  scopeAddedByUpdate,
  notLoopback,
  metadataPinMismatch,
  roleUpgradePending,
  deviceTokenMismatch,
  rotateCannotWiden,
  pendingRequestChurn,
  approverLacksAuthority,
  approveLatestPreviewOnly,
  storeTmpLeftovers,
  sqliteMigration,
  sharedTokenScopesCleared,
  gatewayTokenDrift,
  handshakeTimeout,
  controlUiContext,
  // From the gateway's logs alone (src/logs): what the files cannot show.
  logLoopAfterFix,
  logContradictsPrediction,
  logRemoteDeviceLooping,
  storePermissions,
  versionUnknown,
  releaseUnverified,
];
