/** How OpenClaw names its gateway service per platform and profile (docs/openclaw.md "The gateway service"). */
import os from 'node:os';
import path from 'node:path';
import { hooks } from './hooks.js';

export function systemdUnitName(profile: string | undefined, env: NodeJS.ProcessEnv): string {
  const override = env.OPENCLAW_SYSTEMD_UNIT?.trim();
  if (override) return override.endsWith('.service') ? override : `${override}.service`;
  return profile ? `openclaw-gateway-${profile}.service` : 'openclaw-gateway.service';
}

export function launchdLabel(profile: string | undefined, env: NodeJS.ProcessEnv): string {
  return env.OPENCLAW_LAUNCHD_LABEL?.trim() || (profile ? `ai.openclaw.${profile}` : 'ai.openclaw.gateway');
}

export function windowsTaskName(profile: string | undefined, env: NodeJS.ProcessEnv): string {
  return env.OPENCLAW_WINDOWS_TASK_NAME?.trim() || (profile ? `OpenClaw Gateway (${profile})` : 'OpenClaw Gateway');
}

/** Where systemd keeps user units ($XDG_CONFIG_HOME/systemd/user) and system units. */
export function systemdUnitDir(scope: 'user' | 'system', env: NodeJS.ProcessEnv, home: string): string {
  if (scope === 'system') return hooks.systemUnitDir ?? '/etc/systemd/system';
  const config = env.XDG_CONFIG_HOME?.trim() || path.join(home || os.homedir(), '.config');
  return path.join(config, 'systemd', 'user');
}
