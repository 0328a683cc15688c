/** Exit codes are the contract (README "Exit codes"). */
export const EXIT = { healthy: 0, problems: 1, cannotRun: 2, interrupted: 130 } as const;

/** An expected failure: one plain line naming the file and what to do; exit 2 unless told otherwise. */
export class CannotRunError extends Error {
  /** Gateway writes our renames replaced before the failure (apply.ts): said in the message and in --json. */
  replacedGatewayWrites?: { file: string; writes: number }[];
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

export function errnoCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : undefined;
}
