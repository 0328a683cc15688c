// The one reader of the gateway's systemd unit and env file: guard (the service's state dir), the L2 rule (the
// service's shared token) and the installed-version lookup (ExecStart) all take their facts from it.
import { describe, expect, it } from 'vitest';
import { parseEnvFile, parseUnit } from '../../src/core/systemd-unit.js';

// As `openclaw gateway install` (2026.2.19) writes it, plus the shapes a hand edit leaves.
const UNIT = [
  '[Unit]',
  'Description=OpenClaw Gateway (v2026.2.19)',
  '[Service]',
  'ExecStart=/usr/bin/node /usr/lib/node_modules/openclaw/dist/entry.js gateway --port 18789',
  'Restart=always',
  'Environment=HOME=/home/claw',
  'Environment="OPENCLAW_STATE_DIR=/srv/open claw" OPENCLAW_PROFILE=work',
  '# Environment=OPENCLAW_GATEWAY_TOKEN=commented-out-token',
  'Environment=OPENCLAW_GATEWAY_TOKEN=first-token-value',
  '  Environment=OPENCLAW_GATEWAY_TOKEN=second-token-value',
  'ExecStart=/ignored second ExecStart',
  '[Install]',
  'WantedBy=default.target',
].join('\n');

describe('systemd unit', () => {
  it('reads Environment= as systemd does: quoted assignments keep their spaces, a later one wins, comments are not read', () => {
    const { environment } = parseUnit(UNIT);
    expect(environment).toEqual({ HOME: '/home/claw', OPENCLAW_STATE_DIR: '/srv/open claw', OPENCLAW_PROFILE: 'work', OPENCLAW_GATEWAY_TOKEN: 'second-token-value' });
  });

  it('reads the words of the first ExecStart=', () => {
    expect(parseUnit(UNIT).execStart).toEqual(['/usr/bin/node', '/usr/lib/node_modules/openclaw/dist/entry.js', 'gateway', '--port', '18789']);
    expect(parseUnit('[Service]\n').execStart).toEqual([]);
  });

  it('reads an env file: one KEY=value a line, quotes taken off, comment lines skipped', () => {
    const file = '# written by openclaw gateway install\nOPENCLAW_GATEWAY_TOKEN="tok en"\n; old\nHOME=/home/claw\nnot an assignment\n';
    expect(parseEnvFile(file)).toEqual({ OPENCLAW_GATEWAY_TOKEN: 'tok en', HOME: '/home/claw' });
  });
});
