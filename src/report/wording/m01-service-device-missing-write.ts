/** M01's sentences: this host's own gateway calls refused (src/rules/m01-service-device-missing-write.ts decides). */
import type { WordingTable } from './types.js';
import { verdictExplanation } from './clients.js';
import { officialFix, refusalReason, ruleWording, scopeList, shortId, versionLabel } from './words.js';

export const m01Wording: WordingTable<'service-device-missing-write'> = {
  'service-device-missing-write': (a) => {
    if (a.kind === 'skips-pairing') {
      return allowed(`On ${versionLabel(a.version)} local internal calls skip device pairing, so the seed loop (internal calls refused) cannot occur.`);
    }
    const version = versionLabel(a.version);
    if (a.kind === 'allowed-without') {
      const why = a.autoApproved ? 'the gateway approves the local upgrade by itself' : `${version} ${ruleWording(a.release)}`;
      return allowed(`This host's device holds ${scopeList(a.held)} and no ${a.lacks}, which is fine here: ${why}.`);
    }
    const { refused, missing, held, host } = a;
    const running = runningNote(a.gatewayRunning, a.port, a.healthRefused);
    return {
      title: "This host's own gateway calls are refused: cron delivery, announce and sessions_spawn loop on \"pairing required\"",
      impact: `Broken now: ${a.features.join('; ')}. Messages and cron results are lost silently; restarting the gateway does not help.`,
      explanation:
        a.reason === 'scope-upgrade'
          ? `The gateway's internal calls sign with this host's device identity and ask for ${missing.join(' and ')} (${refused.map((c) => `\`${c.method}\``).join(', ')}). ` +
            `The device is paired with ${scopeList(held)}: ${refusalReason(a.release, version, held, missing)}. ` +
            'So the gateway asks itself for a scope upgrade that only a human approval can grant, closes the socket with 1008 "pairing required", and every retry repeats it. ' +
            'It looks like an authentication problem; it is not.' +
            running
          : `The gateway's internal calls are refused (${[...new Set(refused.map((c) => verdictExplanation(c.why)))].join('; ')}).` + running,
      evidence: [
        ...refused.map((c) => `${c.clientId}/${c.clientMode} \`${c.method}\` asks ${scopeList(c.requests)} -> refused (${c.reason})`),
        host ? `paired scopes: ${scopeList(host.scopes)}; tokens.operator.scopes: ${scopeList(host.tokens.find((t) => t.role === 'operator')?.scopes)}` : 'host device not in the store',
        `host device ${shortId(a.deviceId ?? '?')} = deviceId of identity/device.json`,
      ],
      fix: {
        command: a.command,
        automatic: !a.escalation,
        steps: a.escalation
          ? ['These calls ask for operator.admin, which this device never had: adding it is a new grant, so openclaw-fix does it only when you name it with --scope operator.admin and confirm.']
          : undefined,
        alternative: officialFix(a.official),
      },
    };
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

function allowed(explanation: string) {
  return { title: "This host's internal calls are allowed", explanation, evidence: [] };
}
