/** M01, the seed: this host's device lacks a scope the gateway's own internal calls ask for. */
import { connectBaseline, isInternalClient } from '../core/clients.js';
import { FEATURES_BY_SCOPE, SCOPE } from '../core/knowledge.js';
import type { Finding } from '../core/model.js';
import { officialScopeFix } from './official-fix.js';
import { refusalReason, scopeList, shortId, ruleWording, versionLabel } from './text.js';
import type { Rule } from './types.js';

export const serviceDeviceMissingWrite: Rule = {
  id: 'service-device-missing-write',
  description: "The gateway's own internal calls (cron delivery, announce, sessions_spawn, health) are refused for this host's device",
  detect({ snapshot, clients, host, command }) {
    const internal = clients.filter((c) => isInternalClient(c.client));
    // A refusal the client recovers from on its next connect is not the loop; M08 reports it.
    const refused = internal.filter((c) => c.verdict === 'refused' && !c.healsOnRetry);
    const version = versionLabel(snapshot.version.version);
    if (refused.length === 0) {
      if (internal.some((c) => c.healsOnRetry)) return [];
      // Say why a device that looks like the seed state is fine here, so users who read old advice are not misled.
      const held = host ? connectBaseline(snapshot.release, host) : [];
      const lacksLiterally = host && (!held.includes(SCOPE.write) || !held.includes(SCOPE.read));
      const skip = internal.find((c) => c.reason === 'skips-pairing');
      if (skip) {
        return [info(`On ${version} local internal calls skip device pairing, so the seed loop (internal calls refused) cannot occur.`, host?.deviceId)];
      }
      if (lacksLiterally) {
        const why = internal.find((c) => c.reason === 'auto-approved')
          ? 'the gateway approves the local upgrade by itself'
          : `${version} ${ruleWording(snapshot.release)}`;
        return [info(`This host's device holds ${scopeList(held)} and no ${!held.includes(SCOPE.write) ? 'operator.write' : 'operator.read'}, which is fine here: ${why}.`, host?.deviceId)];
      }
      return [];
    }
    // Write first: its features (cron delivery, announce) are the ones users notice.
    const missing = [...new Set(refused.flatMap((c) => c.missing))].sort((a, b) => (a === SCOPE.write ? -1 : b === SCOPE.write ? 1 : a.localeCompare(b)));
    const reason = refused[0]!.reason;
    const device = host?.deviceId ?? snapshot.identity.deviceId;
    // What breaks follows from which call is refused, not from the scope it asks: before 2.19 both ask the CLI
    // bundle (admin, approvals, pairing), which names no feature of its own.
    const features = [...new Set(refused.flatMap((c) => FEATURES_BY_SCOPE[c.client === 'internal-write' ? SCOPE.write : SCOPE.read] ?? []))];
    const held = host ? connectBaseline(snapshot.release, host) : [];
    // Before 2.19 internal calls ask the CLI bundle, admin included: a bare rotate holds a never-held admin back and
    // would leave this finding standing, so the fix line names it (a new grant is only made when named).
    const everHeld = new Set([...(host?.scopes ?? []), ...(host?.approvedScopes ?? []), ...(host?.tokens.flatMap((t) => t.scopes ?? []) ?? [])]);
    const escalation = missing.includes(SCOPE.admin) && !everHeld.has(SCOPE.admin);
    const finding: Finding = {
      id: 'service-device-missing-write',
      severity: 'error',
      title: "This host's own gateway calls are refused: cron delivery, announce and sessions_spawn loop on \"pairing required\"",
      impact: `Broken now: ${features.join('; ')}. Messages and cron results are lost silently; restarting the gateway does not help.`,
      explanation:
        reason === 'scope-upgrade'
          ? `The gateway's internal calls sign with this host's device identity and ask for ${missing.join(' and ')} (${refused.map((c) => `\`${c.method}\``).join(', ')}). ` +
            `The device is paired with ${scopeList(held)}: ${refusalReason(snapshot.release, version, held, missing)}. ` +
            'So the gateway asks itself for a scope upgrade that only a human approval can grant, closes the socket with 1008 "pairing required", and every retry repeats it. ' +
            'It looks like an authentication problem; it is not.' +
            runningNote(snapshot.gatewayRunning, snapshot.config.port, refused.some((c) => c.client === 'internal-read'))
          : `The gateway's internal calls are refused (${[...new Set(refused.map((c) => c.explanation))].join('; ')}).` +
            runningNote(snapshot.gatewayRunning, snapshot.config.port, refused.some((c) => c.client === 'internal-read')),
      deviceId: device,
      evidence: [
        ...refused.map((c) => `${c.clientId}/${c.clientMode} \`${c.method}\` asks ${scopeList(c.requests)} -> refused (${c.reason})`),
        host ? `paired scopes: ${scopeList(host.scopes)}; tokens.operator.scopes: ${scopeList(host.tokens.find((t) => t.role === 'operator')?.scopes)}` : 'host device not in the store',
        `host device ${shortId(device ?? '?')} = deviceId of identity/device.json`,
      ],
      fix: {
        command: escalation ? command('rotate', '--scope', SCOPE.admin) : command('rotate'),
        automatic: !escalation,
        steps: escalation
          ? ['These calls ask for operator.admin, which this device never had: adding it is a new grant, so openclaw-fix does it only when you name it with --scope operator.admin and confirm.']
          : undefined,
        alternative: officialScopeFix(snapshot, device ?? '<deviceId>', held, missing),
      },
    };
    return [finding];
  },
};

/** The gateway answers while it refuses itself: say so, since the official doctor calls this "not running". */
function runningNote(running: boolean | undefined, port: number, healthRefused: boolean): string {
  if (!running) return '';
  return (
    ` The gateway IS running (it answers on 127.0.0.1:${port}) and refuses its own calls` +
    (healthRefused ? ": its health probe is refused the same way, which is why `openclaw doctor` reports \"Gateway not running.\"" : '') +
    '.'
  );
}

function info(message: string, deviceId?: string): Finding {
  return {
    id: 'service-device-missing-write',
    severity: 'info',
    title: "This host's internal calls are allowed",
    explanation: message,
    deviceId,
    evidence: [],
  };
}
