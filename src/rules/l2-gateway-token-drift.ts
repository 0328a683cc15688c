/** L2 look-alike: the service starts the gateway with a different shared token than openclaw.json (or none). */
import { describeMode } from '../explain/modes.js';
import type { Rule } from './types.js';

export const gatewayTokenDrift: Rule = {
  id: 'gateway-token-drift',
  description: describeMode('L2'),
  detect({ snapshot }) {
    const { config } = snapshot;
    const configDigest = config.sharedTokenDigest;
    // A placeholder, or a token (digest) other than the config's: the service and the config disagree.
    const services = (snapshot.serviceTokens ?? []).filter((s) => s.digest === null || (configDigest && s.digest !== configDigest));
    const modeWithoutToken = config.file.status === 'ok' && config.authMode === 'token' && !config.hasSharedToken;
    if (services.length === 0 && !modeWithoutToken) return [];
    return [{ id: 'gateway-token-drift', severity: 'warning', file: config.file.path, args: { services, configDigest, modeWithoutToken } }];
  },
};
