/**
 * Every secret value seen while reading the state (device tokens, private keys, the gateway token or
 * password) is registered here, and every byte openclaw-fix prints passes through `redact`. The model
 * never holds secrets; this is the second wall, for text that quotes files or errors verbatim.
 *
 * A state holds a handful of secrets per device. `redact` looks at every position of the text for a secret
 * starting there (found by its first characters), replaces the longest one, and goes on after it.
 */
import { hash } from 'node:crypto';

/** Values shorter than this are never registered: "none", "true" or a scope name would redact ordinary words. */
const MIN_LENGTH = 8;

/** Registered secrets by their first MIN_LENGTH characters, longest first (a secret that extends another is redacted whole). */
const byPrefix = new Map<string, string[]>();

function add(secret: string): void {
  const key = secret.slice(0, MIN_LENGTH);
  const bucket = byPrefix.get(key) ?? [];
  if (bucket.includes(secret)) return;
  bucket.push(secret);
  bucket.sort((a, b) => b.length - a.length);
  byPrefix.set(key, bucket);
}

/** Whether JSON.stringify writes `text` as it is (no quote, backslash, control character or surrogate) and no logger escapes a `/` in it. */
function printsAsIs(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || c === 0x2f || (c >= 0xd800 && c <= 0xdfff)) return false;
  }
  return true;
}

export function registerSecret(value: unknown): void {
  if (typeof value !== 'string') return;
  if (value.length < MIN_LENGTH) return;
  const trimmed = value.trim();
  if (trimmed.length >= MIN_LENGTH) add(trimmed);
  // The usual token (hex, base64url) is printed the same everywhere: nothing more to register.
  if (printsAsIs(trimmed)) return;
  // Printed inside JSON (a --json report, a JSON log line) a secret appears escaped: ", \ and control
  // characters as JSON.stringify writes them, and / as some loggers write it (\/).
  const escaped = JSON.stringify(trimmed).slice(1, -1);
  if (escaped !== trimmed && escaped.length >= MIN_LENGTH) add(escaped);
  if (escaped.includes('/')) add(escaped.replaceAll('/', '\\/'));
  // A PEM body may be quoted line by line.
  if (trimmed.includes('-----BEGIN')) {
    for (const line of trimmed.split(/\r?\n/)) if (line.length >= 16 && !line.startsWith('-----')) add(line);
  }
}

/** At each position, the longest registered secret that starts there becomes `[redacted]`; the search goes on after it. */
function replaceSecrets(text: string): string {
  if (byPrefix.size === 0) return text;
  let out = '';
  let copied = 0;
  for (let i = 0; i + MIN_LENGTH <= text.length; ) {
    const hit = byPrefix.get(text.slice(i, i + MIN_LENGTH))?.find((secret) => text.startsWith(secret, i));
    if (hit === undefined) {
      i++;
      continue;
    }
    out += `${text.slice(copied, i)}[redacted]`;
    i += hit.length;
    copied = i;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

const PEM_BLOCK = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g;

export function redact(text: string): string {
  const out = replaceSecrets(text);
  // Belt and braces: a PEM private key block never leaves, registered or not.
  return out.includes('PRIVATE KEY-----') ? out.replace(PEM_BLOCK, '[redacted private key]') : out;
}

/**
 * For text quoted from logs and pastes, whose secrets may not be registered (another host's token, a token
 * the state no longer holds): the value after `token=`, `password: `, `"secret":` and the like. Runs BEFORE any
 * truncation, so a cut never leaves half a token behind.
 */
export function redactAssignments(text: string): string {
  return (
    redact(text)
      // A JSON string value (a JSON log line): everything up to its closing quote, escapes included.
      .replace(/("(?:[A-Za-z_]*token|password|passwd|secret|api[_-]?key)"\s*:\s*")((?:[^"\\]|\\.){8,})"/gi, '$1[redacted]"')
      .replace(/\b((?:[A-Za-z_]*token|password|passwd|secret|api[_-]?key)["']?\s*(?:[=:]\s*["']?|\s+))([A-Za-z0-9._~+/=-]{16,})/gi, '$1[redacted]')
  );
}

/** A short, non-reversible fingerprint for comparing two copies of a secret. */
export function digest(value: string): string {
  return hash('sha256', value, 'hex').slice(0, 12);
}

export function forgetSecretsForTests(): void {
  byPrefix.clear();
}
