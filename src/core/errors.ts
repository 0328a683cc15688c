/** Exit codes are the contract (README "Exit codes"). */
export const EXIT = { healthy: 0, problems: 1, cannotRun: 2, interrupted: 130 } as const;

/** An expected failure: one plain line naming the file and what to do; exit 2 unless told otherwise. */
export class CannotRunError extends Error {
  /** Gateway writes our renames replaced before the failure (apply.ts): said in the message and in --json. */
  replacedGatewayWrites?: { file: string; writes: number }[];
  /** The message already tells the user nothing was changed (set where it is thrown: see `unchanged`). */
  saysUnchanged = false;
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
 * account of its own (store-writer.ts withState), without reading the words back.
 */
export function unchanged(error: CannotRunError): CannotRunError {
  error.saysUnchanged = true;
  return error;
}

export function errnoCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : undefined;
}
