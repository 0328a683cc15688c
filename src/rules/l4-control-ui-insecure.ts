/** L4 look-alike: the Control UI's security switches are set, the usual trace of chasing browser-side 1008s. */
import { describeMode, LOOK_ALIKE_NOTE, MODES } from '../explain/modes.js';
import type { Rule } from './types.js';

export const controlUiContext: Rule = {
  id: 'control-ui-insecure',
  description: describeMode('L4'),
  detect({ snapshot }) {
    const { config } = snapshot;
    const set = [
      config.allowInsecureAuth ? 'gateway.controlUi.allowInsecureAuth: true' : '',
      config.dangerouslyDisableDeviceAuth ? 'gateway.controlUi.dangerouslyDisableDeviceAuth: true' : '',
    ].filter(Boolean);
    if (set.length === 0) return [];
    return [
      {
        id: 'control-ui-insecure',
        severity: 'warning',
        title: 'The Control UI device check is weakened in openclaw.json',
        file: snapshot.config.file.path,
        impact: 'Browsers that reach the UI can act without a paired device identity: the loop went away by removing the boundary.',
        explanation: `These switches are a common "fix" for browser-side 1008s that were not scope problems. ${MODES.L4.why} ${LOOK_ALIKE_NOTE}`,
        evidence: set,
        fix: { automatic: false, steps: [MODES.L4.next, 'Once the UI works over HTTPS/localhost, remove these switches.'] },
      },
    ];
  },
};
