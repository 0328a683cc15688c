#!/usr/bin/env node
/**
 * Benchmark (not a test): `openclaw-fix logs --log FILE --json` against `grep -c 'scope-upgrade' FILE`
 * on the same generated gateway file log (>= 1 GB by default, a realistic tslog mix, mostly unrelated
 * lines). Reports both throughputs, their ratio and the CLI's peak RSS. Targets: >= 0.5x grep, <= 100 MiB.
 *
 *   node scripts/bench-logs.mjs [--size-mb 1100] [--keep] [--runs 3]
 *
 * Needs a built dist/ (npm run build). The page cache is warmed first, so both read from memory and
 * the comparison is CPU against CPU.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// The CLI refuses a Node older than 22.13 (bin/openclaw-fix.js): say so before generating anything, not after.
{
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 22 || (major === 22 && minor < 13)) {
    process.stderr.write(`${path.basename(process.argv[1])}: openclaw-fix needs Node.js 22.13 or newer (this is ${process.versions.node}); run it with the project's pinned Node: npx node ${path.relative(process.cwd(), process.argv[1]) || process.argv[1]}\n`);
    process.exit(2);
  }
  if (!existsSync(path.join(ROOT, 'dist', 'bundle', 'main.js'))) {
    process.stderr.write(`${path.basename(process.argv[1])}: no build in dist/; run \`npm run build\` first.\n`);
    process.exit(2);
  }
}
const BIN = path.join(ROOT, 'bin', 'openclaw-fix.js');
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const sizeMb = Number(opt('--size-mb', '1100'));
const runs = Number(opt('--runs', '3'));
const keep = args.includes('--keep');

const HOST = '33fbb2283a2d9639ce4763ed43535809c27c2e67f420b5342c45fb76406408f0';
const REMOTE = '9c1d5e0b7a4f2e8d6c3b1a09f8e7d6c5b4a39281706f5e4d3c2b1a0918273645';

function meta(name, level, date) {
  const levelId = { INFO: 3, WARN: 4, ERROR: 5, DEBUG: 2 }[level];
  return `"_meta":{"runtime":"node","runtimeVersion":"22.23.3","hostname":"vm","name":${JSON.stringify(name)},"parentNames":["openclaw"],"date":"${date}","logLevelId":${levelId},"logLevelName":"${level}","path":{"fullFilePath":"file:///usr/lib/node_modules/openclaw/dist/entry.js:2228:51","fileName":"entry.js","fileNameWithLine":"entry.js:2228","fileColumn":"51","fileLine":"2228","filePath":"node_modules/openclaw/dist/entry.js","filePathWithLine":"node_modules/openclaw/dist/entry.js:2228","method":"logToFile"}},"time":"${date}"}`;
}
const sub = (s) => JSON.stringify({ subsystem: s });

/** Unrelated lines (the bulk), then the loop's lines at a low rate, as a real busy gateway writes them. */
const NOISE = [
  (d, i) => `{"0":${JSON.stringify(sub('gateway/ws'))},"1":"⇄ res ✓ chat.send ${i % 97}ms conn=844eea12…3c6b id=46ff6de4…e70b",${meta(sub('gateway/ws'), 'INFO', d)}`,
  (d, i) => `{"0":${JSON.stringify(sub('gateway/ws'))},"1":"⇄ res ✓ sessions.list ${i % 13}ms conn=e5a710f2…62c5 id=313b4f2d…5502",${meta(sub('gateway/ws'), 'INFO', d)}`,
  (d) => `{"0":${JSON.stringify(sub('gateway/heartbeat'))},"1":{"intervalMs":1800000},"2":"heartbeat: tick",${meta(sub('gateway/heartbeat'), 'DEBUG', d)}`,
  (d, i) => `{"0":${JSON.stringify(JSON.stringify({ module: 'cron', storePath: '/home/demo/.openclaw/cron/jobs.json' }))},"1":{"enabled":true,"jobs":${i % 7},"nextWakeAtMs":1795476715572},"2":"cron: tick",${meta(JSON.stringify({ module: 'cron' }), 'INFO', d)}`,
  (d, i) => `{"0":${JSON.stringify(sub('agent'))},"1":"run ${i.toString(16)} finished: 3 tool calls, 1843 tokens in, 412 out (anthropic/claude-opus-4-6)",${meta(sub('agent'), 'INFO', d)}`,
  (d) => `{"0":${JSON.stringify(sub('gateway/channels/discord'))},"1":"message received channel=1469556013123502103 author=204811 len=112",${meta(sub('gateway/channels/discord'), 'INFO', d)}`,
  (d) => `{"0":${JSON.stringify(sub('gateway/health-monitor'))},"1":"ok (interval: 300s, grace: 60s)",${meta(sub('gateway/health-monitor'), 'INFO', d)}`,
  (d, i) => `{"0":${JSON.stringify(sub('browser/service'))},"1":"page loaded https://example.com/article/${i} in 812ms (profile=default)",${meta(sub('browser/service'), 'INFO', d)}`,
  (d) => `{"0":"update available (latest): v2026.9.6 (current v2026.2.19). Run: openclaw update",${meta('openclaw', 'INFO', d)}`,
  (d) => `{"0":${JSON.stringify(sub('gateway'))},"1":"[plugins] memory slot plugin not found or not marked as memory: memory-core",${meta(sub('gateway'), 'INFO', d)}`,
];
const LOOP = [
  (d, i) => `{"0":${JSON.stringify(sub('gateway'))},"1":"security audit: device access upgrade requested reason=scope-upgrade device=${HOST} ip=unknown-ip auth=token roleFrom=operator roleTo=operator scopesFrom=operator.admin,operator.approvals,operator.pairing scopesTo=operator.write client=gateway-client conn=c27e02d7-e44f-4e80-8716-${String(i).padStart(12, '0')}",${meta(sub('gateway'), 'WARN', d)}`,
  (d) => `{"0":"gateway connect failed: Error: pairing required",${meta('openclaw', 'ERROR', d)}`,
  (d, i) => `{"0":${JSON.stringify(sub('gateway/ws'))},"1":{"cause":"pairing-required","handshake":"failed","durationMs":16,"lastFrameType":"req","lastFrameMethod":"connect","host":"127.0.0.1:18789","deviceId":"${HOST}","requestId":"d53cfacf-53f6-40b2-9358-0b2ba4506f6e","reason":"scope-upgrade"},"2":"closed before connect conn=c27e02d7-e44f-4e80-8716-${String(i).padStart(12, '0')} remote=127.0.0.1 fwd=n/a origin=n/a host=127.0.0.1:18789 ua=n/a code=1008 reason=connect failed",${meta(sub('gateway/ws'), 'WARN', d)}`,
  (d) => `{"0":${JSON.stringify(sub('gateway'))},"1":"announce queue drain failed for agent:main:discord:channel:1469556013123502103: Error: gateway closed (1008): pairing required",${meta(sub('gateway'), 'ERROR', d)}`,
  (d, i) => `{"0":${JSON.stringify(sub('gateway'))},"1":"security audit: device access upgrade requested reason=scope-upgrade device=${REMOTE} ip=192.168.1.23 auth=device-token roleFrom=operator roleTo=operator scopesFrom=operator.read scopesTo=operator.admin,operator.read,operator.write client=openclaw-control-ui conn=aa${i}",${meta(sub('gateway'), 'WARN', d)}`,
];

function generate(file, bytes) {
  const fd = openSync(file, 'w');
  let written = 0;
  let i = 0;
  let t = Date.UTC(2026, 10, 20, 0, 0, 0);
  let loopLines = 0;
  const parts = [];
  let pending = 0;
  while (written < bytes) {
    t += 37;
    const d = new Date(t).toISOString();
    // About one loop line per 700 lines: a loop every ~15 s on a gateway logging ~50 lines/s.
    const loop = i % 700 === 0;
    const line = loop ? LOOP[(i / 700) % LOOP.length](d, i) : NOISE[i % NOISE.length](d, i);
    if (loop) loopLines++;
    parts.push(line, '\n');
    pending += line.length + 1;
    i++;
    if (pending > 8 * 1024 * 1024) {
      const buf = Buffer.from(parts.join(''));
      writeSync(fd, buf);
      written += buf.length;
      parts.length = 0;
      pending = 0;
    }
  }
  if (parts.length) written += writeSync(fd, Buffer.from(parts.join('')));
  closeSync(fd);
  return { lines: i, loopLines, bytes: written };
}

function timed(cmd, argv, env) {
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, argv, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env });
  const sec = Number(process.hrtime.bigint() - start) / 1e9;
  return { sec, ...r };
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'ocf-bench-'));
const file = path.join(dir, 'openclaw-2026-11-20.log');
try {
  if (!existsSync(path.join(ROOT, 'dist', 'main.js'))) throw new Error('no dist/: run `npm run build` first');
  process.stderr.write(`generating ~${sizeMb} MB in ${file} ...\n`);
  const gen = generate(file, sizeMb * 1024 * 1024);
  const size = statSync(file).size;
  process.stderr.write(`${(size / 1024 / 1024).toFixed(0)} MiB, ${gen.lines} lines, ${gen.loopLines} loop lines\n`);
  // Warm the page cache so both contenders read from memory.
  spawnSync('cat', [file], { stdio: ['ignore', 'ignore', 'ignore'] });

  const greps = [];
  let grepCount = '';
  for (let r = 0; r < runs; r++) {
    const g = timed('grep', ['-c', 'scope-upgrade', file], { ...process.env, LC_ALL: 'C' });
    greps.push(g.sec);
    grepCount = g.stdout.trim();
  }
  const useTime = existsSync('/usr/bin/time');
  const ours = [];
  let rssKb = 0;
  let doc;
  for (let r = 0; r < runs; r++) {
    const argv = [BIN, 'logs', '--log', file, '--json'];
    const o = useTime
      ? timed('/usr/bin/time', ['-v', process.execPath, ...argv], { ...process.env, NO_COLOR: '1' })
      : timed(process.execPath, argv, { ...process.env, NO_COLOR: '1' });
    if (o.status !== 0 && o.status !== 1) throw new Error(`openclaw-fix exited ${o.status}: ${o.stderr}`);
    ours.push(o.sec);
    const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(o.stderr ?? '');
    if (m) rssKb = Math.max(rssKb, Number(m[1]));
    doc = JSON.parse(o.stdout);
  }
  const best = (xs) => Math.min(...xs);
  const mib = size / 1024 / 1024;
  const grepRate = mib / best(greps);
  const ourRate = mib / best(ours);
  const audit = doc.groups.filter((g) => g.kind === 'access-upgrade').reduce((n, g) => n + g.count, 0);
  const result = {
    fileMiB: Math.round(mib),
    lines: gen.lines,
    grep: { count: Number(grepCount), bestSec: +best(greps).toFixed(3), MiBps: Math.round(grepRate) },
    openclawFix: { auditEvents: audit, events: doc.stats.events, bestSec: +best(ours).toFixed(3), MiBps: Math.round(ourRate), peakRssMiB: rssKb ? +(rssKb / 1024).toFixed(1) : null },
    ratio: +(ourRate / grepRate).toFixed(2),
    targets: { ratio: '>= 0.5', peakRssMiB: '<= 100' },
    met: ourRate / grepRate >= 0.5 && (!rssKb || rssKb / 1024 <= 100),
  };
  console.log(JSON.stringify(result, null, 2));
} finally {
  if (keep) process.stderr.write(`kept ${file}\n`);
  else rmSync(dir, { recursive: true, force: true });
}
