// Stand-in gateway for tests: listens on 127.0.0.1:$FAKE_GATEWAY_PORT. With FAKE_GATEWAY_DROP=<scope> it
// behaves like a gateway that rewrites paired.json at start and drops that scope from every device
// (so rotate's verification must fail and roll back). With FAKE_GATEWAY_WRITER=1 it also rewrites
// paired.json the way OpenClaw does on connects (read, modify lastUsedAtMs, tmp + rename), in a loop.
import { readFileSync, renameSync, writeFileSync, chmodSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { randomUUID } from 'node:crypto';

const port = Number(process.env.FAKE_GATEWAY_PORT);
const paired = process.env.FAKE_PAIRED_JSON;

function rewrite(mutate) {
  let value;
  try {
    value = JSON.parse(readFileSync(paired, 'utf8'));
  } catch {
    value = {};
  }
  mutate(value);
  const tmp = `${paired}.${randomUUID()}.tmp`;
  writeFileSync(tmp, JSON.stringify(value, null, 2));
  chmodSync(tmp, 0o600);
  renameSync(tmp, paired);
}

if (paired && process.env.FAKE_GATEWAY_DROP) {
  const drop = process.env.FAKE_GATEWAY_DROP;
  rewrite((v) => {
    for (const d of Object.values(v)) {
      d.scopes = (d.scopes ?? []).filter((s) => s !== drop);
      if (d.tokens?.operator) d.tokens.operator.scopes = (d.tokens.operator.scopes ?? []).filter((s) => s !== drop);
    }
  });
}

const server = net.createServer((socket) => socket.end());
server.listen(port, '127.0.0.1', () => console.log(`listening on ${port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));

if (paired && process.env.FAKE_GATEWAY_WRITER === '1') {
  // A read-modify-write with a gap, as a connect does: read, work, write back what it read plus metadata.
  const gap = Number(process.env.FAKE_GATEWAY_WRITER_GAP_MS ?? 30);
  const loop = async () => {
    for (;;) {
      let value;
      const readAt = Date.now();
      try {
        value = JSON.parse(readFileSync(paired, 'utf8'));
      } catch {
        value = null;
      }
      await new Promise((r) => setTimeout(r, gap));
      // The gateway modelled here finishes a read-modify-write well within rotate's 600 ms settle time. On a
      // loaded box the timer can fire far later; such a write is dropped (as a failed connect) instead of
      // stepping outside the model the tests state.
      if (Date.now() - readAt > 300) value = null;
      if (value) {
        for (const d of Object.values(value)) if (d.tokens?.operator) d.tokens.operator.lastUsedAtMs = Date.now();
        const tmp = path.join(path.dirname(paired), `paired.json.${randomUUID()}.tmp`);
        writeFileSync(tmp, JSON.stringify(value, null, 2));
        chmodSync(tmp, 0o600);
        renameSync(tmp, paired);
      }
      await new Promise((r) => setTimeout(r, Number(process.env.FAKE_GATEWAY_WRITER_IDLE_MS ?? 5)));
    }
  };
  void loop();
}
