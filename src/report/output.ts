/**
 * The only place that writes to stdout/stderr. Every string passes through `redact`, and colour is
 * decided here: chalk ignores NO_COLOR by design, so the level is set from our own rules.
 */
import { Chalk, supportsColor, type ChalkInstance } from 'chalk';
import { redact } from '../core/secrets.js';
import { printable, terminalText } from './escape.js';

export interface OutputOptions {
  color?: boolean;
  json?: boolean;
}

function colorLevel(options: OutputOptions, stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): 0 | 1 | 2 | 3 {
  if (options.json || options.color === false) return 0;
  if ((env.NO_COLOR ?? '') !== '') return 0;
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '' && force !== '0' && force !== 'false') return supportsColor ? supportsColor.level || 1 : 1;
  if (!stream.isTTY) return 0;
  if (env.TERM === 'dumb') return 0;
  return supportsColor ? supportsColor.level || 1 : 1;
}

export class Output {
  readonly out: ChalkInstance;
  readonly err: ChalkInstance;
  constructor(
    private readonly options: OutputOptions,
    private readonly env: NodeJS.ProcessEnv = process.env,
    private readonly stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number } = process.stdout,
    private readonly stderr: NodeJS.WritableStream & { isTTY?: boolean } = process.stderr,
  ) {
    this.out = new Chalk({ level: colorLevel(options, stdout, env) });
    this.err = new Chalk({ level: colorLevel(options, stderr, env) });
  }

  /** Everything to this output's stderr (check --fix runs rotate there: stdout stays check's own report). */
  toStderr(options: OutputOptions): Output {
    return new Output(options, this.env, this.stderr, this.stderr);
  }

  get json(): boolean {
    return Boolean(this.options.json);
  }

  get width(): number {
    return Math.max(60, Math.min(this.stdout.columns ?? 100, 120));
  }

  get stderrIsTTY(): boolean {
    return Boolean(this.stderr.isTTY);
  }

  /** Text for a person or a CI log: redacted, then every control character we did not put there made visible. */
  print(text = ''): void {
    this.stdout.write(`${terminalText(redact(text), this.out.level > 0)}\n`);
  }

  /**
   * One JSON document: indented for a person at a terminal, one line for a program (a pipe or a file), as
   * `gh --json` does.
   */
  printJson(value: unknown): void {
    if (this.stdout.isTTY) {
      this.stdout.write(`${redact(JSON.stringify(value, null, 2))}\n`);
      return;
    }
    // Written member by member, so a big store's device list is never copied into one more string. Parts meet
    // at a comma and a quote, where no secret can straddle them, so each is redacted on its own.
    for (const part of jsonParts(value)) this.stdout.write(redact(part));
    this.stdout.write('\n');
  }

  /** Diagnostics and progress: never mixed into the report on stdout. */
  note(text: string): void {
    this.stderr.write(`${terminalText(redact(text), this.err.level > 0)}\n`);
  }

  /** GitHub Actions workflow commands (check --format github), escaped by their own rules (report/github.ts). */
  printWorkflowCommand(line: string): void {
    this.stdout.write(`${redact(line)}\n`);
  }

  /** One JSON document per line (logs --follow --json): JSON already escapes what it must. */
  printJsonLine(value: unknown): void {
    this.stdout.write(`${redact(JSON.stringify(value))}\n`);
  }

  raw(text: string): void {
    this.stderr.write(redact(text));
  }
}

/**
 * One word after any whitespace. A command in a sentence is between backticks, and that span is part of one
 * word with its spaces, as is a shell-quoted word as shellQuote writes it ('a b', 'it'\''s', $'a\x1b b') at a
 * word's start: a pasted command is never broken across lines or squeezed at its spaces.
 */
const WORD = /\s*((?:\$?'[^']*'(?:\\''[^']*')*)?(?:`[^`]*`|\S)*)/y;

/** The words of a paragraph, whitespace dropped except inside a command (above). */
function wordsOf(text: string): string[] {
  const out: string[] = [];
  WORD.lastIndex = 0;
  for (let m = WORD.exec(text); m?.[1]; m = WORD.exec(text)) out.push(m[1]);
  return out;
}

/** Wraps a paragraph to `width`, every line after the first indented by `indent`. */
export function wrap(text: string, width: number, indent: string): string {
  // Untrusted words (a device's display name, a log field) arrive here: their control characters are shown.
  const words = wordsOf(text).map(printable);
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    if (line && line.length + 1 + word.length > width - indent.length) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines.join(`\n${indent}`);
}

/** JSON.stringify(value), as the pieces an object's members make (the whole text when it is not an object). */
export function jsonParts(value: unknown): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || 'toJSON' in value) return [JSON.stringify(value)];
  const parts: string[] = [];
  for (const [key, member] of Object.entries(value)) {
    const text = JSON.stringify(member) as string | undefined;
    // The key and the value as two parts: joining them would copy the value.
    if (text !== undefined) parts.push(`${parts.length ? ',' : '{'}${JSON.stringify(key)}:`, text);
  }
  parts.push(parts.length ? '}' : '{}');
  return parts;
}
