/** The state files hold device tokens and a private key: 0600, owned by the user the gateway runs as. */
import path from 'node:path';
import type { FileInfo, Finding } from '../core/model.js';
import type { Rule } from './types.js';

function quote(p: string): string {
  return `'${p.replace(/'/g, `'\\''`)}'`;
}

export const storePermissions: Rule = {
  id: 'store-permissions',
  description: 'State files readable by other users, or owned by another user than the state directory',
  detect({ snapshot }) {
    if (snapshot.location.demo) return [];
    const stateOwner = snapshot.stateDirUid;
    const files: FileInfo[] = [snapshot.store.paired, snapshot.store.pending, snapshot.identity.file, snapshot.deviceAuth.file];
    const present = files.filter((f) => f.stat?.isFile && f.status !== 'missing');
    const name = (f: FileInfo) => path.relative(snapshot.location.stateDir, f.path) || f.path;
    const open = present.filter((f) => (f.stat!.mode & 0o077) !== 0);
    const foreign = stateOwner === undefined ? [] : present.filter((f) => f.stat!.uid !== stateOwner);
    // One file per CI annotation: the first of them in the order annotations have always used.
    const annotated = (list: FileInfo[]) => [snapshot.store.pending, snapshot.store.paired, snapshot.identity.file, snapshot.deviceAuth.file].find((f) => list.includes(f))?.path;
    const findings: Finding[] = [];
    if (open.length) {
      findings.push({
        id: 'store-permissions',
        severity: 'warning',
        title: `${open.map(name).join(', ')} ${open.length === 1 ? 'is' : 'are'} readable by other users`,
        file: annotated(open),
        explanation:
          "These files hold device tokens and this host's private key. OpenClaw writes them 0600; a copy, an editor or a restore widened them.",
        evidence: open.map((f) => `${f.path}: mode ${f.stat!.mode.toString(8).padStart(4, '0')}`),
        fix: { automatic: false, command: `chmod 600 ${open.map((f) => quote(f.path)).join(' ')}` },
      });
    }
    if (foreign.length) {
      findings.push({
        id: 'store-permissions',
        severity: 'warning',
        title: `${foreign.map(name).join(', ')} ${foreign.length === 1 ? 'belongs' : 'belong'} to another user than the state directory (uid ${stateOwner})`,
        file: annotated(foreign),
        explanation:
          'The gateway runs as the owner of its state directory; a file it cannot rewrite makes pairings and approvals fail. This usually follows an edit made with sudo.',
        evidence: foreign.map((f) => `${f.path}: uid ${f.stat!.uid}`),
        fix: { automatic: false, command: `chown ${stateOwner} ${foreign.map((f) => quote(f.path)).join(' ')}` },
      });
    }
    return findings;
  },
};
