// `logging.file` in openclaw.json (JSON5, as OpenClaw reads it) tells logs and doctor where the gateway's file log is.
import { copyFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyState, parseJson, runCli, SAMPLE } from '../helpers.js';

describe('logging.file', () => {
  it('is read from a JSON5 openclaw.json, relative to the state dir, and its log is the one scanned', () => {
    const dir = copyState(SAMPLE);
    copyFileSync(path.join(SAMPLE, 'gateway-file-log.jsonl'), path.join(dir, 'custom-gateway.log'));
    // Comments, unquoted keys and a trailing comma: JSON5, which strict JSON would refuse.
    writeFileSync(path.join(dir, 'openclaw.json'), "{\n  // where the gateway logs\n  logging: { file: 'custom-gateway.log', },\n}\n");
    const r = runCli(['logs', '--state-dir', dir, '--json'], { env: { TZ: 'UTC' } });
    expect(r.code, r.stderr).toBe(1);
    expect(parseJson<{ sources: string[] }>(r.stdout).sources).toEqual([path.join(dir, 'custom-gateway.log')]);
  });
});
