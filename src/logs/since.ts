/** `--since` values: a duration back from now (30m, 2h, 3d, 1w) or a date / ISO time. */
import { CannotRunError } from '../core/errors.js';

export const DEFAULT_WINDOW_MS = 7 * 24 * 3600 * 1000;

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/** Date and Date.parse roll 2026-13-45 over into 2027-02-14: every field is checked against its range first. */
function validDate(y: number, m: number, d: number): boolean {
  return m >= 1 && m <= 12 && d >= 1 && d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** Epoch ms of the start of the window; a plain date means local midnight, as `journalctl --since` reads it. */
export function parseSince(value: string, nowMs: number): number {
  const v = value.trim();
  const rel = /^(\d+(?:\.\d+)?)\s*(s|m|h|d|w)$/i.exec(v);
  if (rel) return nowMs - Number(rel[1]) * UNIT_MS[rel[2]!.toLowerCase()]!;
  const day = DAY.exec(v);
  if (day && validDate(Number(day[1]), Number(day[2]), Number(day[3]))) return new Date(Number(day[1]), Number(day[2]) - 1, Number(day[3])).getTime();
  const time = TIME.exec(v);
  if (time && validDate(Number(time[1]), Number(time[2]), Number(time[3])) && Number(time[4]) <= 23 && Number(time[5]) <= 59 && Number(time[6] ?? 0) <= 59) {
    const t = Date.parse(v.replace(' ', 'T'));
    if (Number.isFinite(t)) return t;
  }
  throw new CannotRunError('usage', `--since "${value}" is not a time: use e.g. 30m, 2h, 3d, 1w, 2026-11-23 or 2026-11-23T14:00.`);
}
