/** Sentences for what --probe found (src/probe/verdict.ts decides): the gateway's own answer against the prediction. */
import { predictedText, realText } from '../../probe/verdict.js';
import type { WordingTable } from './types.js';

export const probeWording: WordingTable<'probe-could-not-run' | 'probe-disagrees' | 'probe-requests-left'> = {
  'probe-could-not-run': (a) => ({
    title: `cannot probe: ${a.why}`,
    explanation: 'The verdict below is the prediction only; the gateway was not asked (or did not answer every connect).',
    evidence: [],
  }),
  'probe-disagrees': ({ comparison: c }) => {
    const real = c.real;
    const name = `${c.clientId}/${c.clientMode} (${c.client})`;
    return {
      title: `The gateway ${real.outcome === 'refused' ? 'refuses' : 'accepts'} ${name}, but the knowledge for OpenClaw ${c.version ?? 'unknown'} predicted ${predictedText(c.predicted)}`,
      explanation: `The knowledge openclaw-fix has for this release is wrong here: it predicted ${predictedText(c.predicted)} (${c.predicted.reason}), and the real connect with the release's own client, signed as this host, was ${realText(real)}. The gateway's answer is the verdict.`,
      evidence: [
        `predicted: ${predictedText(c.predicted)} (${c.predicted.reason}) by the rules for ${c.releaseId}`,
        `gateway: ${realText(real)}${real.asked ? `, asked ${real.asked.join(', ')}` : ''}, ${real.ms} ms`,
      ],
    };
  },
  'probe-requests-left': (a) => ({
    title: `The pending requests the probe created could not be removed: ${a.problem}`,
    explanation: `Left in the store: ${a.kept.join(', ')}. Remove them with openclaw devices reject <requestId>.`,
    evidence: [],
  }),
};
