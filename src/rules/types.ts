import type { ClientVerdict, DeviceRecord, Finding, Snapshot } from '../core/model.js';

export interface RuleContext {
  snapshot: Snapshot;
  clients: ClientVerdict[];
  host?: DeviceRecord;
  /** `openclaw-fix <command> <the location flags this run used>`, for fix lines that can be copied as they are. */
  command(name: string, ...extra: string[]): string;
}

export interface Rule {
  id: string;
  /** Failure-catalog mode this rule detects. */
  mode?: string;
  description: string;
  detect(ctx: RuleContext): Finding[];
}
