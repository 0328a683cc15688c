/** Exit codes are the contract (README "Exit codes"). */
export const EXIT = { healthy: 0, problems: 1, cannotRun: 2, interrupted: 130 } as const;

/** An expected failure: one plain line naming the file and what to do; exit 2 unless told otherwise. */
export class CannotRunError extends Error {
  /** Gateway writes our renames replaced before the failure (apply.ts): said in the message and in --json. */
  replacedGatewayWrites?: { file: string; writes: number }[];
  /** The message already tells the user nothing was changed (set where it is thrown: see `unchanged`). */
  saysUnchanged = false;
  /**
   * With saysUnchanged: what refused, without that claim. A writer that had already replaced a file before this
   * refusal says what the files hold itself (store-writer.ts), so it needs the reason alone.
   */
  refusal?: string;
  constructor(
    public readonly code: string,
    message: string,
    public readonly path?: string,
    public readonly exitCode: number = EXIT.cannotRun,
  ) {
    super(message);
    this.name = 'CannotRunError';
  }
}

/**
 * Marks an error whose message says that nothing was changed, where it is made: the write path then adds no
 * account of its own (store-writer.ts withState), without reading the words back. `refusal`, the message
 * without that claim, is given where a refusal can come after another file was already replaced (the writes
 * themselves); elsewhere the writer words it from the code and path.
 */
export function unchanged(error: CannotRunError, refusal?: string): CannotRunError {
  error.saysUnchanged = true;
  error.refusal = refusal;
  return error;
}

export function errnoCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : undefined;
}
