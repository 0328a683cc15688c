/**
 * Turns a paste into text the recognisers can read: escapes decoded (`\r\n`, `\u0022`, `\"` as they
 * appear in JSON-encoded logs), line endings unified, and wrapped log lines joined back into records.
 */

/** Decodes literal escapes (twice: logs that embed JSON inside JSON escape them twice). */
function decodeEscapes(text: string): string {
  let t = text;
  for (let i = 0; i < 2; i++) {
    t = t
      .replace(/\\u([0-9a-fA-F]{4})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
      .replace(/\\r\\n|\\n|\\r/g, '\n')
      .replace(/\\t/g, ' ')
      .replace(/\\"/g, '"');
  }
  return t;
}

export function normalizeText(raw: string): string {
  // Terminal colours (a copied `openclaw doctor` run) carry no facts.
  return decodeEscapes(raw.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '')).replace(/\r\n?/g, '\n');
}

/**
 * Joins continuation lines to the line they continue: indented lines, lines that start with `key=`,
 * lines after one ending in `:` (an error printed on the next line), and elision lines (`...`).
 * Structured text (JSON) keeps its lines; the lenient JSON reader does not need them joined.
 */
export function logicalLines(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const prev = out.length ? out[out.length - 1]! : undefined;
    const continues =
      prev !== undefined &&
      !/^\s*[{}[\]"]/.test(line) &&
      (/^\s+\S/.test(line) || /^\s*[A-Za-z][\w.-]*=/.test(line) || /:\s*$/.test(prev) || /^\s*(\.\.\.|…)/.test(line));
    if (continues) out[out.length - 1] = `${prev} ${line.trim()}`;
    else out.push(line);
  }
  return out.filter((l) => l.trim() !== '');
}

/** The message of a JSON log line: tslog numbered keys, `msg`/`message`, joined; null when the line is not a JSON object. */
export function jsonLineMessage(line: string): string | null {
  const trimmed = line.trim();
  if (!trimmed.startsWith('{') || !trimmed.endsWith('}')) return null;
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const obj = value as Record<string, unknown>;
  const parts: string[] = [];
  const numbered = Object.keys(obj).filter((k) => /^\d+$/.test(k)).sort((a, b) => Number(a) - Number(b));
  for (const key of [...numbered, 'msg', 'message', 'data', 'error']) {
    const v = obj[key];
    if (v === undefined) continue;
    parts.push(typeof v === 'string' ? v : JSON.stringify(v));
  }
  return parts.length ? parts.join(' ') : null;
}
