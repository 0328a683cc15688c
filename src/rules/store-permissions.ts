/** The state files hold device tokens and a private key: 0600, owned by the user the gateway runs as. */
import path from 'node:path';
import type { FileInfo, Finding } from '../core/model.js';
import type { Rule } from './types.js';

export const storePermissions: Rule = {
  id: 'store-permissions',
  description: 'State files readable by other users, or owned by another user than the state directory',
  detect({ snapshot }) {
    if (snapshot.location.demo) return [];
    const stateOwner = snapshot.stateDirUid;
    const files: FileInfo[] = [snapshot.store.paired, snapshot.store.pending, snapshot.identity.file, snapshot.deviceAuth.file];
    // A link's mode and owner are its target's, wherever that is: a chmod/chown line for it would change that file
    // (as root, a file the state's owner could not touch). Links are named apart, with no such line.
    const found = files.filter((f) => f.stat?.isFile && f.status !== 'missing');
    const links = found.filter((f) => f.stat!.isSymlink);
    const present = found.filter((f) => !f.stat!.isSymlink);
    const name = (f: FileInfo) => path.relative(snapshot.location.stateDir, f.path) || f.path;
    const open = present.filter((f) => (f.stat!.mode & 0o077) !== 0);
    const foreign = stateOwner === undefined ? [] : present.filter((f) => f.stat!.uid !== stateOwner);
    // One file per CI annotation: the first of them in the order annotations have always used.
    const annotated = (list: FileInfo[]) => [snapshot.store.pending, snapshot.store.paired, snapshot.identity.file, snapshot.deviceAuth.file].find((f) => list.includes(f))?.path;
    const findings: Finding[] = [];
    if (open.length) {
      const listed = open.map((f) => ({ name: name(f), path: f.path, mode: f.stat!.mode }));
      findings.push({ id: 'store-permissions', severity: 'warning', file: annotated(open), args: { kind: 'open', files: listed } });
    }
    if (foreign.length && stateOwner !== undefined) {
      const listed = foreign.map((f) => ({ name: name(f), path: f.path, uid: f.stat!.uid }));
      findings.push({ id: 'store-permissions', severity: 'warning', file: annotated(foreign), args: { kind: 'foreign', owner: stateOwner, files: listed } });
    }
    if (links.length) {
      findings.push({ id: 'store-permissions', severity: 'warning', file: annotated(links), args: { kind: 'link', files: links.map((f) => ({ name: name(f), path: f.path })) } });
    }
    return findings;
  },
};
