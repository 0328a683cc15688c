/** How rotate finds the service that runs the gateway, per platform, through an injected runner (argv recorded). */
import { describe, expect, it } from 'vitest';
import type { Runner } from '../../src/core/runner.js';
import { detectGateway } from '../../src/repair/service.js';

function recorder(answer: (cmd: string, args: string[]) => { code: number; stdout?: string; stderr?: string }) {
  const calls: string[] = [];
  const runner: Runner = async (cmd, args) => {
    calls.push([cmd, ...args].join(' '));
    const a = answer(cmd, args);
    return { code: a.code, stdout: a.stdout ?? '', stderr: a.stderr ?? '' };
  };
  return { calls, runner };
}

const base = { port: 1, listening: false, home: '/home/u', uid: 501 };

describe('detectGateway', () => {
  it('linux: the profile user unit, stopped and started with systemctl --user', async () => {
    const { calls, runner } = recorder((_c, args) => ({ code: 0, stdout: args[0] === '--user' && args[1] === 'show' ? 'LoadState=loaded\nActiveState=active' : '' }));
    const g = await detectGateway({ ...base, env: {}, profile: 'work', runner, platform: 'linux' });
    expect(g.service).toMatchObject({ kind: 'systemd-user', name: 'openclaw-gateway-work.service', active: true });
    await g.service!.stop();
    await g.service!.start();
    expect(calls.slice(-2)).toEqual(['systemctl --user stop openclaw-gateway-work.service', 'systemctl --user start openclaw-gateway-work.service']);
  });

  it('linux: no user bus -> the system unit, with a note on why the user unit could not be asked', async () => {
    const { runner } = recorder((_c, args) =>
      args[0] === '--user' ? { code: 1, stderr: 'Failed to connect to bus: No medium found' } : { code: 0, stdout: 'LoadState=loaded\nActiveState=inactive' },
    );
    const g = await detectGateway({ ...base, env: {}, runner, platform: 'linux' });
    expect(g.service).toMatchObject({ kind: 'systemd-system', active: false });
    expect(g.note).toMatch(/XDG_RUNTIME_DIR/);
  });

  it('macOS: ai.openclaw.gateway, or OPENCLAW_LAUNCHD_LABEL; bootout then bootstrap the LaunchAgent', async () => {
    const { calls, runner } = recorder((_c, args) => ({ code: args[0] === 'print' ? 0 : 0, stdout: 'state = running' }));
    const g = await detectGateway({ ...base, env: { OPENCLAW_LAUNCHD_LABEL: 'com.me.gw' }, runner, platform: 'darwin' });
    expect(g.service).toMatchObject({ kind: 'launchd', name: 'com.me.gw', active: true });
    await g.service!.stop();
    await g.service!.start();
    expect(calls).toEqual([
      'launchctl print gui/501/com.me.gw',
      'launchctl bootout gui/501/com.me.gw',
      'launchctl bootstrap gui/501 /home/u/Library/LaunchAgents/com.me.gw.plist',
      'launchctl kickstart gui/501/com.me.gw',
    ]);
    const def = await detectGateway({ ...base, env: {}, profile: 'lab', runner, platform: 'darwin' });
    expect(def.service?.name).toBe('ai.openclaw.lab');
  });

  it('Windows: the scheduled task "OpenClaw Gateway"', async () => {
    const { calls, runner } = recorder(() => ({ code: 0, stdout: 'Status: Running' }));
    const g = await detectGateway({ ...base, env: {}, runner, platform: 'win32' });
    expect(g.service).toMatchObject({ kind: 'schtasks', name: 'OpenClaw Gateway', active: true });
    await g.service!.stop();
    expect(calls).toEqual(['schtasks /Query /TN OpenClaw Gateway /FO LIST', 'schtasks /End /TN OpenClaw Gateway']);
  });

  it('no service manager installed: none, and nothing listening', async () => {
    const { runner } = recorder(() => ({ code: 127 }));
    const g = await detectGateway({ ...base, env: {}, runner, platform: 'linux' });
    expect(g.service).toBeUndefined();
    expect(g.listening).toBe(false);
  });
});
