/** apply.ts driving the SQLite store's transaction: a row changed by someone else is re-planned like a moved file. */
import { planSummary } from '../../src/report/rotate.js';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain .mjs generator shared with scripts/
import { createStateDb, newIdentity } from '../../scripts/gen-sqlite-fixtures.mjs';
import { diagnose } from '../../src/core/diagnose.js';
import { CannotRunError } from '../../src/core/errors.js';
import { takeSnapshot } from '../../src/core/snapshot.js';
import { applyChange, type Prepared } from '../../src/repair/apply.js';
import { editorFor, type TransactionalStoreEditor } from '../../src/repair/editor.js';
import { planRotate } from '../../src/repair/plan.js';
import { Output } from '../../src/report/output.js';
import { readSqliteScopes } from '../../src/store/sqlite-write.js';
import { tempDir } from '../helpers.js';

const TOKEN = 'TOKEN-sqlite-apply-test-'.padEnd(43, 'a');
const NARROW = ['operator.pairing', 'operator.read'];

function quiet(): Output {
  const sink = new Writable({ write: (_c, _e, cb) => cb() });
  return new Output({ color: false }, {}, sink, sink);
}

async function state() {
  const dir = path.join(tempDir(), 'state');
  const host = newIdentity() as { deviceId: string; publicKey: string };
  const db = (await createStateDb(dir, {
    identity: host,
    devices: [{ deviceId: host.deviceId, publicKey: host.publicKey, scopes: NARROW, approvedScopes: NARROW, tokens: { operator: { token: TOKEN, role: 'operator', scopes: NARROW, createdAtMs: 1 } } }],
    authTokens: [{ deviceId: host.deviceId, token: TOKEN, scopes: ['operator.read'] }],
  })) as string;
  return { dir, db, host };
}

/** What the gateway does on a connect between our read and our transaction: it widens the row itself. */
function gatewayWidens(db: string, deviceId: string, scope: string): void {
  const conn = new DatabaseSync(db);
  try {
    const row = conn.prepare('SELECT scopes_json, approved_scopes_json, tokens_json FROM device_pairing_paired WHERE device_id = ?').get(deviceId) as { scopes_json: string; approved_scopes_json: string; tokens_json: string };
    const tokens = JSON.parse(row.tokens_json);
    tokens.operator.scopes.push(scope);
    conn
      .prepare('UPDATE device_pairing_paired SET scopes_json = ?, approved_scopes_json = ?, tokens_json = ? WHERE device_id = ?')
      .run(JSON.stringify([...JSON.parse(row.scopes_json), scope]), JSON.stringify([...JSON.parse(row.approved_scopes_json), scope]), JSON.stringify(tokens), deviceId);
  } finally {
    conn.close();
  }
}

function spec(dir: string, prepare: (attempt: number) => Promise<Prepared | null>, final: string[] = []) {
  return {
    command: 'rotate' as const,
    stateDir: dir,
    prepare,
    verifyWritten: () => [],
    verifyFinal: async () => ({ problems: final }),
    gateway: { listening: false, port: 1 },
    restart: false,
    timeoutSec: 1,
    output: quiet(),
  };
}

async function prepared(dir: string, interfere?: () => void): Promise<Prepared | null> {
  const snapshot = await takeSnapshot({ stateDir: dir, openclawVersion: '2026.8.2', env: {} });
  const plan = planRotate(snapshot, diagnose(snapshot), { scopes: ['operator.admin'] });
  if (plan.nothing) return null;
  const editor = editorFor(snapshot) as TransactionalStoreEditor;
  const tx = editor.transaction(plan, snapshot.store.devices.find((d) => d.key === plan.target.key)!);
  if (interfere) {
    const write = tx.write;
    tx.write = async () => {
      interfere();
      return write();
    };
  }
  return { files: [], transaction: tx, description: planSummary(plan), deviceId: plan.target.deviceId };
}

describe('applyChange on the SQLite store', () => {
  it('a row changed between the plan and the transaction: nothing written, the backup dropped, planned again, both changes kept', async () => {
    const { dir, db, host } = await state();
    const result = await applyChange(spec(dir, (attempt) => prepared(dir, attempt === 1 ? () => gatewayWidens(db, host.deviceId, 'operator.questions') : undefined)));
    expect(result.status).toBe('applied');
    expect(result.attempts).toBe(2);
    const now = await readSqliteScopes(db, host.deviceId);
    for (const list of [now!.scopes, now!.approvedScopes, now!.tokenScopes]) expect(list).toEqual(expect.arrayContaining([...NARROW, 'operator.questions', 'operator.admin']));
    // Only the backup of the attempt that committed is kept.
    expect(readdirSync(path.join(dir, 'backups/openclaw-fix'))).toEqual([result.backup!.name]);
  });

  it('a row that keeps changing: refused after 3 tries (exit 2), nothing of ours written, no backup left', async () => {
    const { dir, db, host } = await state();
    let n = 0;
    const error = await applyChange(spec(dir, () => prepared(dir, () => gatewayWidens(db, host.deviceId, `operator.x${n++}`)))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CannotRunError);
    expect((error as CannotRunError).message).toMatch(/kept changing .* Nothing was changed/);
    expect((await readSqliteScopes(db, host.deviceId))!.scopes).not.toContain('operator.admin');
    expect(readdirSync(path.join(dir, 'backups/openclaw-fix'))).toEqual([]);
  });

  it('verification fails after the write: the device tables are put back from the online copy, the backup marked rolled-back', async () => {
    const { dir, db, host } = await state();
    const before = await readSqliteScopes(db, host.deviceId);
    const result = await applyChange(spec(dir, () => prepared(dir), ['still found after the change: x']));
    expect(result.status).toBe('rolled-back');
    expect(await readSqliteScopes(db, host.deviceId)).toEqual(before);
    expect(result.backup!.manifest.status).toBe('rolled-back');
  });
});
