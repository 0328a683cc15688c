/** L4's sentences, a look-alike: the Control UI device check weakened (src/rules/l4-control-ui-insecure.ts decides). */
import { LOOK_ALIKE_NOTE, MODES } from '../../explain/modes.js';
import type { WordingTable } from './types.js';

export const l4Wording: WordingTable<'control-ui-insecure'> = {
  'control-ui-insecure': (a) => ({
    title: 'The Control UI device check is weakened in openclaw.json',
    impact: 'Browsers that reach the UI can act without a paired device identity: the loop went away by removing the boundary.',
    explanation: `These switches are a common "fix" for browser-side 1008s that were not scope problems. ${MODES.L4.why} ${LOOK_ALIKE_NOTE}`,
    evidence: [
      ...(a.allowInsecureAuth ? ['gateway.controlUi.allowInsecureAuth: true'] : []),
      ...(a.dangerouslyDisableDeviceAuth ? ['gateway.controlUi.dangerouslyDisableDeviceAuth: true'] : []),
    ],
    fix: { automatic: false, steps: [MODES.L4.next, 'Once the UI works over HTTPS/localhost, remove these switches.'] },
  }),
};
