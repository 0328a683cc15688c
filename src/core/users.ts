/** uid -> user name, from /etc/passwd (Node has no getpwuid); used only to word error messages. */
import { readFileSync } from 'node:fs';

function userName(uid: number): string | undefined {
  try {
    for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const [name, , id] = line.split(':');
      if (name && Number(id) === uid) return name;
    }
  } catch {
    // No passwd file (macOS with directory services, containers): the uid alone is shown.
  }
  return undefined;
}

export function ownerText(uid: number): string {
  const name = userName(uid);
  return name ? `${name} (uid ${uid})` : `uid ${uid}`;
}

export function runAsHint(uid: number): string {
  const name = userName(uid);
  return `sudo -u ${name ?? `'#${uid}'`} openclaw-fix …`;
}
