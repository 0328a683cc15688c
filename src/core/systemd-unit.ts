/**
 * What openclaw-fix reads from the gateway's systemd unit (`openclaw gateway install` writes it) and from the
 * owner-only env file 2026.9 keeps beside the state (`gateway.systemd.env`): the environment the service starts
 * with (its OPENCLAW_STATE_DIR, its shared token) and the program ExecStart runs (which OpenClaw is installed).
 * Parsing only; the callers read the files (bounded, regular files only).
 */

/** `KEY=value` or `"KEY=value with spaces"`, as systemd splits an Environment= line. */
function assignments(text: string): [string, string][] {
  const out: [string, string][] = [];
  for (const word of text.match(/"[^"]*"|'[^']*'|\S+/g) ?? []) {
    const clean = word.replace(/^(["'])(.*)\1$/, '$2');
    const eq = clean.indexOf('=');
    if (eq > 0) out.push([clean.slice(0, eq), clean.slice(eq + 1)]);
  }
  return out;
}

export interface SystemdUnit {
  /** Every Environment= assignment; a later one wins, as in systemd. */
  environment: Record<string, string>;
  /** The words of the first ExecStart= (`<node> <…/openclaw/dist/entry.js> gateway --port N`). */
  execStart: string[];
}

export function parseUnit(text: string): SystemdUnit {
  const environment: Record<string, string> = {};
  let execStart: string[] | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('Environment=')) for (const [key, value] of assignments(line.slice('Environment='.length))) environment[key] = value;
    else if (line.startsWith('ExecStart=') && !execStart) execStart = line.slice('ExecStart='.length).trim().split(/\s+/).filter(Boolean);
  }
  return { environment, execStart: execStart ?? [] };
}

/** An EnvironmentFile: one `KEY=value` per line (the value may be quoted); `#` and `;` start a comment line. */
export function parseEnvFile(text: string): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const eq = line.indexOf('=');
    if (eq > 0) environment[line.slice(0, eq).trim()] = line.slice(eq + 1).trim().replace(/^(["'])(.*)\1$/, '$2');
  }
  return environment;
}
