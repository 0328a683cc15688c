/** Sentences for state files others can read or another user owns (src/rules/store-permissions.ts decides). */
import type { WordingTable } from './types.js';
import { shellQuote } from './words.js';

/** Always quoted: the path goes into a chmod/chown line run as root. */
function quote(p: string): string {
  const word = shellQuote(p);
  return word.startsWith("'") || word.startsWith("$'") ? word : `'${word}'`;
}

export const storePermissionsWording: WordingTable<'store-permissions'> = {
  'store-permissions': (a) => {
    const names = a.files.map((f) => f.name).join(', ');
    const paths = a.files.map((f) => quote(f.path)).join(' ');
    if (a.kind === 'link') {
      return {
        title: `${names} ${a.files.length === 1 ? 'is a symbolic link' : 'are symbolic links'} out of the state directory's own files`,
        explanation:
          'OpenClaw writes these files in place under its state directory. A link means their mode and owner are those of whatever it points to, so openclaw-fix prints no chmod or chown for it: run as root, either would change that other file.',
        evidence: a.files.map((f) => `${f.path}: a symbolic link`),
        fix: { automatic: false, steps: ["As the gateway's user, replace each link with a copy of the file it points to, then run openclaw-fix doctor again."] },
      };
    }
    if (a.kind === 'open') {
      return {
        title: `${names} ${a.files.length === 1 ? 'is' : 'are'} readable by other users`,
        explanation: "These files hold device tokens and this host's private key. OpenClaw writes them 0600; a copy, an editor or a restore widened them.",
        evidence: a.files.map((f) => `${f.path}: mode ${f.mode.toString(8).padStart(4, '0')}`),
        fix: { automatic: false, command: { shell: `chmod 600 ${paths}` } },
      };
    }
    return {
      title: `${names} ${a.files.length === 1 ? 'belongs' : 'belong'} to another user than the state directory (uid ${a.owner})`,
      explanation:
        'The gateway runs as the owner of its state directory; a file it cannot rewrite makes pairings and approvals fail. This usually follows an edit made with sudo.',
      evidence: a.files.map((f) => `${f.path}: uid ${f.uid}`),
      fix: { automatic: false, command: { shell: `chown ${a.owner} ${paths}` } },
    };
  },
};
