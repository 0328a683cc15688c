/** Wording shared by the findings' sentences, so device ids, scope lists and approve lines read the same everywhere. */
import type { OfficialFix, RequestOnFile } from '../../core/findings.js';
import type { ReleaseKnowledge } from '../../core/knowledge.js';
import type { DeviceRecord, LogGroup } from '../../core/model.js';
import { shortId } from '../../core/short-id.js';

/**
 * Characters a terminal or CI log would act on or a reader cannot see (C0, DEL, C1, line and paragraph
 * separators, bidi marks, overrides and isolates, zero-width characters), every whitespace but a plain space
 * (a tab, a no-break space: the text reporters wrap at whitespace), and a backtick (it delimits a command in
 * our sentences).
 */
const NOT_AS_IS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff`]|[^\S ]/u;

/** One character inside bash's $'...': its UTF-8 bytes as \xHH (the same bytes whatever the shell's locale). */
function ansiC(ch: string): string {
  if (ch === '\\') return '\\\\';
  if (ch !== "'" && !NOT_AS_IS.test(ch)) return ch;
  return [...new TextEncoder().encode(ch)].map((b) => `\\x${b.toString(16).padStart(2, '0')}`).join('');
}

/**
 * One shell word: as it is when safe, else single-quoted. Every command we tell a user (often root) to paste
 * quotes what came from the state: a device or request id is whatever the store says, `$(...)` included.
 * A word holding a control or invisible character is written in bash/zsh ANSI-C quoting ($'ab\x1bc'): pasted,
 * the shell passes exactly the original bytes, and no raw control character reaches the terminal or the log
 * (inside plain single quotes, the visible `\x1b` the output shows instead would be passed literally).
 */
export function shellQuote(arg: string): string {
  if (/^[\w@%+=:,./-]+$/.test(arg)) return arg;
  if (NOT_AS_IS.test(arg)) return `$'${Array.from(arg, ansiC).join('')}'`;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

export { shortId } from '../../core/short-id.js';

export function scopeList(scopes: readonly string[] | null | undefined): string {
  if (!scopes || scopes.length === 0) return '(none)';
  return scopes.join(', ');
}

export function versionLabel(version: string | null): string {
  return version ? `OpenClaw ${version}` : 'this OpenClaw (version unknown)';
}

export function ruleWording(release: ReleaseKnowledge): string {
  switch (release.scopeRule) {
    case 'exact':
      return 'requires every requested scope to be listed exactly: operator.admin does NOT cover operator.read or operator.write';
    case 'read-compat':
      return 'lets write or admin cover operator.read, but operator.write still has to be listed (admin does not cover it)';
    default:
      return 'lets operator.admin cover every operator scope and operator.write cover operator.read';
  }
}

/**
 * Why a held scope set does not satisfy a request on this release, in one clause. The scope rule is
 * only worth explaining when the device holds admin (the surprise of 2.19/2.21); otherwise the plain
 * reason is that nothing it holds covers the request and nobody approves the upgrade.
 */
export function refusalReason(release: ReleaseKnowledge, version: string, held: readonly string[], missing: readonly string[]): string {
  const adminSurprise = held.includes('operator.admin') && (release.scopeRule === 'exact' || release.scopeRule === 'read-compat');
  const cover = adminSurprise ? `${version} ${ruleWording(release)}` : `nothing it holds covers ${missing.join(' or ')} on ${version}`;
  const silent =
    release.silentLocalScopeUpgrade === 'never'
      ? 'this release never approves a scope upgrade by itself'
      : 'the gateway does not approve this upgrade by itself here (it does so only for local shared-secret connections)';
  return `${cover}, and ${silent}`;
}

export function ageText(ms: number): string {
  if (ms < 0) return 'in the future';
  const s = Math.round(ms / 1000);
  if (s < 90) return `${s}s ago`;
  const m = Math.round(s / 60);
  if (m < 90) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 48) return `${h} h ago`;
  return `${Math.round(h / 24)} days ago`;
}

export function logLine(g: LogGroup): string {
  const when = g.lastAt ? `, last ${g.lastAt}` : '';
  return `log: ${g.count}x ${g.sample}${when}`;
}

function rolesOf(device: DeviceRecord): string[] {
  return device.roles ?? (device.role ? [device.role] : []);
}

/** "asks X; holds Y" evidence, shown before any approve command. */
export function requestVsDevice({ request, device, sameKeyPair }: RequestOnFile): string[] {
  const who = `${request.clientId ?? '?'}/${request.clientMode ?? '?'}`;
  const lines = [`pending ${request.requestId}: ${who} asks role ${request.role ?? '?'}, scopes ${scopeList(request.scopes)}${request.platform ? `, platform ${request.platform}` : ''}`];
  if (device) {
    lines.push(`paired ${shortId(device.deviceId)}: roles ${scopeList(rolesOf(device))}, scopes ${scopeList(device.scopes)}${device.platform ? `, platform ${device.platform}` : ''}`);
    lines.push(sameKeyPair ? 'deviceId and publicKey match the paired record' : 'publicKey does NOT match the paired record (or is missing): not the same key pair');
  }
  return lines;
}

/** The official approve command, only for a request whose key pair matches; otherwise a warning step. */
export function approveStep({ request, device, sameKeyPair }: RequestOnFile): string {
  if (device && !sameKeyPair) {
    return `Do NOT approve ${request.requestId}: its publicKey differs from the paired record, so it is another key pair claiming this device id.`;
  }
  return `Check the request asks only what you expect (above), then from the gateway host: \`openclaw devices approve ${shellQuote(request.requestId)}\`.`;
}

export function deviceLabel(device: DeviceRecord, isHost: boolean): string {
  if (isHost) return "this host's device";
  const what = [device.displayName, device.clientId && `${device.clientId}/${device.clientMode ?? '?'}`, device.remoteIp && `from ${device.remoteIp}`].filter(Boolean).join(', ');
  return `device ${shortId(device.deviceId)}${what ? ` (${what})` : ''}`;
}

/** deviceLabel at the start of a sentence. */
export function DeviceLabel(device: DeviceRecord, isHost: boolean): string {
  const label = deviceLabel(device, isHost);
  return label.charAt(0).toUpperCase() + label.slice(1);
}

/** The official OpenClaw way to get the same scopes (the rule chose which one applies on this release). */
export function officialFix(fix: OfficialFix): string {
  const upgrade = 'or upgrade to OpenClaw 2026.2.22 or later (`npm install -g openclaw@latest`), where admin covers every operator scope';
  switch (fix.kind) {
    case 'devices-rotate': {
      const scopes = fix.scopes.map((s) => `--scope ${shellQuote(s)}`).join(' ');
      return `\`openclaw devices rotate --device ${fix.deviceId === undefined ? '<deviceId>' : shellQuote(fix.deviceId)} --role operator ${scopes} && openclaw gateway restart\` (mints a new device token; needs a CLI that can still connect), ${upgrade}`;
    }
    case 'approve-local': {
      const approve = fix.requestIds.length ? `\`${fix.requestIds.map((id) => `openclaw devices approve ${shellQuote(id)}`).join(' && ')}\`` : 'openclaw devices list, then openclaw devices approve <requestId>';
      return `${approve}  (the CLI falls back to the local store: "Direct scope access failed; using local fallback."; requests expire after 5 minutes)${fix.suggestUpgrade ? `, ${upgrade}` : ''}`;
    }
    case 'approve-elsewhere':
      return 'openclaw devices list, then openclaw devices approve <requestId> (from a device that holds operator.pairing or operator.admin)';
  }
}
