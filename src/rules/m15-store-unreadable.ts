/** M15: paired.json / pending.json that OpenClaw cannot use, and records of the wrong shape. */
import path from 'node:path';
import { type FileInfo, type Finding, isUnusable, type Snapshot } from '../core/model.js';
import { shortId } from './text.js';
import type { Rule, RuleContext } from './types.js';

function consequence(snapshot: Snapshot, file: 'paired' | 'pending'): string {
  if (snapshot.store.kind === 'sqlite') return 'The gateway cannot read its device store.';
  if (file === 'pending') return 'OpenClaw cannot read pending pairing requests; approvals and repairs fail until it is fixed.';
  return snapshot.release.corruptStoreReadsEmpty
    ? `${snapshot.version.version ? `OpenClaw ${snapshot.version.version}` : 'OpenClaw (on releases up to 2026.4.x)'} reads a store it cannot parse as EMPTY: every device is unpaired at once, and the next pairing rewrites the file with only that one device, dropping all the others.`
    : 'OpenClaw refuses to treat it as empty (to avoid overwriting approved pairings) and every WebSocket operation fails until it is repaired.';
}

function recoverySteps(ctx: RuleContext, info: FileInfo): string[] {
  const dir = path.dirname(info.path);
  return [
    'Stop the gateway first (`openclaw gateway stop`) so it cannot overwrite the file.',
    `Restore the last good copy: \`${ctx.command('restore', '--list')}\` lists openclaw-fix backups; also look for ${path.join(dir, 'paired.json.*.tmp')} and *.bak copies.`,
    info.listShape
      ? 'The file holds `openclaw devices list --json` output: restore a backup rather than converting it (that output has no token values).'
      : info.bom
        ? `Or remove the byte-order mark: \`sed -i '1s/^\\xEF\\xBB\\xBF//' '${info.path}'\`, then check it with \`openclaw-fix doctor\` before starting the gateway.`
        : info.parseErrorAt
          ? 'Or fix it by hand at the position above and check it with `openclaw-fix doctor` before starting the gateway.'
          : 'Or rebuild it from a backup; check it with `openclaw-fix doctor` before starting the gateway.',
  ];
}

export const storeUnreadable: Rule = {
  id: 'store-unreadable',
  description: 'The device store cannot be read or has the wrong shape',
  detect(ctx) {
    const { snapshot } = ctx;
    const findings: Finding[] = [];
    const { store } = snapshot;
    if (isUnusable(store.paired)) {
      findings.push({
        id: 'store-unreadable',
        severity: 'error',
        title: `The device store ${store.paired.path} cannot be used: it ${store.paired.problem ?? store.paired.status}`,
        file: store.paired.path,
        impact: 'Every paired device (CLI, Control UI, apps, nodes) is treated as not paired.',
        explanation: consequence(snapshot, 'paired'),
        evidence: [`${store.paired.path}: ${store.paired.status}${store.paired.problem ? ` (${store.paired.problem})` : ''}`],
        fix: { automatic: false, steps: recoverySteps(ctx, store.paired) },
      });
    }
    if (isUnusable(store.pending)) {
      findings.push({
        id: 'store-unreadable',
        severity: 'warning',
        title: `${store.pending.path} cannot be used: it ${store.pending.problem ?? store.pending.status}`,
        file: store.pending.path,
        explanation: consequence(snapshot, 'pending'),
        evidence: [`${store.pending.path}: ${store.pending.status}`],
        fix: {
          automatic: false,
          steps: ['Stop the gateway, move pending.json aside (it only holds requests that expire after 5 minutes anyway), start the gateway.'],
        },
      });
    }
    for (const device of store.devices) {
      if (device.shapeProblems.length === 0) continue;
      findings.push({
        id: 'store-record-malformed',
        severity: 'warning',
        title: `Device record ${shortId(device.key)} has fields of the wrong type or is missing required ones`,
        file: store.path,
        explanation:
          'OpenClaw may ignore or mis-read this record (releases from 2026.8.1 skip records without publicKey, createdAtMs or approvedAtMs when they import the JSON store).',
        deviceId: device.deviceId,
        evidence: device.shapeProblems.slice(0, 8),
        fix: { automatic: false, steps: ['Restore the record from a backup, or re-pair that device.'] },
      });
    }
    if (store.paired.crlf) {
      findings.push({
        id: 'store-line-endings',
        severity: 'info',
        title: 'paired.json has Windows (CRLF) line endings',
        file: store.path,
        explanation: 'It still parses; an editor rewrote it. OpenClaw writes LF, and so does openclaw-fix when it changes the file.',
        evidence: [store.paired.path],
      });
    }
    return findings;
  },
};
