/**
 * `rotate --demo` and `check --demo --fix` work on a copy of the bundled demo state, which no gateway serves. The
 * gateway service of the machine they run on must never be stopped, started or probed for it, even without
 * --no-restart: the demo's port and unit name are the defaults a real install uses.
 */
import { describe, expect, it } from 'vitest';
import { fakeServices } from '../fakes/index.js';
import { runCli } from '../helpers.js';

describe('--demo never touches the real gateway service', () => {
  it.each([
    [['rotate', '--demo', '--yes']],
    [['check', '--demo', '--fix', '--no-logs']],
  ])('%j: the repair is made on the copy, and no service manager call is made although a gateway runs', async (args) => {
    const fakes = await fakeServices({ units: ['user:openclaw-gateway.service'] });
    fakes.startUnit();
    const r = runCli(args, { env: fakes.env });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(fakes.calls()).toEqual([]);
    expect(r.stdout + r.stderr).toContain('the service and port of this machine are not touched');
    // Nothing says --no-restart (nobody passed it) or promises a gateway start that will never come.
    expect(r.stdout + r.stderr).not.toMatch(/--no-restart\)|takes effect at its next start/);
    // The copy and its backup are gone when the command ends: no undo line that would find nothing.
    expect(r.stdout + r.stderr).not.toMatch(/undo .*openclaw-fix restore/);
    expect(r.stdout + r.stderr).not.toContain('--no-probe');
  });
});
