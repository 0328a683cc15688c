/** Options every command shares, and how they turn into snapshot options and repeatable fix flags. */
import path from 'node:path';
import type { Command } from 'commander';
import type { SnapshotOptions } from '../core/snapshot.js';
import { PACKAGE_ROOT } from '../version.js';

export interface CommonOptions {
  stateDir?: string;
  profile?: string;
  dev?: boolean;
  config?: string;
  openclawVersion?: string;
  demo?: boolean;
  json?: boolean;
  color?: boolean;
  verbose?: boolean;
  debug?: boolean;
}

export function addLocationOptions(cmd: Command): Command {
  return cmd
    .option('--state-dir <dir>', "OpenClaw's state directory (default: as OpenClaw resolves it: OPENCLAW_STATE_DIR, profile, ~/.openclaw)")
    .option('--profile <name>', 'the OpenClaw profile (~/.openclaw-<name>), as `openclaw --profile`')
    .option('--dev', 'the dev profile (~/.openclaw-dev), as `openclaw --dev`')
    .option('--config <file>', 'the OpenClaw config file (default: OPENCLAW_CONFIG_PATH or <state>/openclaw.json)')
    .option('--openclaw-version <version>', 'judge by this OpenClaw release instead of the installed one')
    .option('--demo', 'use the bundled demo state (a real broken OpenClaw 2026.2.19 install)');
}

export function addOutputOptions(cmd: Command): Command {
  return cmd
    .option('--json', 'print one JSON document (schema: docs/json-schema.md)')
    .option('--no-color', 'no colour (also NO_COLOR=1, and whenever output is not a terminal)')
    .option('-v, --verbose', 'show the evidence behind each finding')
    .option('--debug', 'show stack traces of unexpected errors');
}

/** The bundled demo state: fixtures/demo in the package. */
export function demoDir(): string {
  return path.join(PACKAGE_ROOT, 'fixtures', 'demo');
}

export function snapshotOptions(opts: CommonOptions, env: NodeJS.ProcessEnv = process.env): SnapshotOptions {
  return {
    stateDir: opts.stateDir,
    profile: opts.profile,
    dev: opts.dev,
    config: opts.config,
    openclawVersion: opts.openclawVersion,
    demoDir: opts.demo ? demoDir() : undefined,
    env,
  };
}

/** The flags to repeat in a printed fix, so the command can be copied as it is. */
export function locationArgs(opts: CommonOptions): string[] {
  const args: string[] = [];
  if (opts.demo) args.push('--demo');
  if (opts.stateDir) args.push('--state-dir', path.resolve(opts.stateDir));
  if (opts.profile) args.push('--profile', opts.profile);
  if (opts.dev) args.push('--dev');
  if (opts.config) args.push('--config', path.resolve(opts.config));
  if (opts.openclawVersion) args.push('--openclaw-version', opts.openclawVersion);
  return args;
}
