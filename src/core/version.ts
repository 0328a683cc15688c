/** OpenClaw calendar versions: YYYY.M.D or YYYY.M.PATCH, optional `-N` hotfix or `-beta.N` suffix. */
export interface CalVer {
  year: number;
  month: number;
  patch: number;
  /** Numeric hotfix suffix (`2026.2.19-2` -> 2); betas sort before the release (-1). */
  hotfix: number;
  raw: string;
}

const VERSION_PATTERN = /(\d{4})\.(\d{1,2})\.(\d{1,3})(?:-([0-9A-Za-z.]+))?/;

/** Parses `2026.2.19`, `OpenClaw 2026.3.13 (abc123)`, `v2026.2.19-2`; null when nothing looks like a version. */
export function parseVersion(text: string): CalVer | null {
  const match = VERSION_PATTERN.exec(text);
  if (!match) return null;
  const [, y, m, p, suffix] = match;
  let hotfix = 0;
  if (suffix) hotfix = /^\d+$/.test(suffix) ? Number(suffix) : -1;
  return {
    year: Number(y),
    month: Number(m),
    patch: Number(p),
    hotfix,
    raw: `${y}.${m}.${p}${suffix ? `-${suffix}` : ''}`,
  };
}

export function compareVersions(a: CalVer, b: CalVer): number {
  return a.year - b.year || a.month - b.month || a.patch - b.patch || a.hotfix - b.hotfix;
}

/** True when `version` is in [from, to] (both inclusive, ignoring hotfix suffixes of the bounds). */
export function inRange(version: CalVer, from: string, to?: string): boolean {
  const lower = parseVersion(from);
  if (!lower) throw new Error(`bad range bound ${from}`);
  const base = { ...version, hotfix: 0 };
  if (compareVersions(base, { ...lower, hotfix: 0 }) < 0) return false;
  if (to === undefined) return true;
  const upper = parseVersion(to);
  if (!upper) throw new Error(`bad range bound ${to}`);
  return compareVersions(base, { ...upper, hotfix: 0 }) <= 0;
}
