/**
 * Seeing a gateway write that our rename replaced (issue 8: no lost update accepted silently).
 *
 * Compare-and-swap checks the live file, then renames our temp over it. A gateway that renames its own temp
 * over the file between the two loses that write, and Node has no atomic exchange (renameat2) to prevent it.
 * What it can do is watch the directory: inotify reports every rename onto the file in the order the kernel
 * made them. We mark the start of the window with an attribute change on our temp (a chmod to the mode it
 * already has), and our own rename shows as the temp moving away; every rename onto the file between the two
 * is a write of someone else's that ours replaced. The count is exact, so apply can say so out loud.
 */
import { chmodSync, readdirSync, watch, type FSWatcher } from 'node:fs';

/** How long to wait for the kernel's events of our own rename before saying we cannot tell. */
const SETTLE_TIMEOUT_MS = 2000;

interface RaceWatch {
  /** Synchronously marks the start of the window (call right before the compare). */
  mark(): void;
  /**
   * After our rename: how many renames by others landed on the file between the mark and ours (each one a
   * write that ours replaced), or null when the events did not arrive (queue overflow) and we cannot tell.
   */
  replaced(): Promise<number | null>;
  close(): void;
}

export type RaceWatchOrReason = RaceWatch | { unavailable: string };

/**
 * Watches `dir` for renames onto `target` around our rename of `temp` (both names inside `dir`).
 * Linux only: inotify keeps the order of events; FSEvents (macOS) coalesces them and cannot count.
 */
export function watchRenames(dir: string, target: string, temp: string, mode: number): RaceWatchOrReason {
  if (process.platform !== 'linux') return { unavailable: `not on ${process.platform} (needs Linux inotify)` };
  let marked = false;
  let foreign = 0;
  let done = false;
  /** The watcher failed: events may be missing, so no count is exact. */
  let failed = false;
  let wake: (() => void) | undefined;
  let watcher: FSWatcher;
  try {
    watcher = watch(dir, { persistent: false }, (type, name) => {
      if (done || name === null) return;
      if (!marked) {
        if (type === 'change' && name === temp) marked = true;
      } else if (type === 'rename' && name === temp) {
        // Our temp moved away: our rename. Whatever lands on the file after it is not ours to count here.
        done = true;
        wake?.();
      } else if (type === 'rename' && name === target) {
        foreign++;
      }
    });
  } catch (error) {
    return { unavailable: `cannot watch ${dir} (${(error as NodeJS.ErrnoException).code ?? String(error)})` };
  }
  watcher.on('error', () => {
    failed = true;
    done = true;
    wake?.();
  });
  return {
    mark: () => chmodSync(`${dir}/${temp}`, mode),
    replaced: () =>
      new Promise<number | null>((resolve) => {
        const count = () => (marked && !failed ? foreign : null);
        if (done) return resolve(count());
        const timer = setTimeout(() => resolve(null), SETTLE_TIMEOUT_MS);
        wake = () => {
          clearTimeout(timer);
          resolve(count());
        };
      }),
    close: () => watcher.close(),
  };
}

/** OpenClaw's own temp names: `<file>.<uuid>.tmp` (to 4.x), `.fs-safe-replace.<pid>.<uuid>.tmp` (6.x on). */
function isGatewayTemp(name: string, target: string, ours: string): boolean {
  if (!name.endsWith('.tmp') || name.includes(ours)) return false;
  return name.startsWith(`${target}.`) || name.startsWith('.fs-safe-replace.');
}

/**
 * Waits (up to `maxMs`) while a gateway write is visibly in flight: its temp file exists beside the target.
 * Its rename is what would land in our window, so this makes a replaced write rarer; the watch still counts
 * any that slip through. A temp left by a crashed gateway only costs the wait.
 */
export async function waitWhileGatewayWrites(dir: string, target: string, ours: string, maxMs = 20): Promise<void> {
  const until = Date.now() + maxMs;
  while (Date.now() < until) {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    if (!names.some((n) => isGatewayTemp(n, target, ours))) return;
    await new Promise((r) => setTimeout(r, 1));
  }
}
