/** M15: paired.json / pending.json that OpenClaw cannot use, and records of the wrong shape. */
import { type Finding, isUnusable } from '../core/model.js';
import type { Rule } from './types.js';

export const storeUnreadable: Rule = {
  id: 'store-unreadable',
  description: 'The device store cannot be read or has the wrong shape',
  detect({ snapshot }) {
    const findings: Finding[] = [];
    const { store } = snapshot;
    const sqlite = store.kind === 'sqlite';
    if (isUnusable(store.paired)) {
      findings.push({
        id: 'store-unreadable',
        severity: 'error',
        file: store.paired.path,
        args: { kind: 'paired', file: store.paired, sqlite, version: snapshot.version.version, corruptReadsEmpty: snapshot.release.corruptStoreReadsEmpty },
      });
    }
    if (isUnusable(store.pending)) {
      findings.push({ id: 'store-unreadable', severity: 'warning', file: store.pending.path, args: { kind: 'pending', file: store.pending, sqlite } });
    }
    for (const device of store.devices) {
      if (device.shapeProblems.length === 0) continue;
      findings.push({ id: 'store-record-malformed', severity: 'warning', file: store.path, deviceId: device.deviceId, args: { key: device.key, problems: device.shapeProblems.slice(0, 8) } });
    }
    if (store.paired.crlf) findings.push({ id: 'store-line-endings', severity: 'info', file: store.path, args: { path: store.paired.path } });
    return findings;
  },
};
