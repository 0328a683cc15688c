/**
 * Untrusted text on a terminal or in a CI log. Device ids, display names and client ids are chosen by remote
 * clients; logs, pastes, manifests and the lock are written by whoever can write the state. A raw ESC there can
 * clear the screen or retitle the terminal, a CR can overwrite a line, and a newline followed by `::error::` is
 * a GitHub Actions workflow command. Every control character is shown visibly instead (`\x1b`, `\n`, `\r`).
 */

/** C0 and DEL, C1, and the Unicode characters that break or reorder a line (LS, PS, bidi overrides and isolates). */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/** The same, minus our own line breaks and tabs. */
const UNSAFE_IN_TEXT = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/** Our own colour (chalk's SGR sequences), allowed through only when colour is on. */
const UNSAFE_OR_SGR = /\u001b\[[0-9;]*m|[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\u001b': '\\x1b' };

function visible(ch: string): string {
  const named = NAMED[ch];
  if (named) return named;
  const code = ch.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** One untrusted value, safe to put in a line of text: every control character (newlines too) made visible. */
export function printable(value: string): string {
  return value.replace(UNSAFE, visible);
}

/**
 * The last line of defence, on everything printed as text: our own newlines and tabs (and, with colour on, our
 * own SGR colour codes) pass; every other control character is made visible, whoever put it there.
 */
export function terminalText(text: string, colour: boolean): string {
  const safe = colour ? text.replace(UNSAFE_OR_SGR, (m) => (m.length > 1 ? m : visible(m))) : text.replace(UNSAFE_IN_TEXT, visible);
  // A CI runner reads a line starting with `::` (after spaces) as a workflow command; none of our text lines does
  // (the github format writes its annotations through its own method), so one that would is a quoted value that
  // wrapping put first on a line: its first colon is shown as an escape.
  return safe.includes('::') ? safe.replace(WORKFLOW_COMMAND, '$1\\x3a:') : safe;
}

/** `::` at the start of a line, after any spaces or tabs (and our colour codes when colour is on). */
const WORKFLOW_COMMAND = /^((?:[ \t]|\u001b\[[0-9;]*m)*)::/gm;
