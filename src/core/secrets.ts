/**
 * Every secret value seen while reading the state (device tokens, private keys, the gateway token or
 * password) is registered here, and every byte openclaw-fix prints passes through `redact`. The model
 * never holds secrets; this is the second wall, for text that quotes files or errors verbatim.
 */
import { createHash } from 'node:crypto';

const secrets = new Set<string>();

export function registerSecret(value: unknown): void {
  if (typeof value !== 'string') return;
  const trimmed = value.trim();
  // Short values ("none", "", "true") would redact ordinary words; real tokens are 32+ chars.
  if (trimmed.length >= 8) secrets.add(trimmed);
  // A PEM body may be quoted line by line.
  if (trimmed.includes('-----BEGIN')) {
    for (const line of trimmed.split(/\r?\n/)) if (line.length >= 16 && !line.startsWith('-----')) secrets.add(line);
  }
}

export function redact(text: string): string {
  let out = text;
  for (const secret of secrets) {
    if (out.includes(secret)) out = out.split(secret).join('[redacted]');
  }
  // Belt and braces: a PEM private key block never leaves, registered or not.
  return out.replace(/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g, '[redacted private key]');
}

/**
 * For text quoted from logs and pastes, whose secrets may not be registered (another host's token, a token
 * the state no longer holds): the value after `token=`, `password: `, `"secret":` and the like. Runs BEFORE any
 * truncation, so a cut never leaves half a token behind.
 */
export function redactAssignments(text: string): string {
  return redact(text).replace(/\b((?:[A-Za-z_]*token|password|passwd|secret|api[_-]?key)["']?\s*(?:[=:]\s*["']?|\s+))([A-Za-z0-9._~+/=-]{16,})/gi, '$1[redacted]');
}

/** A short, non-reversible fingerprint for comparing two copies of a secret. */
export function digest(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 12);
}

export function forgetSecretsForTests(): void {
  secrets.clear();
}
