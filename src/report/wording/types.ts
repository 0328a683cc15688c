/** The shape of a finding's wording: what each src/report/wording/ module gives for the ids of its rule. */
import type { FindingArgs, FindingId, FixCommand } from '../../core/findings.js';

export interface WordedFix {
  /** The command to copy: an openclaw-fix command (the reporter completes and quotes it), or a shell line as it is. */
  command?: FixCommand | { shell: string };
  /** The official OpenClaw alternative, when there is one. */
  alternative?: string;
  /** Plain-language steps when no single command fits. */
  steps?: string[];
  /** openclaw-fix rotate can apply it. */
  automatic: boolean;
}

export interface Wording {
  title: string;
  /** What users notice. */
  impact?: string;
  explanation: string;
  evidence: string[];
  fix?: WordedFix;
}

/** What a wording function may ask of the reporter: an openclaw-fix command written out for this run, for a sentence. */
export interface Say {
  command(command: FixCommand): string;
}

export type WordingOf<Id extends FindingId> = (args: FindingArgs[Id], say: Say) => Wording;

/** The wording of a set of finding ids: every id of the set, each given its own args. */
export type WordingTable<Ids extends FindingId> = { [Id in Ids]: WordingOf<Id> };
