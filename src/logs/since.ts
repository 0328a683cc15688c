/** `--since` values: a duration back from now (30m, 2h, 3d, 1w) or a date / ISO time. */
import { CannotRunError } from '../core/errors.js';

export const DEFAULT_WINDOW_MS = 7 * 24 * 3600 * 1000;

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Epoch ms of the start of the window; a plain date means local midnight, as `journalctl --since` reads it. */
export function parseSince(value: string, nowMs: number): number {
  const v = value.trim();
  const rel = /^(\d+(?:\.\d+)?)\s*(s|m|h|d|w)$/i.exec(v);
  if (rel) return nowMs - Number(rel[1]) * UNIT_MS[rel[2]!.toLowerCase()]!;
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (day) return new Date(Number(day[1]), Number(day[2]) - 1, Number(day[3])).getTime();
  if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(v)) {
    const t = Date.parse(v.replace(' ', 'T'));
    if (Number.isFinite(t)) return t;
  }
  throw new CannotRunError('usage', `--since "${value}" is not a time: use e.g. 30m, 2h, 3d, 1w, 2026-11-23 or 2026-11-23T14:00.`);
}
