/**
 * The command table. Each command lives in src/commands/<name>.ts and exports
 * `run(opts, output, args): Promise<exitCode>`; modules load lazily so `--help` and `doctor` never pay
 * for prompts, SQLite or the log scanner.
 */
import { Command, CommanderError, Option } from 'commander';
import { CannotRunError, EXIT } from './core/errors.js';
import { isFindingId, isIgnorable, type FindingId } from './core/findings.js';
import { errorJson } from './report/json.js';
import { Output } from './report/output.js';
import { printable } from './report/escape.js';
import { addLocationOptions, addOutputOptions, type CommonOptions } from './commands/common.js';
import { TOOL_VERSION } from './version.js';

/**
 * For the tests' entry (test/support/hooked-cli.mjs, which reaches it through the built bundle): the shipped bin never calls it.
 * @public
 */
export { setHooks } from './core/hooks.js';

type CommandOptions = CommonOptions & Record<string, unknown>;
type CommandRunner = (opts: CommandOptions, output: Output, args: string[]) => Promise<number>;
type Dispatch = (name: string, opts: CommandOptions, args: string[]) => Promise<void>;

/** Where the CLI writes: the process's own streams, or (tests running it in-process) anything writable. */
export interface MainIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

/** Spelled out (not a template import) so the bundler can split each command into its own chunk. */
const COMMANDS: Record<string, () => Promise<{ run: CommandRunner }>> = {
  doctor: () => import('./commands/doctor.js') as Promise<{ run: CommandRunner }>,
  rotate: () => import('./commands/rotate.js') as Promise<{ run: CommandRunner }>,
  restore: () => import('./commands/restore.js') as Promise<{ run: CommandRunner }>,
  check: () => import('./commands/check.js') as Promise<{ run: CommandRunner }>,
  guard: () => import('./commands/guard.js') as Promise<{ run: CommandRunner }>,
  logs: () => import('./commands/logs.js') as Promise<{ run: CommandRunner }>,
  explain: () => import('./commands/explain.js') as Promise<{ run: CommandRunner }>,
};

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function seconds(value: string): number {
  const n = Number(value);
  // Above a day is a typo, and past 2^31 ms Node's timers fire at once (the restart would "time out" immediately).
  if (!Number.isFinite(n) || n <= 0 || n > 86_400) throw new CannotRunError('usage', `"${value}" is not a number of seconds (more than 0, at most 86400).`);
  return n;
}

/** `--device ''` (an unset shell variable) must not silently mean "this host". */
/** --ignore takes a finding id, as doctor prints it in [brackets] and --json in findings[].id; a typo is an error, not a silent no-op. */
function ignoredFinding(value: string, previous: FindingId[] = []): FindingId[] {
  const id = value.trim();
  if (isFindingId(id) && !isIgnorable(id)) {
    throw new CannotRunError('usage', `--ignore cannot leave out ${id}: it is the gateway's own answer to --probe. Run without --probe instead.`);
  }
  if (!isFindingId(id)) {
    throw new CannotRunError('usage', `--ignore takes a finding id, as doctor shows it in [brackets] (e.g. pending-repair-request); "${printable(value)}" is not one. The ids are listed in README "Failure modes" and docs/json-schema.md.`);
  }
  return [...previous, id];
}

function deviceId(value: string): string {
  if (!value.trim()) throw new CannotRunError('usage', '--device needs a device id or a unique prefix of one; it was empty (an unset variable?). Leave --device out to change this host\'s own device.');
  return value.trim();
}

function base(program: Command, name: string): Command {
  return addOutputOptions(addLocationOptions(program.command(name))).exitOverride();
}

function logOptions(cmd: Command): Command {
  return cmd
    .option('--log <file>', 'a gateway log to read (repeatable; - for stdin; .gz accepted); default: the logs the install has', collect)
    .option('--since <when>', 'only log lines after this (e.g. 2h, 3d, 2026-11-23, an ISO time); default 7d');
}

/** check never prompts, so it takes the repair options without --yes. */
function repairOptions(cmd: Command, { confirms = true } = {}): Command {
  if (confirms) cmd.option('-y, --yes', 'do not ask for confirmation (required without a terminal)');
  return cmd
    .option('--dry-run', 'print the plan and change nothing')
    .option('--no-restart', 'leave the gateway service alone (the running gateway may overwrite the edit)')
    .option('--timeout <seconds>', 'how long to wait for the gateway to come back', seconds, 60);
}

function buildProgram(dispatch: Dispatch, io?: MainIO): Command {
  const program = new Command('openclaw-fix');
  // Before any subcommand exists: each copies these settings when created.
  if (io) program.configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
  program
    .description('Find and safely fix OpenClaw\'s "pairing required" loop: a device that lacks the scopes its own gateway asks for.')
    .version(TOOL_VERSION, '-V, --version')
    .showHelpAfterError('(run openclaw-fix --help for usage)')
    .exitOverride();

  logOptions(base(program, 'doctor'))
    .description('diagnose: which devices the gateway will refuse, why, and the exact fix (read-only)')
    .option('-q, --quiet', 'print only problems')
    .option('--ignore <id>', 'leave out findings with this id, as shown in [brackets] (repeatable)', ignoredFinding)
    .option('--no-logs', 'do not read the gateway logs')
    .option('--probe', "also ask the running gateway: connect as this host's clients with the installed release's own client code (a refused connect records a pending request, removed again)")
    .option('--keep-requests', 'with --probe: leave the pending requests the refused connects created')
    .action(async (opts: CommandOptions) => dispatch('doctor', opts, []));

  repairOptions(base(program, 'rotate'))
    .description('add the missing scopes to a device, atomically, with a backup; restart the gateway and verify')
    .option('--device <id>', "the device to change (id or unique prefix); default: this host's own device", deviceId)
    .option('--scope <scope>', 'also grant this scope (repeatable); operator.admin only when named here', collect)
    .option('--new-token', 'also issue a new device token value (the client must then re-pair or be given it)')
    .option('--no-probe', "do not verify with the gateway's real connects after the change (the re-diagnosis alone decides, as before)")
    .action(async (opts: CommandOptions) => dispatch('rotate', opts, []));

  repairOptions(base(program, 'restore'))
    .description('undo a change openclaw-fix made: list backups, or restore the newest or a named one')
    .argument('[backup]', 'the backup to restore (from --list); default: the newest')
    .option('--list', 'list the backups and what each change did')
    .action(async (backup: string | undefined, opts: CommandOptions) => dispatch('restore', opts, backup ? [backup] : []));

  repairOptions(logOptions(base(program, 'check')), { confirms: false })
    .description('non-interactive check for servers and CI: exit 0 healthy, 1 problems, 2 could not run')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'github', 'prometheus']))
    .option('--junit <file>', 'also write a JUnit XML report')
    .option('--textfile-dir <dir>', 'write the metrics to this node_exporter textfile collector directory (implies --format prometheus)')
    .option('--fix', 'apply the rotate plan (restart and verification included); exit 0 only when healthy afterwards')
    .option('--probe', "also ask the running gateway: connect as this host's clients with the installed release's own client code; the exit code follows its answer")
    .option('--no-probe', 'with --fix: verify the repair by the re-diagnosis alone, not by the real connects')
    .option('--keep-requests', 'with --probe: leave the pending requests the refused connects created')
    .option('--no-logs', 'do not read the gateway logs')
    .option('-q, --quiet', 'print only problems')
    .option('--ignore <id>', 'leave out findings with this id, as shown in [brackets] (repeatable)', ignoredFinding)
    .addOption(new Option('--fail-on <severity>', 'lowest severity that fails the check').choices(['warning', 'error']).default('error'))
    // Set by the guard's drop-in, so each pre-start run leaves a line for `guard status`.
    .addOption(new Option('--from-guard').hideHelp())
    .action(async (opts: CommandOptions) => dispatch('check', opts, []));

  base(program, 'guard')
    .description('keep the fix through reinstalls: a pre-start hook that runs `check --fix` before every gateway start')
    .argument('<action>', 'install | uninstall | status')
    .option('--system', 'the system unit (/etc/systemd/system) instead of the user unit')
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--dry-run', 'print what would change and change nothing')
    .action(async (action: string, opts: CommandOptions) => dispatch('guard', opts, [action]));

  logOptions(base(program, 'logs'))
    .description('show the loop in the gateway logs: who is refused, how often, since when')
    .option('-f, --follow', 'keep reading new lines (Ctrl-C to stop)')
    .action(async (opts: CommandOptions) => dispatch('logs', opts, []));

  program
    .command('explain')
    .description('explain a pasted error message, log excerpt or store fragment')
    .argument('[file]', 'a file to read, or - for stdin (default: stdin)')
    .option('--json', 'print one JSON document')
    .option('--no-color', 'no colour')
    .option('--debug', 'show stack traces of unexpected errors')
    .exitOverride()
    .action(async (file: string | undefined, opts: CommandOptions) => dispatch('explain', opts, file ? [file] : []));

  return program;
}

export async function main(argv: string[], io: MainIO = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  // `openclaw-fix logs | head` closes the pipe early: that is the reader's choice, not an error.
  if (io.stdout === process.stdout) {
    process.stdout.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw error;
    });
  }
  let exitCode: number = EXIT.healthy;
  // Until a command runs (a usage error while parsing), the error document goes where the user asked for it.
  const wantsJson = argv.includes('--json') || /(^|\s)--format(=|\s)json(\s|$)/.test(argv.join(' '));
  let output = new Output({ json: wantsJson }, process.env, io.stdout, io.stderr);
  let command = argv.find((a) => Object.hasOwn(COMMANDS, a)) ?? 'openclaw-fix';
  let debug = false;
  const program = buildProgram(async (name, opts, args) => {
    command = name;
    debug = Boolean(opts.debug);
    const json = Boolean(opts.json) || (name === 'check' && opts.format === 'json');
    output = new Output({ json, color: opts.color as boolean | undefined }, process.env, io.stdout, io.stderr);
    const load = COMMANDS[name];
    if (!load) throw new CannotRunError('usage', `unknown command ${name}`);
    exitCode = await (await load()).run(opts, output, args);
  }, io.stdout === process.stdout ? undefined : io);
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // help and --version exit 0; every usage error is "could not run", never "problems found".
      if (error.exitCode === 0) return EXIT.healthy;
      // Commander printed its line to stderr; a program that asked for JSON still gets the error document.
      if (wantsJson) output.printJson(errorJson(command, EXIT.cannotRun, 'usage', error.message.replace(/^error: /, '')));
      return EXIT.cannotRun;
    }
    return reportError(error, output, command, debug);
  }
  return exitCode;
}

function reportError(error: unknown, output: Output, command: string, debug: boolean): number {
  if (error instanceof CannotRunError) {
    if (output.json) output.printJson(errorJson(command, error.exitCode, error.code, error.message, error.path, error.replacedGatewayWrites));
    // One line, whatever a device id or a path quoted in it holds.
    else output.note(`openclaw-fix: ${printable(error.message)}`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  if (output.json) output.printJson(errorJson(command, EXIT.cannotRun, 'internal', message));
  else {
    output.note(`openclaw-fix: unexpected error: ${printable(message)}`);
    output.note(debug && error instanceof Error && error.stack ? error.stack : 'This is a bug in openclaw-fix; run again with --debug for details and report it.');
  }
  return EXIT.cannotRun;
}
