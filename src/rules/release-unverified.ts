/**
 * The verdict is only as good as the measurement behind it: on a release the sweep never ran (knowledge.ts
 * MEASURED_RELEASES), every prediction is an inference from the table's row, so doctor never calls it healthy.
 * Severity error on purpose: doctor, check and guard exit 1 ("not healthy"), never 0; the JSON tells it apart from a
 * predicted refusal by this finding's id (docs/json-schema.md).
 */
import { MEASURED_RELEASES } from '../core/knowledge.js';
import { compareVersions, parseVersion } from '../core/version.js';
import type { Rule } from './types.js';

export const releaseUnverified: Rule = {
  id: 'release-unverified',
  description: 'The installed OpenClaw release was never measured: its verdicts are inferred, not verified',
  detect({ snapshot }) {
    const version = snapshot.version.version;
    if (!version || Object.hasOwn(MEASURED_RELEASES, version)) return [];
    const { below, above } = neighbours(version);
    return [
      {
        id: 'release-unverified',
        severity: 'error',
        args: { version, release: snapshot.release, below, above, measured: Object.keys(MEASURED_RELEASES).sort(byVersion) },
      },
    ];
  },
};

function byVersion(a: string, b: string): number {
  return compareVersions(parseVersion(a)!, parseVersion(b)!);
}

function neighbours(version: string): { below?: string; above?: string } {
  const v = parseVersion(version);
  if (!v) return {};
  const sorted = Object.keys(MEASURED_RELEASES).sort(byVersion);
  const below = sorted.filter((m) => compareVersions(parseVersion(m)!, v) < 0).pop();
  const above = sorted.find((m) => compareVersions(parseVersion(m)!, v) > 0);
  return { below, above };
}
