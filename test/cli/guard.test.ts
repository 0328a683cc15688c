/** guard: a systemd drop-in that survives unit rewrites; idempotent, reversible, visible. */
import { cpSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyFixture, ROOT, runCli, tempDir } from '../helpers.js';

const FAKES = path.join(ROOT, 'test', 'fakes');

/** A `node` outside node_modules and the temp dir: a wrapper that runs the Node running the tests. */
function stableNodeOnPath(home: string): string {
  const dir = path.join(home, 'bin');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'node'), `#!/bin/sh\nexec '${process.execPath}' "$@"\n`, { mode: 0o755 });
  return dir;
}

/** A unit as `openclaw gateway install` (2026.2.19) writes it, in a temp XDG config dir. */
function install(stateDir: string, unit = 'openclaw-gateway.service') {
  const home = tempDir();
  const config = path.join(home, '.config');
  const unitDir = path.join(config, 'systemd', 'user');
  mkdirSync(unitDir, { recursive: true });
  writeFileSync(
    path.join(unitDir, unit),
    [
      '[Unit]',
      'Description=OpenClaw Gateway (v2026.2.19)',
      '[Service]',
      `ExecStart=/usr/bin/node /usr/lib/node_modules/openclaw/dist/entry.js gateway --port 18789`,
      'Restart=always',
      'RestartSec=5',
      'KillMode=process',
      `Environment=HOME=${home}`,
      `Environment=OPENCLAW_STATE_DIR=${stateDir}`,
      'Environment=OPENCLAW_SERVICE_MARKER=openclaw',
      '[Install]',
      'WantedBy=default.target',
      '',
    ].join('\n'),
  );
  const log = path.join(home, 'service.log');
  // guard refuses a tool that lives under the temp dir; the checkout running these tests may itself be
  // in /tmp (a CI clone), so the CLI gets a temp dir of its own that holds only what a test puts there.
  const tmp = path.join(home, 'tmp');
  mkdirSync(tmp);
  // The Node running the tests is the project's pinned one (node_modules/node): guard will not pin a drop-in to it
  // and looks on PATH for a stable one, as on a server with Node installed system-wide.
  const nodeBin = stableNodeOnPath(home);
  const env = { XDG_CONFIG_HOME: config, PATH: `${FAKES}:${nodeBin}:${process.env.PATH}`, FAKE_SERVICE_LOG: log, TMPDIR: tmp };
  return { home, unitDir, env, log, tmp, dropin: path.join(unitDir, `${unit}.d`, 'openclaw-fix.conf') };
}

describe('guard', () => {
  it('installs a drop-in that runs check --fix before every start, for the state dir the service uses', () => {
    const { dir } = copyFixture('2.19-fixed');
    const t = install(dir);
    const result = runCli(['guard', 'install', '--yes'], { home: t.home, env: t.env });
    expect(result.code, result.stderr).toBe(0);
    const content = readFileSync(t.dropin, 'utf8');
    expect(content).toMatch(/^\[Service\]$/m);
    expect(content).toMatch(new RegExp(`^ExecStartPre=-\\S+ ${ROOT.replace(/[/.]/g, '\\$&')}/bin/openclaw-fix.js check --fix --no-restart --quiet --from-guard --state-dir ${dir.replace(/[/.]/g, '\\$&')}$`, 'm'));
    expect(readFileSync(t.log, 'utf8')).toBe('systemctl --user daemon-reload\n');
  });

  it('is idempotent, shows its status, and uninstall leaves no trace', () => {
    const { dir } = copyFixture('2.19-fixed');
    const t = install(dir);
    runCli(['guard', 'install', '--yes'], { home: t.home, env: t.env });
    const again = runCli(['guard', 'install', '--yes'], { home: t.home, env: t.env });
    expect(again.stdout).toContain('already installed');
    const status = runCli(['guard', 'status'], { home: t.home, env: t.env });
    expect(status.stdout).toContain('guard: installed for openclaw-gateway.service');
    expect(status.stdout).toContain('no run recorded yet');
    // The drop-in's own command leaves a line for status.
    runCli(['check', '--from-guard', '--quiet', '--state-dir', dir, '--openclaw-version', '2026.2.19'], { home: t.home });
    expect(runCli(['guard', 'status'], { home: t.home, env: t.env }).stdout).toMatch(/\d{4}-\d\d-\d\dT[\d:.]+Z exit=0 no-change/);
    expect(runCli(['guard', 'uninstall'], { home: t.home, env: t.env }).code).toBe(0);
    expect(existsSync(path.dirname(t.dropin))).toBe(false);
    expect(runCli(['guard', 'status'], { home: t.home, env: t.env }).stdout).toContain('not installed');
  });

  it('follows the profile and OPENCLAW_SYSTEMD_UNIT', () => {
    const { dir } = copyFixture('2.19-fixed');
    const t = install(dir, 'openclaw-gateway-work.service');
    expect(runCli(['guard', 'install', '--yes', '--profile', 'work'], { home: t.home, env: t.env }).code).toBe(0);
    expect(existsSync(t.dropin)).toBe(true);
  });

  it('refuses without a unit, without confirmation off a terminal, and from a temporary copy of the tool', () => {
    const { dir } = copyFixture('2.19-fixed');
    const t = install(dir);
    const noUnit = runCli(['guard', 'install', '--yes', '--profile', 'nosuch'], { home: t.home, env: t.env });
    expect(noUnit.code).toBe(2);
    expect(noUnit.stderr).toContain('openclaw gateway install');
    const noYes = runCli(['guard', 'install'], { home: t.home, env: t.env });
    expect(noYes.code).toBe(2);
    expect(noYes.stderr).toContain('--yes');
    expect(existsSync(t.dropin)).toBe(false);

    // The same CLI run from a copy in the temp dir, the way an npx cache holds it.
    const copy = path.join(t.tmp, 'pkg');
    mkdirSync(copy);
    for (const entry of ['bin', 'dist', 'package.json']) cpSync(path.join(ROOT, entry), path.join(copy, entry), { recursive: true });
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(copy, 'node_modules'));
    const fromTemp = runCli(['guard', 'install', '--yes'], { home: t.home, env: t.env, bin: path.join(copy, 'bin', 'openclaw-fix.js') });
    expect(fromTemp.code).toBe(2);
    // Issue 17 (13): the package is not published; the hint names the install that works.
    expect(fromTemp.stderr).toContain('npm install -g ./openclaw-fix-<version>.tgz');
  });

  it('--system writes the drop-in beside a system unit and reloads the system manager', () => {
    const { dir } = copyFixture('2.19-fixed');
    const t = install(dir);
    const systemDir = tempDir();
    cpSync(path.join(t.unitDir, 'openclaw-gateway.service'), path.join(systemDir, 'openclaw-gateway.service'));
    const env = { ...t.env, OPENCLAW_FIX_TEST_SYSTEM_UNIT_DIR: systemDir };
    expect(runCli(['guard', 'install', '--system', '--yes'], { home: t.home, env }).code).toBe(0);
    expect(existsSync(path.join(systemDir, 'openclaw-gateway.service.d', 'openclaw-fix.conf'))).toBe(true);
    expect(existsSync(t.dropin)).toBe(false);
    expect(readFileSync(t.log, 'utf8')).toBe('systemctl daemon-reload\n');
    expect(runCli(['guard', 'status', '--system'], { home: t.home, env }).stdout).toContain('installed for openclaw-gateway.service (system)');
  });

  it('--dry-run prints the drop-in and changes nothing', () => {
    const { dir } = copyFixture('2.19-fixed');
    const t = install(dir);
    const result = runCli(['guard', 'install', '--dry-run'], { home: t.home, env: t.env });
    expect(result.stdout).toContain('ExecStartPre=-');
    expect(existsSync(t.dropin)).toBe(false);
    expect(existsSync(t.log)).toBe(false);
  });
});

describe('guard after a reinstall', () => {
  it("repairs the device that `gateway install --force` and an update reset, before the gateway starts", () => {
    const { dir } = copyFixture('2.19-fixed');
    const t = install(dir);
    // The unit names the installed OpenClaw, which is how the guard's run finds the release it judges by.
    const pkg = path.join(t.home, 'lib', 'node_modules', 'openclaw');
    mkdirSync(path.join(pkg, 'dist'), { recursive: true });
    writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name: 'openclaw', version: '2026.2.19' }));
    writeFileSync(path.join(pkg, 'dist', 'entry.js'), '');
    const unitPath = path.join(t.unitDir, 'openclaw-gateway.service');
    const unit = (version: string) =>
      readFileSync(unitPath, 'utf8')
        .replace(/^Description=.*$/m, `Description=OpenClaw Gateway (v${version})`)
        .replace(/^ExecStart=.*$/m, `ExecStart=/usr/bin/node ${path.join(pkg, 'dist', 'entry.js')} gateway --port 18789`);
    writeFileSync(unitPath, unit('2026.2.19'));
    expect(runCli(['guard', 'install', '--yes'], { home: t.home, env: t.env }).code).toBe(0);

    // `openclaw gateway install --force` rewrites the unit; the pairing is reset to the 2.19 install scopes.
    writeFileSync(unitPath, unit('2026.2.19') + '# rewritten by gateway install --force\n');
    const pairedPath = path.join(dir, 'devices', 'paired.json');
    const paired = JSON.parse(readFileSync(pairedPath, 'utf8')) as Record<string, { scopes: string[]; tokens: { operator: { scopes: string[] } } }>;
    const seed = ['operator.admin', 'operator.approvals', 'operator.pairing'];
    for (const device of Object.values(paired)) {
      device.scopes = seed;
      device.tokens.operator.scopes = seed;
    }
    writeFileSync(pairedPath, JSON.stringify(paired, null, 2), { mode: 0o600 });
    expect(runCli(['doctor', '--state-dir', dir, '--openclaw-version', '2026.2.19', '--no-logs']).code).toBe(1);

    // systemd runs the drop-in's ExecStartPre before the gateway: run exactly that command line.
    const line = readFileSync(t.dropin, 'utf8').split('\n').find((l) => l.startsWith('ExecStartPre=-'))!;
    const [node, ...args] = line.slice('ExecStartPre=-'.length).split(' ');
    expect(path.isAbsolute(node!) && existsSync(node!)).toBe(true);
    const result = runCli(args.slice(1), { home: t.home, env: t.env, bin: args[0] });
    expect(result.code, result.stderr).toBe(0);
    const after = JSON.parse(readFileSync(pairedPath, 'utf8')) as typeof paired;
    for (const device of Object.values(after)) {
      expect(device.scopes).toEqual(expect.arrayContaining(['operator.read', 'operator.write']));
      expect(device.tokens.operator.scopes).toEqual(expect.arrayContaining(['operator.read', 'operator.write']));
    }
    expect(runCli(['guard', 'status'], { home: t.home, env: t.env }).stdout).toMatch(/exit=0 repaired/);
    // The drop-in itself was never touched by the unit rewrite.
    expect(readFileSync(t.dropin, 'utf8')).toContain('check --fix --no-restart --quiet --from-guard');
  });
});
