import type { FindingId } from '../core/findings.js';
import type { ClientVerdict, DeviceRecord, Finding, Snapshot } from '../core/model.js';

interface RuleContext {
  snapshot: Snapshot;
  clients: ClientVerdict[];
  host?: DeviceRecord;
}

/**
 * A rule's id is the first finding it reports (for a catalog rule, its mode's name: core/findings.ts). A rule
 * decides (which finding, how severe, which fix applies) and returns the facts; it writes no sentence.
 */
export interface Rule {
  id: FindingId;
  description: string;
  detect(ctx: RuleContext): Finding[];
}
