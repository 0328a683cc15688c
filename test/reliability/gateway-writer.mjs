// A gateway-like writer for the concurrency tests: read paired.json, work for a random 0..GAP ms, write it back
// with one more entry in the host device's `x_gw` list (tmp + rename, as OpenClaw's writeJsonAtomic), forever.
// Every committed counter is a permanent trace: a counter missing from the final file is a lost update.
// On SIGTERM it prints the last committed counter and exits, after one `stretched <read> <renamed>` line (epoch ms)
// for every committed write whose read-to-rename took longer than WRITER_MAX_RMW_MS anyway: the scheduler paused
// it between the check below and the rename. Such a write is outside the model (a gateway slower than apply's
// settle time); the test needs its times to tell what it overwrote from what apply lost.
import { randomUUID } from 'node:crypto';
import { chmodSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const file = process.env.WRITER_FILE;
const gap = Number(process.env.WRITER_GAP_MS ?? 3);
// Between rewrites: 0..IDLE ms (connects come in bursts and pauses).
const idle = Number(process.env.WRITER_IDLE_MS ?? 20);
const key = process.env.WRITER_DEVICE;
// The model under test is a gateway whose read-modify-write takes milliseconds, well under apply's settle
// time. On a loaded machine the scheduler can stretch one to tens of ms; such a write is dropped and redone
// (as if the connect had failed) instead of breaking the model the test states.
const maxRmw = Number(process.env.WRITER_MAX_RMW_MS ?? Infinity);
const now = () => performance.timeOrigin + performance.now();
let committed = 0;
const stretched = [];
let stop = false;
process.on('SIGTERM', () => (stop = true));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// The read-to-write gap blocks (as a synchronous connect handler would): no timer jitter stretches it.
const block = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

process.stdout.write('ready\n');
while (!stop) {
  const started = now();
  const value = JSON.parse(readFileSync(file, 'utf8'));
  block(Math.random() * gap);
  const device = value[key];
  device.x_gw = [...(device.x_gw ?? []), committed + 1];
  const tmp = path.join(path.dirname(file), `${path.basename(file)}.${randomUUID()}.tmp`);
  writeFileSync(tmp, JSON.stringify(value, null, 2));
  chmodSync(tmp, 0o600);
  if (now() - started > maxRmw) {
    unlinkSync(tmp);
    continue;
  }
  renameSync(tmp, file);
  const renamed = now();
  committed++;
  if (renamed - started > maxRmw) stretched.push(`stretched ${started} ${renamed}\n`);
  await sleep(Math.random() * idle);
}
process.stdout.write(`${stretched.join('')}committed ${committed}\n`);
