/**
 * Small read-only facts beside the device store that the family rules need: which migration/tmp files
 * exist (names only) and the shared token the gateway service is started with (digest only).
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { ServiceToken } from '../core/model.js';
import { digest, registerSecret } from '../core/secrets.js';
import { systemdUnitDir, systemdUnitName } from '../core/service-names.js';
import { parseEnvFile, parseUnit } from '../core/systemd-unit.js';
import { readSmallText } from '../core/bounded-read.js';

const NOTABLE = /\.migrated$|\.tmp$|^openclaw\.sqlite(-wal|-shm)?$|^\.(doctor|native)-importing$/;

/** Relative paths of notable files under devices/, identity/ and state/ (one level each). */
export function notableStateFiles(stateDir: string): string[] {
  const out: string[] = [];
  for (const sub of ['devices', 'identity', 'state', '.']) {
    let names: string[];
    try {
      names = readdirSync(path.join(stateDir, sub));
    } catch {
      continue;
    }
    for (const name of names) if (NOTABLE.test(name)) out.push(sub === '.' ? name : `${sub}/${name}`);
  }
  return out.sort();
}

const PLACEHOLDERS = new Set(['', 'undefined', 'null', '""', "''"]);

/** The token in the systemd unit and in `<state>/gateway.systemd.env` (9.x), when either sets one. */
export function serviceTokens(stateDir: string, home: string, profile: string | undefined, env: NodeJS.ProcessEnv): ServiceToken[] {
  const unit = path.join(systemdUnitDir('user', env, home), systemdUnitName(profile, env));
  const sources: [string, (text: string) => Record<string, string>][] = [
    [unit, (text) => parseUnit(text).environment],
    [path.join(stateDir, 'gateway.systemd.env'), parseEnvFile],
  ];
  const out: ServiceToken[] = [];
  for (const [source, environment] of sources) {
    const text = readSmallText(source);
    if (text === undefined) continue;
    const value = environment(text).OPENCLAW_GATEWAY_TOKEN;
    if (value === undefined) continue;
    registerSecret(value);
    const placeholder = PLACEHOLDERS.has(value.trim()) ? value.trim() || '(empty)' : undefined;
    out.push({ source, digest: placeholder ? null : digest(value), ...(placeholder ? { placeholder } : {}) });
  }
  return out;
}
