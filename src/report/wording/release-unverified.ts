/** Sentences for a release nobody measured (src/rules/release-unverified.ts decides). */
import type { WordingTable } from './types.js';

export const releaseUnverifiedWording: WordingTable<'release-unverified'> = {
  'release-unverified': (a) => {
    const { version, release: row, below, above } = a;
    return {
      title: `Unverified for this release: OpenClaw ${version} was never measured, so no verdict here is stated as fact`,
      impact: 'The client verdicts and findings below are predictions from the knowledge table, not measurements; a healthy-looking result may still loop.',
      explanation:
        `openclaw-fix's verdicts come from sweeps of real gateways (README, "Measured releases"). ${version} is not one of them; it is judged by the table row ${row.id} (${row.from} - ${row.to ?? 'newest'}: ${row.summary})` +
        `${below || above ? `, between the measured releases ${[below, above].filter(Boolean).join(' and ')}` : ''}. ` +
        'Run the gateway\'s own clients to confirm (`openclaw cron list`, `openclaw health`), or move to a measured release.',
      evidence: [`measured releases: ${a.measured.join(', ') || 'none'}`],
    };
  },
};
