/** The gateway section of openclaw.json (JSON5, as OpenClaw parses it). Secrets are reduced to presence + digest. */
import JSON5 from 'json5';
import type { FileInfo, GatewayConfig } from '../core/model.js';
import { digest, registerSecret } from '../core/secrets.js';
import { readJsonFile } from './read-file.js';
import { isPlainObject, registerNestedSecrets } from './records.js';

const DEFAULT_GATEWAY_PORT = 18789;

function get(obj: unknown, ...keys: string[]): unknown {
  let cur = obj;
  for (const key of keys) {
    if (!isPlainObject(cur)) return undefined;
    cur = cur[key];
  }
  return cur;
}

/** A port a TCP socket can use; anything else makes net.connect throw (and the gateway cannot listen on it). */
function isTcpPort(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && n <= 65535;
}

/**
 * openclaw.json as OpenClaw reads it: JSON5. The one reader of the file; its secrets are registered for redaction.
 * `value` is the object, or {} when the file is missing, unreadable or not an object (`info` says which).
 */
export function readOpenclawJson(configPath: string): { info: FileInfo; value: Record<string, unknown> } {
  // readJsonFile does the stat/symlink/size checks; JSON5 then parses what strict JSON would reject.
  const raw = readJsonFile(configPath);
  let info = raw.info;
  let value: unknown = raw.value;
  if (info.status === 'unparsable' && raw.bytes && !raw.bytes.includes(0)) {
    try {
      value = JSON5.parse(raw.bytes.toString('utf8').replace(/^\uFEFF/, ''));
      info = { ...info, status: 'ok', problem: undefined };
    } catch {
      info = { ...info, problem: 'is not valid JSON5' };
    }
  }
  if (info.status === 'ok' && !isPlainObject(value)) info = { ...info, status: 'wrong-shape', problem: 'is not a JSON object' };
  const cfg = isPlainObject(value) ? value : {};
  registerNestedSecrets(cfg);
  return { info, value: cfg };
}

export function readGatewayConfig(configPath: string, env: NodeJS.ProcessEnv, profile?: string): GatewayConfig {
  const { info, value: cfg } = readOpenclawJson(configPath);

  const token = get(cfg, 'gateway', 'auth', 'token');
  const envToken = env.OPENCLAW_GATEWAY_TOKEN?.trim() || env.CLAWDBOT_GATEWAY_TOKEN?.trim();
  const password = get(cfg, 'gateway', 'auth', 'password') ?? env.OPENCLAW_GATEWAY_PASSWORD;
  registerSecret(envToken);
  registerSecret(password);
  // A SecretRef object (later releases) counts as configured; its value is elsewhere.
  const hasToken = (typeof token === 'string' && token.trim() !== '') || isPlainObject(token) || Boolean(envToken);

  let port = DEFAULT_GATEWAY_PORT;
  let portSource: GatewayConfig['portSource'] = 'default';
  let portInvalid: string | undefined;
  const cfgPort = get(cfg, 'gateway', 'port');
  if (typeof cfgPort === 'number') {
    port = cfgPort;
    portSource = 'config';
    if (!isTcpPort(cfgPort)) portInvalid = `gateway.port ${String(cfgPort)} in ${configPath}`;
  }
  const envPort = env.OPENCLAW_GATEWAY_PORT?.trim();
  if (envPort) {
    const n = Number(envPort.includes(':') ? envPort.split(':').pop() : envPort);
    if (Number.isInteger(n) && n > 0) {
      port = n;
      portSource = 'env';
      portInvalid = isTcpPort(n) ? undefined : `OPENCLAW_GATEWAY_PORT=${envPort}`;
    }
  } else if (portSource === 'default' && profile === 'dev') {
    port = 19001;
  }

  const authMode = get(cfg, 'gateway', 'auth', 'mode');
  const autoApprove = get(cfg, 'gateway', 'nodes', 'pairing', 'autoApproveLocal');
  return {
    file: info,
    mode: typeof get(cfg, 'gateway', 'mode') === 'string' ? (get(cfg, 'gateway', 'mode') as string) : undefined,
    port,
    portSource,
    ...(portInvalid ? { portInvalid } : {}),
    bind: typeof get(cfg, 'gateway', 'bind') === 'string' ? (get(cfg, 'gateway', 'bind') as string) : undefined,
    authMode: typeof authMode === 'string' ? authMode : undefined,
    hasSharedToken: hasToken,
    hasPassword: typeof password === 'string' && password !== '',
    sharedTokenDigest: typeof token === 'string' && token ? digest(token) : envToken ? digest(envToken) : undefined,
    remoteUrl: typeof get(cfg, 'gateway', 'remote', 'url') === 'string' ? (get(cfg, 'gateway', 'remote', 'url') as string) : undefined,
    autoApproveLocal: typeof autoApprove === 'boolean' ? autoApprove : undefined,
    dangerouslyDisableDeviceAuth: get(cfg, 'gateway', 'controlUi', 'dangerouslyDisableDeviceAuth') === true,
    allowInsecureAuth: get(cfg, 'gateway', 'controlUi', 'allowInsecureAuth') === true,
  };
}
