/**
 * Every secret value seen while reading the state (device tokens, private keys, the gateway token or
 * password) is registered here, and every byte openclaw-fix prints passes through `redact`. The model
 * never holds secrets; this is the second wall, for text that quotes files or errors verbatim.
 */
import { createHash } from 'node:crypto';

const secrets = new Set<string>();
/** Secrets by a hash of their first PREFIX characters: one pass over the text finds them all (a store of
 * 10,000 devices registers 20,000 tokens; one search per token over every printed byte took minutes). */
const PREFIX = 8;
const byPrefix = new Map<number, string[]>();
const BASE = 31;
let basePow = 1;
for (let i = 0; i < PREFIX - 1; i++) basePow = Math.imul(basePow, BASE);

function prefixHash(text: string, start: number): number {
  let h = 0;
  for (let i = start; i < start + PREFIX; i++) h = (Math.imul(h, BASE) + text.charCodeAt(i)) | 0;
  return h;
}

function add(secret: string): void {
  if (secrets.has(secret)) return;
  secrets.add(secret);
  const h = prefixHash(secret, 0);
  const list = byPrefix.get(h);
  if (list) {
    list.push(secret);
    // Longest first, so a secret that extends another is redacted whole.
    list.sort((a, b) => b.length - a.length);
  } else byPrefix.set(h, [secret]);
}

export function registerSecret(value: unknown): void {
  if (typeof value !== 'string') return;
  const trimmed = value.trim();
  // Short values ("none", "", "true") would redact ordinary words; real tokens are 32+ chars.
  if (trimmed.length >= PREFIX) add(trimmed);
  // A PEM body may be quoted line by line.
  if (trimmed.includes('-----BEGIN')) {
    for (const line of trimmed.split(/\r?\n/)) if (line.length >= 16 && !line.startsWith('-----')) add(line);
  }
}

export function redact(text: string): string {
  let out = text;
  if (byPrefix.size > 0 && text.length >= PREFIX) {
    // Rabin-Karp over the text: a rolling hash of every PREFIX-long window, checked against the secrets'.
    const parts: string[] = [];
    let copied = 0;
    let h = prefixHash(text, 0);
    for (let i = 0; i + PREFIX <= text.length; ) {
      const candidates = byPrefix.get(h);
      const hit = candidates?.find((secret) => text.startsWith(secret, i));
      if (hit) {
        parts.push(text.slice(copied, i), '[redacted]');
        i += hit.length;
        copied = i;
        if (i + PREFIX <= text.length) h = prefixHash(text, i);
        continue;
      }
      if (i + PREFIX < text.length) h = (Math.imul(h - Math.imul(text.charCodeAt(i), basePow), BASE) + text.charCodeAt(i + PREFIX)) | 0;
      i++;
    }
    if (copied > 0) out = parts.join('') + text.slice(copied);
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
  byPrefix.clear();
}
