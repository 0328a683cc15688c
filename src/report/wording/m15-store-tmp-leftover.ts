/** M15's sentences for leftover temporary store files (src/rules/m15-store-tmp-leftover.ts decides). */
import type { WordingTable } from './types.js';

export const m15TmpWording: WordingTable<'store-tmp-leftover'> = {
  'store-tmp-leftover': (a) => ({
    title: `${a.files.length} leftover temporary store file(s) from an interrupted write`,
    explanation:
      'OpenClaw writes the store to a .tmp file and renames it; a crash or full disk leaves the .tmp behind. They contain device tokens (keep them 0600) and can be the last good copy if paired.json is damaged; otherwise they can be removed with the gateway stopped.',
    evidence: a.files,
  }),
};
