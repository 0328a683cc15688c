/**
 * Every question openclaw-fix asks on a terminal, and the confirmation rule rotate and restore share: --yes skips
 * it; no terminal and no --yes refuses (exit 2).
 */
import { CannotRunError, EXIT, unchanged } from '../core/errors.js';
import type { Output } from '../report/output.js';
import { holdOffInterrupt } from './interrupt.js';

export async function confirmChange(output: Output, message: string, opts: { yes?: boolean; what: string }): Promise<boolean> {
  if (opts.yes) return true;
  if (!process.stdin.isTTY || !process.stderr.isTTY) {
    throw unchanged(new CannotRunError(
      'needs-confirmation',
      `Refusing to change ${opts.what} without confirmation: there is no terminal to ask on. Re-run with --yes (or --dry-run to see the plan only). Nothing was changed.`,
    ));
  }
  return ask(output, message, false);
}

/** What the prompt prints when colour is off (--no-color, NO_COLOR, --json, no colour terminal): the same words, no SGR codes. */
const PLAIN_THEME = {
  prefix: { idle: '?', done: '✔' },
  style: {
    answer: (text: string) => text,
    message: (text: string) => text,
    error: (text: string) => `> ${text}`,
    defaultAnswer: (text: string) => `(${text})`,
    help: (text: string) => text,
    highlight: (text: string) => text,
    key: (text: string) => `<${text}>`,
    // confirm's own: the default answer's letter in capitals ("y/N") instead of in colour.
    confirmDefault: (text: string) => text.toUpperCase(),
  },
};

/**
 * A yes/no question on stderr (stdout stays the report), coloured only when our own output is. Ctrl-C, as a key
 * the prompt reads or as a SIGINT, ends it with an `interrupted` error (exit 130) that the command unwinds
 * through, so what it created (a demo copy) is removed by its own `finally` and nothing is changed.
 */
export async function ask(output: Output, message: string, defaultAnswer: boolean): Promise<boolean> {
  // Lazy: the prompt library loads only when a prompt is shown.
  const { default: confirm } = await import('@inquirer/confirm');
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.on('SIGINT', onSignal);
  const release = holdOffInterrupt();
  try {
    return await confirm(
      { message, default: defaultAnswer, theme: output.err.level > 0 ? undefined : PLAIN_THEME },
      { output: process.stderr, signal: abort.signal },
    );
  } catch (error) {
    // ExitPromptError: Ctrl-C read as a key (the prompt puts the terminal in raw mode); AbortPromptError: a SIGINT.
    if (error instanceof Error && (error.name === 'ExitPromptError' || error.name === 'AbortPromptError')) {
      throw unchanged(new CannotRunError('interrupted', 'Interrupted at the prompt; nothing was changed.', undefined, EXIT.interrupted));
    }
    throw error;
  } finally {
    process.off('SIGINT', onSignal);
    release();
  }
}
