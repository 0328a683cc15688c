/** L4 look-alike: the Control UI's security switches are set, the usual trace of chasing browser-side 1008s. */
import { describeMode } from '../explain/modes.js';
import type { Rule } from './types.js';

export const controlUiContext: Rule = {
  id: 'control-ui-insecure',
  description: describeMode('L4'),
  detect({ snapshot }) {
    const { config } = snapshot;
    const allowInsecureAuth = Boolean(config.allowInsecureAuth);
    const dangerouslyDisableDeviceAuth = Boolean(config.dangerouslyDisableDeviceAuth);
    if (!allowInsecureAuth && !dangerouslyDisableDeviceAuth) return [];
    return [{ id: 'control-ui-insecure', severity: 'warning', file: config.file.path, args: { allowInsecureAuth, dangerouslyDisableDeviceAuth } }];
  },
};
