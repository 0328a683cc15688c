// Issue 19: findings are data ({id, severity, args}), reporters render them. A rule that slips a sentence back
// into its finding, or an id whose wording is missing or throws on real facts, fails here on every fixture.
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../src/core/diagnose.js';
import { takeSnapshot } from '../../src/core/snapshot.js';
import { renderFinding } from '../../src/report/render.js';
import { copyFixture, fixtureNames } from '../helpers.js';

/** What a finding may carry: the id and its facts, nothing worded. */
const DATA_KEYS = new Set(['id', 'mode', 'severity', 'args', 'deviceId', 'file', 'logs']);
const VERSIONS = ['2026.2.19', '2026.4.20', '2026.8.2'];

describe('findings are data; the wording is the reporters\'', () => {
  it.each(fixtureNames())('%s: every finding is facts only, and each renders to a title and an explanation', async (name) => {
    const { dir } = copyFixture(name);
    for (const version of VERSIONS) {
      const snapshot = await takeSnapshot({ stateDir: dir, openclawVersion: version, env: {} });
      for (const finding of diagnose(snapshot).findings) {
        expect(Object.keys(finding).filter((k) => !DATA_KEYS.has(k)), `${finding.id} on ${version}`).toEqual([]);
        expect(finding.id).not.toBe('internal-rule-error');
        const words = renderFinding(finding, ['--state-dir', dir]);
        expect(words.title.length, `${finding.id} on ${version}`).toBeGreaterThan(0);
        expect(words.explanation.length, `${finding.id} on ${version}`).toBeGreaterThan(0);
      }
    }
  });
});
