/** M15's sentences: a device store OpenClaw cannot use, malformed records (src/rules/m15-store-unreadable.ts decides). */
import path from 'node:path';
import type { FindingArgs } from '../../core/findings.js';
import type { FileInfo } from '../../core/model.js';
import type { Say, WordingTable } from './types.js';
import { shortId } from './words.js';

function consequence(a: FindingArgs['store-unreadable']): string {
  if (a.sqlite) return 'The gateway cannot read its device store.';
  if (a.kind === 'pending') return 'OpenClaw cannot read pending pairing requests; approvals and repairs fail until it is fixed.';
  return a.corruptReadsEmpty
    ? `${a.version ? `OpenClaw ${a.version}` : 'OpenClaw (on releases up to 2026.4.x)'} reads a store it cannot parse as EMPTY: every device is unpaired at once, and the next pairing rewrites the file with only that one device, dropping all the others.`
    : 'OpenClaw refuses to treat it as empty (to avoid overwriting approved pairings) and every WebSocket operation fails until it is repaired.';
}

function recoverySteps(info: FileInfo, say: Say): string[] {
  const dir = path.dirname(info.path);
  return [
    'Stop the gateway first (`openclaw gateway stop`) so it cannot overwrite the file.',
    `Restore the last good copy: \`${say.command(['restore', '--list'])}\` lists openclaw-fix backups; also look for ${path.join(dir, 'paired.json.*.tmp')} and *.bak copies.`,
    info.listShape
      ? 'The file holds `openclaw devices list --json` output: restore a backup rather than converting it (that output has no token values).'
      : info.bom
        ? `Or remove the byte-order mark: \`sed -i '1s/^\\xEF\\xBB\\xBF//' '${info.path}'\`, then check it with \`openclaw-fix doctor\` before starting the gateway.`
        : info.parseErrorAt
          ? 'Or fix it by hand at the position above and check it with `openclaw-fix doctor` before starting the gateway.'
          : 'Or rebuild it from a backup; check it with `openclaw-fix doctor` before starting the gateway.',
  ];
}

export const m15Wording: WordingTable<'store-unreadable' | 'store-record-malformed' | 'store-line-endings'> = {
  'store-unreadable': (a, say) => {
    const { file } = a;
    if (a.kind === 'pending') {
      return {
        title: `${file.path} cannot be used: it ${file.problem ?? file.status}`,
        explanation: consequence(a),
        evidence: [`${file.path}: ${file.status}`],
        fix: {
          automatic: false,
          steps: ['Stop the gateway, move pending.json aside (it only holds requests that expire after 5 minutes anyway), start the gateway.'],
        },
      };
    }
    return {
      title: `The device store ${file.path} cannot be used: it ${file.problem ?? file.status}`,
      impact: 'Every paired device (CLI, Control UI, apps, nodes) is treated as not paired.',
      explanation: consequence(a),
      evidence: [`${file.path}: ${file.status}${file.problem ? ` (${file.problem})` : ''}`],
      fix: { automatic: false, steps: recoverySteps(file, say) },
    };
  },
  'store-record-malformed': (a) => ({
    title: `Device record ${shortId(a.key)} has fields of the wrong type or is missing required ones`,
    explanation:
      'OpenClaw may ignore or mis-read this record (releases from 2026.8.1 skip records without publicKey, createdAtMs or approvedAtMs when they import the JSON store).',
    evidence: a.problems,
    fix: { automatic: false, steps: ['Restore the record from a backup, or re-pair that device.'] },
  }),
  'store-line-endings': (a) => ({
    title: 'paired.json has Windows (CRLF) line endings',
    explanation: 'It still parses; an editor rewrote it. OpenClaw writes LF, and so does openclaw-fix when it changes the file.',
    evidence: [a.path],
  }),
};
