/**
 * `openclaw-fix guard install|uninstall|status`: a systemd drop-in whose ExecStartPre runs
 * `check --fix --no-restart --quiet` before every gateway start. Drop-ins survive `openclaw gateway
 * install --force` rewriting the unit, so a reinstall or update that resets the device is repaired
 * before the gateway serves.
 */
import { existsSync, readdirSync, realpathSync, rmSync, rmdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CannotRunError, EXIT, unchanged } from '../core/errors.js';
import { locateState } from '../core/locate.js';
import { systemdUnitDir, systemdUnitName } from '../core/service-names.js';
import { parseUnit } from '../core/systemd-unit.js';
import { writeFileAtomic } from '../repair/atomic.js';
import { openDir } from '../repair/confined.js';
import { execRunner } from '../core/runner.js';
import { envelope } from '../report/json.js';
import type { Output } from '../report/output.js';
import { snapshotOptions, type CommonOptions } from './common.js';
import { readSmallText } from '../core/bounded-read.js';

export interface GuardOptions extends CommonOptions {
  system?: boolean;
  yes?: boolean;
  dryRun?: boolean;
}

const DROPIN_NAME = 'openclaw-fix.conf';
const MARKER = '# Written by openclaw-fix guard';
export const GUARD_LOG = path.join('backups', 'openclaw-fix', 'guard.log');

interface GuardTarget {
  scope: 'user' | 'system';
  unit: string;
  unitPath: string;
  dropinPath: string;
  stateDir: string;
}

function target(opts: GuardOptions, env: NodeJS.ProcessEnv): GuardTarget {
  const location = locateState(snapshotOptions(opts, env), env);
  const scope = opts.system ? 'system' : 'user';
  const unit = systemdUnitName(location.profile, env);
  const dir = systemdUnitDir(scope, env, location.home);
  const unitPath = path.join(dir, unit);
  // The service may run with its own OPENCLAW_STATE_DIR (written into the unit by `openclaw gateway install`).
  const stateDir = unitEnvironment(unitPath).OPENCLAW_STATE_DIR ?? location.stateDir;
  return { scope, unit, unitPath, dropinPath: path.join(dir, `${unit}.d`, DROPIN_NAME), stateDir };
}

function unitEnvironment(unitPath: string): Record<string, string> {
  const text = readSmallText(unitPath);
  return text === undefined ? {} : parseUnit(text).environment;
}

/** The command systemd will run: absolute, stable paths to a Node and this CLI. */
async function selfCommand(output: Output): Promise<{ node: string; bin: string }> {
  const bin = realpathSync(process.argv[1] ?? '');
  return { node: await stableNode(output), bin };
}

/** The oldest Node openclaw-fix runs on (package.json engines; the launcher refuses anything older). */
const NODE_FLOOR = [22, 13];

/**
 * A path npm, a version manager or the OS may delete or switch away from: an npx cache, a project's
 * node_modules, a version manager's per-version directory (nvm, fnm, volta, asdf, n, nodenv), or the temp dir.
 * A guard pinned there stops working silently at the next upgrade or cleanup.
 */
export function unstablePathReason(p: string, kind: 'node' | 'tool' = 'tool'): string | undefined {
  if (/[\\/]_npx[\\/]/.test(p)) return 'a temporary npx cache';
  // A Node binary from the \`node\` npm package (node_modules/.bin/node) goes with the project's next npm ci; the
  // tool itself is at home in a global node_modules.
  if (kind === 'node' && /[\\/]node_modules[\\/]/.test(p)) return "a project's node_modules (npm ci or an uninstall removes it)";
  const managers: [RegExp, string][] = [
    [/[\\/]\.nvm[\\/]versions[\\/]/, 'an nvm version directory'],
    [/[\\/](fnm_multishells|\.fnm|fnm[\\/]node-versions)[\\/]/, 'an fnm version directory'],
    [/[\\/]\.volta[\\/]tools[\\/]image[\\/]/, 'a volta version directory'],
    [/[\\/]\.asdf[\\/]installs[\\/]/, 'an asdf version directory'],
    [/[\\/]n[\\/]versions[\\/]node[\\/]/, 'an n version directory'],
    [/[\\/]\.nodenv[\\/]versions[\\/]/, 'a nodenv version directory'],
  ];
  for (const [pattern, what] of managers) if (pattern.test(p)) return what;
  const tmp = realpathSync(os.tmpdir());
  if (p.startsWith(tmp + path.sep)) return 'the temporary directory';
  return undefined;
}

async function nodeVersion(node: string): Promise<number[] | undefined> {
  const answer = await execRunner(node, ['--version'], { timeoutMs: 5000 });
  const m = answer.code === 0 ? /^v(\d+)\.(\d+)\./.exec(answer.stdout.trim()) : null;
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/**
 * The Node the drop-in runs: this one when its path is stable; else the first `node` on PATH (then
 * /usr/local/bin, /usr/bin) that is stable and new enough, said out loud; else refused.
 */
async function stableNode(output: Output): Promise<string> {
  const self = realpathSync(process.execPath);
  const why = unstablePathReason(self, 'node');
  if (!why) return self;
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter).filter((d) => path.isAbsolute(d)), '/usr/local/bin', '/usr/bin'];
  for (const dir of dirs) {
    const candidate = path.join(dir, 'node');
    let real;
    try {
      real = realpathSync(candidate);
    } catch {
      continue;
    }
    if (unstablePathReason(real, 'node')) continue;
    const v = await nodeVersion(real);
    if (!v || v[0]! < NODE_FLOOR[0]! || (v[0] === NODE_FLOOR[0] && v[1]! < NODE_FLOOR[1]!)) continue;
    output.note(`openclaw-fix: this Node (${self}) is in ${why}, which can disappear; the guard uses ${real} (v${v.join('.')}) instead.`);
    return real;
  }
  throw unchanged(new CannotRunError(
    'unstable-path',
    `The Node running openclaw-fix (${self}) is in ${why}, which can disappear or switch versions, and no other Node ${NODE_FLOOR.join('.')}+ was found outside such places on PATH, /usr/local/bin or /usr/bin: a guard pinned there would silently stop working. Install Node ${NODE_FLOOR.join('.')}+ system-wide, then run \`openclaw-fix guard install\` again. Nothing was changed.`,
    self,
  ));
}

/**
 * One argument of an ExecStartPre= line, as systemd reads it back: `%` starts a specifier and `$` a variable
 * (so `%%` and `$$`), whitespace splits words and quotes group them (so quoted, with `\\` and `\"`).
 */
export function systemdQuote(arg: string): string {
  if (/[\u0000-\u001f\u007f]/.test(arg)) {
    throw unchanged(new CannotRunError('unsupported-path', `${JSON.stringify(arg)} holds a control character, which a systemd unit line cannot carry; move it to a plain path. Nothing was changed.`));
  }
  const escaped = arg.replace(/%/g, '%%').replace(/\$/g, '$$$$');
  return /^[\w@%+=:,./$-]+$/.test(escaped) ? escaped : `"${escaped.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export function dropinContent(node: string, bin: string, stateDir: string): string {
  const args = [node, bin, 'check', '--fix', '--no-restart', '--quiet', '--from-guard', '--state-dir', stateDir];
  return [
    `${MARKER}: re-applies the scope fix before every gateway start, so a reinstall`,
    '# or update that resets this host\'s device is repaired before the gateway serves.',
    '# The leading "-" means a failure here never stops the gateway; it shows in the journal.',
    '# Remove with: openclaw-fix guard uninstall',
    '[Service]',
    `ExecStartPre=-${args.map(systemdQuote).join(' ')}`,
    '',
  ].join('\n');
}

async function systemctl(scope: 'user' | 'system', args: string[], output: Output): Promise<boolean> {
  const full = scope === 'user' ? ['--user', ...args] : args;
  const r = await execRunner('systemctl', full);
  if (r.code === 0) return true;
  const why = r.stderr.trim().split('\n')[0] || (r.code === 127 ? 'not found' : `exit ${r.code}`);
  output.note(`openclaw-fix: \`systemctl ${full.join(' ')}\` failed (${why}); run it yourself so systemd sees the change.`);
  return false;
}

function lastGuardLines(stateDir: string, count: number): string[] {
  try {
    return (readSmallText(path.join(stateDir, GUARD_LOG), 16 * 1048576) ?? '').trim().split('\n').filter(Boolean).slice(-count);
  } catch {
    return [];
  }
}

function requireSystemd(): void {
  if (process.platform === 'linux') return;
  const where = process.platform === 'darwin' ? 'macOS (launchd has no pre-start hook)' : process.platform;
  throw new CannotRunError(
    'unsupported',
    `guard is not supported on ${where}. Run \`openclaw-fix check --fix\` after every OpenClaw update instead (README: "Keeping the fix").`,
  );
}

export async function run(opts: GuardOptions, output: Output, args: string[]): Promise<number> {
  const action = args[0];
  if (!['install', 'uninstall', 'status'].includes(action ?? '')) {
    throw new CannotRunError('usage', `guard takes install, uninstall or status (got "${action ?? ''}").`);
  }
  requireSystemd();
  const env = process.env;
  const t = target(opts, env);
  const existing = readSmallText(t.dropinPath);
  const ours = existing?.includes(MARKER) ?? false;

  if (action === 'status') {
    const runs = lastGuardLines(t.stateDir, 5);
    const active = ours;
    const binLine = existing?.match(/ExecStartPre=-\S+ (\S+)/)?.[1];
    const broken = active && binLine && !existsSync(binLine.replace(/^"|"$/g, '')) ? binLine : undefined;
    if (output.json) {
      output.printJson({ ...envelope('guard', EXIT.healthy), guard: { installed: active, unit: t.unit, scope: t.scope, dropin: t.dropinPath, stateDir: t.stateDir, brokenPath: broken ?? null, recentRuns: runs } });
    } else {
      output.print(active ? `guard: installed for ${t.unit} (${t.scope})` : `guard: not installed for ${t.unit} (${t.scope})`);
      output.print(`  drop-in  ${t.dropinPath}${active ? '' : ' (absent)'}`);
      output.print(`  state    ${t.stateDir}`);
      if (broken) output.print(`  ! the drop-in runs ${broken}, which no longer exists: run \`openclaw-fix guard install\` again`);
      output.print(runs.length ? `  last runs:\n${runs.map((r) => `    ${r}`).join('\n')}` : '  no run recorded yet (it runs at the next gateway start)');
    }
    return EXIT.healthy;
  }

  if (action === 'uninstall') {
    if (!existing) {
      output.print(`guard: not installed for ${t.unit}; nothing to remove.`);
      return EXIT.healthy;
    }
    if (!ours) throw new CannotRunError('not-ours', `${t.dropinPath} was not written by openclaw-fix; leaving it alone.`, t.dropinPath);
    if (opts.dryRun) {
      output.print(`Would remove ${t.dropinPath} and reload systemd.`);
      return EXIT.healthy;
    }
    rmSync(t.dropinPath);
    const dir = path.dirname(t.dropinPath);
    if (readdirSync(dir).length === 0) rmdirSync(dir);
    await systemctl(t.scope, ['daemon-reload'], output);
    output.print(`guard: removed ${t.dropinPath}.`);
    return EXIT.healthy;
  }

  if (!existsSync(t.unitPath)) {
    throw new CannotRunError(
      'no-unit',
      `No ${t.scope} unit ${t.unit} in ${path.dirname(t.unitPath)}. Install the gateway service first (\`openclaw gateway install\`)${opts.system ? '' : ', or use --system for a system unit'}.`,
      t.unitPath,
    );
  }
  const self = await selfCommand(output);
  const unstable = unstablePathReason(self.bin);
  if (unstable) {
    throw new CannotRunError(
      'unstable-path',
      `openclaw-fix is running from ${unstable} (${self.bin}), which can disappear; a guard pointing there would silently stop working. Install it for good (\`npm pack\` in a clone, then \`npm install -g ./openclaw-fix-<version>.tgz\`: README "Installing on a server"), then run \`openclaw-fix guard install\` from there.`,
      self.bin,
    );
  }
  const content = dropinContent(self.node, self.bin, t.stateDir);
  if (existing === content) {
    output.print(`guard: already installed for ${t.unit}; nothing changed.`);
    return EXIT.healthy;
  }
  if (existing && !ours) throw new CannotRunError('not-ours', `${t.dropinPath} exists and was not written by openclaw-fix; leaving it alone.`, t.dropinPath);
  output.print(`${existing ? 'Update' : 'Install'} ${t.dropinPath}:\n\n${content}`);
  if (opts.dryRun) return EXIT.healthy;
  if (!opts.yes) {
    // The question goes to stderr (confirm.ts): that is the terminal it needs.
    if (!process.stdin.isTTY || !process.stderr.isTTY) {
      throw new CannotRunError('needs-confirmation', `Refusing to change ${t.dropinPath} without confirmation; re-run with --yes.`, t.dropinPath);
    }
    const { ask } = await import('../repair/confirm.js');
    if (!(await ask(output, 'Install this guard?', false))) {
      output.note('openclaw-fix: nothing changed.');
      return EXIT.problems;
    }
  }
  const unitDir = path.dirname(path.dirname(t.dropinPath));
  openDir(unitDir, path.basename(path.dirname(t.dropinPath)), { create: { mode: 0o755 } }).close();
  // systemd reads drop-ins as root or the user: 0644, like the unit beside it.
  await writeFileAtomic(t.dropinPath, Buffer.from(content), { mode: 0o644, within: unitDir });
  await systemctl(t.scope, ['daemon-reload'], output);
  output.print(`guard: installed. It runs before every start of ${t.unit}; \`openclaw-fix guard status\` shows its runs.`);
  return EXIT.healthy;
}
