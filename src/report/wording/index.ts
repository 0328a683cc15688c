/**
 * Every finding's wording, one table. A finding id without wording does not compile. The wording of finding X
 * is in the module named like the file that decides X: `src/rules/<name>.ts` -> `src/report/wording/<name>.ts`
 * (the probe's findings: probe.ts; a rule that threw: internal-rule-error.ts).
 */
import type { FindingId } from '../../core/findings.js';
import { configWording } from './config-unreadable.js';
import { internalErrorWording } from './internal-rule-error.js';
import { l1Wording } from './l1-shared-token-scopes-cleared.js';
import { l2Wording } from './l2-gateway-token-drift.js';
import { l3Wording } from './l3-handshake-timeout.js';
import { l4Wording } from './l4-control-ui-insecure.js';
import { logContradictsWording } from './log-contradicts-prediction.js';
import { logLoopAfterFixWording } from './log-loop-after-fix.js';
import { logRemoteWording } from './log-remote-device-looping.js';
import { m01Wording } from './m01-service-device-missing-write.js';
import { m02Wording } from './m02-device-lacks-read-write.js';
import { m03Wording } from './m03-service-device-missing-read.js';
import { m04Wording } from './m04-scope-added-by-update.js';
import { m05Wording } from './m05-internal-call-not-loopback.js';
import { m06Wording } from './m06-metadata-pin-mismatch.js';
import { m07Wording } from './m07-role-upgrade-pending.js';
import { m08Wording } from './m08-device-token-mismatch.js';
import { m09Wording } from './m09-identity-not-paired.js';
import { m10Wording } from './m10-token-scopes-diverge.js';
import { m11Wording } from './m11-rotate-cannot-widen.js';
import { m12Wording } from './m12-pending-request-churn.js';
import { m13Wording } from './m13-approver-lacks-authority.js';
import { m14Wording } from './m14-approve-latest-preview-only.js';
import { m15TmpWording } from './m15-store-tmp-leftover.js';
import { m15Wording } from './m15-store-unreadable.js';
import { m16Wording } from './m16-sqlite-migration.js';
import { versionUnknownWording } from './openclaw-version-unknown.js';
import { pendingRepairWording } from './pending-repair-request.js';
import { probeWording } from './probe.js';
import { releaseUnverifiedWording } from './release-unverified.js';
import { storePermissionsWording } from './store-permissions.js';
import type { WordingTable } from './types.js';

export const WORDING: WordingTable<FindingId> = {
  ...m01Wording,
  ...m02Wording,
  ...m03Wording,
  ...m04Wording,
  ...m05Wording,
  ...m06Wording,
  ...m07Wording,
  ...m08Wording,
  ...m09Wording,
  ...m10Wording,
  ...m11Wording,
  ...m12Wording,
  ...m13Wording,
  ...m14Wording,
  ...m15Wording,
  ...m15TmpWording,
  ...m16Wording,
  ...l1Wording,
  ...l2Wording,
  ...l3Wording,
  ...l4Wording,
  ...configWording,
  ...pendingRepairWording,
  ...logLoopAfterFixWording,
  ...logContradictsWording,
  ...logRemoteWording,
  ...versionUnknownWording,
  ...releaseUnverifiedWording,
  ...storePermissionsWording,
  ...probeWording,
  ...internalErrorWording,
};
