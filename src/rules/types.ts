import type { FindingId } from '../core/findings.js';
import type { ClientVerdict, DeviceRecord, Finding, Snapshot } from '../core/model.js';

export interface RuleContext {
  snapshot: Snapshot;
  clients: ClientVerdict[];
  host?: DeviceRecord;
  /** `openclaw-fix <command> <the location flags this run used>`, for fix lines that can be copied as they are. */
  command(name: string, ...extra: string[]): string;
}

/** A rule's id is the first finding it reports (for a catalog rule, its mode's name: core/findings.ts). */
export interface Rule {
  id: FindingId;
  description: string;
  detect(ctx: RuleContext): Finding[];
}
