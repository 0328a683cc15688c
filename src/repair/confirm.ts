/** The confirmation rule shared by rotate and restore: --yes skips it; no terminal and no --yes refuses (exit 2). */
import { CannotRunError, unchanged } from '../core/errors.js';

export async function confirmChange(message: string, opts: { yes?: boolean; what: string }): Promise<boolean> {
  if (opts.yes) return true;
  if (!process.stdin.isTTY || !process.stderr.isTTY) {
    throw unchanged(new CannotRunError(
      'needs-confirmation',
      `Refusing to change ${opts.what} without confirmation: there is no terminal to ask on. Re-run with --yes (or --dry-run to see the plan only). Nothing was changed.`,
    ));
  }
  // Lazy: the prompt library loads only when a prompt is shown. The prompt goes to stderr so stdout stays the report.
  const { default: confirm } = await import('@inquirer/confirm');
  return confirm({ message, default: false }, { output: process.stderr });
}
