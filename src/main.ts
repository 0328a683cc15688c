/** The command table. Commands load lazily so `--help` and `doctor` never pay for prompts or SQLite. */
import { Command, CommanderError, Option } from 'commander';
import { CannotRunError, EXIT } from './core/errors.js';
import { errorJson } from './report/json.js';
import { Output } from './report/output.js';
import { addLocationOptions, addOutputOptions, type CommonOptions } from './commands/common.js';
import { TOOL_VERSION } from './version.js';

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function buildProgram(run: (name: string, opts: CommonOptions & Record<string, unknown>, args: string[]) => Promise<void>): Command {
  const program = new Command('openclaw-fix')
    .description('Find and safely fix OpenClaw\'s "pairing required" loop (a device that lacks the scopes its own gateway asks for).')
    .version(TOOL_VERSION, '-V, --version')
    .showHelpAfterError('(run openclaw-fix --help for usage)')
    .exitOverride();

  const doctor = addOutputOptions(addLocationOptions(program.command('doctor')))
    .description('diagnose: which devices the gateway will refuse, why, and the exact fix (read-only)')
    .option('-q, --quiet', 'print only problems')
    .option('--ignore <rule>', 'skip a rule by id (repeatable)', collect)
    .action(async (opts) => run('doctor', opts, []));
  doctor.exitOverride();

  return program;
}

export async function main(argv: string[]): Promise<number> {
  let exitCode: number = EXIT.healthy;
  let output = new Output({});
  let command = 'openclaw-fix';
  let debug = false;
  const program = buildProgram(async (name, opts) => {
    command = name;
    debug = Boolean(opts.debug);
    output = new Output({ json: opts.json, color: opts.color });
    switch (name) {
      case 'doctor': {
        const { runDoctor } = await import('./commands/doctor.js');
        exitCode = await runDoctor(opts, output);
        break;
      }
    }
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // help and --version exit 0; every usage error is "could not run", never "problems found".
      return error.exitCode === 0 ? EXIT.healthy : EXIT.cannotRun;
    }
    return reportError(error, output, command, debug);
  }
  return exitCode;
}

function reportError(error: unknown, output: Output, command: string, debug: boolean): number {
  if (error instanceof CannotRunError) {
    if (output.json) output.printJson(errorJson(command, error.exitCode, error.code, error.message, error.path));
    else output.note(`openclaw-fix: ${error.message}`);
    return error.exitCode;
  }
  if (error instanceof Error && error.name === 'ExitPromptError') {
    output.note('openclaw-fix: interrupted; nothing was changed.');
    return EXIT.interrupted;
  }
  const message = error instanceof Error ? error.message : String(error);
  if (output.json) output.printJson(errorJson(command, EXIT.cannotRun, 'internal', message));
  else {
    output.note(`openclaw-fix: unexpected error: ${message}`);
    output.note(debug && error instanceof Error && error.stack ? error.stack : 'This is a bug in openclaw-fix; run again with --debug for details and report it.');
  }
  return EXIT.cannotRun;
}

void Option;
