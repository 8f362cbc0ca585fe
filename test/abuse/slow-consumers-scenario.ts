// The slow-consumer scenario, run by slow-consumers.test.ts inside a network namespace of its own
// (unshare -n) whose TCP buffers are capped at 64 KiB: so a stalled socket fills after ~100 KB instead
// of the ~4 MB the host's kernel would absorb first, and 1,000 of them put no pressure on the TCP
// memory of the machine the other tests share. The server runs on its embedded database (the host's
// Postgres is not reachable from the namespace). Prints one line: RESULT <json>.
//
// Usage: node --import tsx test/abuse/slow-consumers-scenario.ts --clients 1000 --rounds 8 [--per-socket B] [--budget B]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { msgpackCodec } from '../../protocol';
import { TEST_SECRET, http, smallEvent, token } from '../support/fixtures';
import { metricValue, rssMb } from '../support/observe';
import { rawWs } from '../support/raw-ws';
import type { RawWs } from '../support/raw-ws';
import { startServer } from '../support/server-process';
import { TestClient } from '../support/ws-client';

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '8' },
    'per-socket': { type: 'string' },
    budget: { type: 'string' },
  },
});

const dataDir = mkdtempSync(join(tmpdir(), 'aisle-slow-'));
const env: Record<string, string> = { DATA_DIR: dataDir, AUTH_SECRET: TEST_SECRET, DIFF_TICK_MS: '10', MAX_CONNECTIONS_PER_IP: '0' };
if (values['per-socket']) env.WS_MAX_BACKPRESSURE_BYTES = values['per-socket'];
if (values.budget) env.WS_BUFFER_BUDGET_BYTES = values.budget;
const server = await startServer(env, 60_000);
const pid = server.child.pid!;
try {
  const admin = await token('root', 'admin');
  // 100,000 seats: each snapshot is ~100 KB, so a client asking for many and reading none piles up fast.
  for (const [id, rows, perRow] of [['big', 100, 1000], ['calm', 2, 10]] as const) {
    const res = await http(server.url, 'POST', '/api/events', { token: admin, body: smallEvent(id, rows, perRow) });
    if (res.status !== 201) throw new Error(`creating ${id}: ${res.status}`);
  }
  const viewer = await TestClient.connect(server.wsUrl, 'msgpack');
  await viewer.request({ type: 'subscribe', eventId: 'calm' });
  const warm = await TestClient.connect(server.wsUrl, 'msgpack');
  await warm.request({ type: 'subscribe', eventId: 'big' });
  warm.close();
  const rssBefore = await rssMb(pid);

  const clients = Number(values.clients);
  const slow: RawWs[] = [];
  for (let i = 0; i < clients; i++) slow.push(await rawWs(server.port));
  for (const client of slow) client.stopReading();
  let maxRss = rssBefore;
  const sampler = setInterval(() => void rssMb(pid).then((mb) => (maxRss = Math.max(maxRss, mb)), () => undefined), 20);
  const subscribe = msgpackCodec.encode({ type: 'subscribe', eventId: 'big' });
  const started = Date.now();
  for (let round = 0; round < Number(values.rounds); round++) for (const client of slow) client.send(subscribe);
  // Until the server has answered every request one way or the other and dropped whom it drops.
  let answered = 0;
  let dropped = 0;
  for (let settled = 0; settled < 5 && Date.now() - started < 60_000; ) {
    await new Promise((r) => setTimeout(r, 200));
    const [a, d] = [await metricValue(server.url, 'aisle_ws_requests_total', { type: 'subscribe' }), await metricValue(server.url, 'aisle_ws_slow_consumers_dropped_total')];
    settled = a === answered && d === dropped ? settled + 1 : 0;
    [answered, dropped] = [a, d];
  }
  clearInterval(sampler);
  const seconds = (Date.now() - started) / 1000;
  const openDuring = await metricValue(server.url, 'aisle_ws_connections');
  for (const client of slow) client.destroy();

  // Everyone else was served all along, and still is.
  const alice = await TestClient.connect(server.wsUrl, 'json', await token('alice'));
  const held = await alice.request({ type: 'hold', eventId: 'calm', seats: ['s-1-1'] });
  const diff = await viewer.waitForPush((m) => m.type === 'diff' && m.eventId === 'calm', 10_000).then(() => true, () => false);
  const pong = await viewer.request({ type: 'ping' });
  for (const c of [alice, viewer]) c.close();
  const result = {
    clients,
    dropped,
    stillOpen: openDuring - 1,
    rssBeforeMb: rssBefore,
    maxRssMb: maxRss,
    seconds,
    othersServed: held.type === 'held' && diff && pong.type === 'pong',
  };
  console.log(`RESULT ${JSON.stringify(result)}`);
} finally {
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
