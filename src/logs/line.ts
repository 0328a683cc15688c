/**
 * One log line -> message, time, level, subsystem. Knows the gateway's tslog JSON lines (OpenClaw's own
 * parser: time from `time` or `_meta.date`, level `_meta.logLevelName`, subsystem from
 * JSON.parse(_meta.name).subsystem, message = the numbered keys joined), other JSON lines with a
 * `message`/`msg`, and console text (journal, launchd logs, pastes) with or without a leading timestamp.
 */

export interface ParsedLine {
  message: string;
  timeMs?: number;
  level?: string;
  subsystem?: string;
}

type Obj = Record<string, unknown>;

const LEADING_TIME = /^\s*\[?(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?)\]?\s*/;

/** Epoch ms of an ISO-ish timestamp, or undefined. Accepts `+0800` (journalctl short-iso) and `,123`. */
export function parseTime(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value > 1e11 ? value : undefined;
  if (typeof value !== 'string' || value.length < 10) return undefined;
  let v = value.trim().replace(' ', 'T').replace(',', '.');
  v = v.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const t = Date.parse(v);
  return Number.isFinite(t) ? t : undefined;
}

function text(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '';
  }
}

function subsystemOf(name: unknown): string | undefined {
  if (typeof name !== 'string') return undefined;
  if (!name.startsWith('{')) return name;
  try {
    const parsed = JSON.parse(name) as Obj;
    const s = parsed.subsystem ?? parsed.module;
    return typeof s === 'string' ? s : undefined;
  } catch {
    return undefined;
  }
}

function fromJson(obj: Obj): ParsedLine | null {
  const meta = (obj._meta && typeof obj._meta === 'object' ? obj._meta : {}) as Obj;
  const parts: string[] = [];
  for (let i = 0; String(i) in obj; i++) {
    const value = obj[String(i)];
    // tslog puts the logger name first; it is the subsystem, not part of what was said.
    if (i === 0 && typeof value === 'string' && value === meta.name && value.startsWith('{')) continue;
    parts.push(text(value));
  }
  let message = parts.join(' ');
  if (!message) message = text(obj.message ?? obj.msg ?? obj.MESSAGE ?? '');
  if (!message) return null;
  const level = meta.logLevelName ?? obj.level ?? obj.PRIORITY;
  return {
    message,
    timeMs: parseTime(obj.time) ?? parseTime(meta.date) ?? parseTime(obj.ts) ?? parseTime(obj.timestamp),
    level: typeof level === 'string' ? level.toUpperCase() : undefined,
    subsystem: subsystemOf(meta.name) ?? (typeof obj.subsystem === 'string' ? obj.subsystem : undefined),
  };
}

export function parseLine(raw: string): ParsedLine | null {
  const line = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
  const first = line.trimStart().charCodeAt(0);
  if (first === 123 /* { */) {
    try {
      const obj = JSON.parse(line) as unknown;
      if (obj && typeof obj === 'object' && !Array.isArray(obj)) return fromJson(obj as Obj);
    } catch {
      // A cut or damaged JSON line still carries the text; read it as console text below.
    }
  }
  const m = LEADING_TIME.exec(line);
  if (m) return { message: line.slice(m[0].length), timeMs: parseTime(m[1]) };
  return { message: line };
}
