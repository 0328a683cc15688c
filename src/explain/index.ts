/**
 * `explain` as a pure function: pasted text in, the modes it points at out (with why, next step and
 * what to check on the machine). No I/O; src/commands/explain.ts reads the input, src/report/explain.ts prints.
 */
import { shellQuote } from '../report/wording/words.js';
import { knowledgeForString } from '../core/knowledge.js';
import { printable } from '../report/escape.js';
import { classify, type Score } from './classify.js';
import { decidingFact } from './decide.js';
import { modeName } from '../core/findings.js';
import { MODES, type ModeId } from './modes.js';
import { extractSignals, type Signals } from './signals.js';

interface ExplainedMode {
  mode: ModeId;
  slug: string;
  title: string;
  confidence: 'likely' | 'possible';
  score: number;
  because: string[];
  versions: string;
  why: string;
  next: string;
  check: string;
  lookAlike: boolean;
}

export interface Explanation {
  /** recognised: at least one mode; healthy: only healthy lines (e.g. `device pairing auto-approved`); unknown: nothing of the family. */
  verdict: 'recognised' | 'healthy' | 'unknown';
  modes: ExplainedMode[];
  /** Exact follow-up commands that the paste itself justifies (an approve only when deviceId and publicKey are shown to match). */
  commands: string[];
  /** When several modes fit: which single fact (a release, a scope list, a client id, a file) decides between the two leading ones. */
  decide: string | null;
  notes: string[];
  signals: {
    versions: { version: string; rules: string }[];
    events: string[];
    requestIds: string[];
    deviceIds: string[];
    flags: string[];
  };
}

const LIKELY_MIN = 4;
const MAX_POSSIBLE = 4;

function toMode(s: Score, confidence: ExplainedMode['confidence']): ExplainedMode {
  const m = MODES[s.mode];
  return { mode: m.id, slug: modeName(m.id), title: m.title, confidence, score: s.score, because: s.because, versions: m.versions, why: m.why, next: m.next, check: m.check, lookAlike: Boolean(m.lookAlike) };
}

/** Approve commands only for a request whose device (same id AND same publicKey) is also in the paste. */
function approveCommands(signals: Signals): string[] {
  const out: string[] = [];
  for (const r of signals.requests) {
    if (!r.requestId || r.selected || !/^[0-9a-f-]{36}$/i.test(r.requestId)) continue;
    const device = signals.devices.find((d) => d.id === r.deviceId);
    if (device?.publicKey && r.publicKey && device.publicKey === r.publicKey) {
      out.push(`openclaw devices approve ${shellQuote(r.requestId)}   # asks ${(r.scopes ?? []).join(', ') || '?'}; device holds ${(device.scopes ?? []).join(', ') || '(none)'}`);
    }
  }
  return out;
}

export function explain(input: string): Explanation {
  const signals = extractSignals(input);
  const ranked = classify(signals);
  const top = ranked[0]?.score ?? 0;
  const likely = ranked.filter((s) => s.score >= LIKELY_MIN && s.score >= top - 2);
  const possible = ranked.filter((s) => !likely.includes(s)).slice(0, MAX_POSSIBLE);
  const modes = [...(likely.length ? likely : ranked.slice(0, 1)).map((s) => toMode(s, 'likely')), ...possible.filter((s) => likely.length || s !== ranked[0]).map((s) => toMode(s, 'possible'))];
  const healthyLog = modes.length === 0 && signals.events.some((e) => e.kind === 'auto-approved' || e.kind === 'approved' || e.kind === 'store-migrated');
  // A listing of the state dir that shows the store files and nothing wrong with them is an answer too.
  const listed = [...new Set(signals.files.filter((f) => !f.missing && f.type !== 'dir').map((f) => printable(f.path.split('/').slice(-2).join('/'))))];
  const healthyListing = modes.length === 0 && listed.length > 0;
  const healthyOnly = healthyLog || healthyListing;
  const notes: string[] = [...signals.notes];
  if (healthyListing) notes.push(`The listing shows ${listed.slice(0, 8).join(', ')}${listed.length > 8 ? ', ...' : ''}: nothing in it points at a pairing failure (no empty, unreadable or foreign-owned store, no legacy file beside a SQLite store, no missing identity).`);
  if (healthyLog) notes.push('The paste shows the gateway pairing or approving a device normally (`device pairing auto-approved` is the healthy counterpart of the loop): no pairing failure in it.');
  if (signals.flags.has('local-fallback')) notes.push('"Direct scope access failed; using local fallback." is the official escape: the CLI approved in the local store.');
  if (modes.some((m) => m.lookAlike)) notes.push('A look-alike is not a pairing problem: the device store is fine and nothing in it should be edited.');
  const requestIds = [...new Set([...signals.requests.map((r) => r.requestId), ...signals.events.map((e) => e.requestId), ...signals.upgrades.map((u) => u.requestId), ...signals.requestIds].filter((x): x is string => Boolean(x)))];
  if (requestIds.length && !approveCommands(signals).length && modes.some((m) => !m.lookAlike)) {
    notes.push(`Before approving ${requestIds.join(', ')}: run \`openclaw-fix doctor\` on the gateway host; it shows what the request asks against what the device holds and checks deviceId and publicKey.`);
  }
  return {
    verdict: modes.length ? 'recognised' : healthyOnly ? 'healthy' : 'unknown',
    modes,
    commands: approveCommands(signals),
    decide: decidingFact(modes),
    notes,
    signals: {
      versions: signals.versions.map((v) => ({ version: v, rules: knowledgeForString(v).summary })),
      events: signals.events.map((e) => [e.kind, e.reason].filter(Boolean).join(':')),
      requestIds,
      deviceIds: [...new Set([...signals.devices.map((d) => d.id), ...signals.events.map((e) => e.deviceId), ...signals.identityIds, ...signals.upgrades.map((u) => u.deviceId), ...signals.deviceIds].filter((x): x is string => Boolean(x)))],
      flags: [...signals.flags],
    },
  };
}
