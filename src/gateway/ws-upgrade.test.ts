// The upgrade on a real uWebSockets.js app: it completes inside uWS's own upgrade callback, with or
// without a token, and a connection with a token survives its first moments on a busy heap.
//
// Before, a token was verified asynchronously and the upgrade ran later inside `res.cork`, where uWS
// (both 20.x builds) takes the WebSocket it has just reallocated in place for the HTTP response and
// reads the response state from memory the upgrade freed. On a busy heap that memory was soon reused,
// and the WebSocket was shut down right after `open`: the client saw 1006 before any frame (a flaky
// load test, and the fuzz's "lost connections"). Whether the freed memory is reused in time depends on
// the heap, so the decisive check is where `open` runs: inside `upgradeConnection`, i.e. inside uWS's
// callback. The open handler also stirs the heap as a busy server does (off-heap buffers of every small
// size, filled with bytes that read as "close the connection"); in a plain Node process that alone cut
// about one connection in eight of the old asynchronous upgrade.
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Metrics } from '../observability/metrics';
import { Auth } from './auth';
import { ConnectionLimits } from './connection-limits';
import { selectUws } from './native-uws';
import type { us_listen_socket, us_socket, Uws } from './native-uws';
import type { Connection } from './ws-connection';
import { DEFAULT_WS_LIMITS } from './ws-limits';
import { upgradeConnection } from './ws-upgrade';

const SECRET = 'ws-upgrade-test-secret-of-enough-length';
const CONNECTIONS = 200;

let uws: Uws;
let listen: us_listen_socket;
let url: string;
const auth = Auth.create(SECRET);
/** Whether each `open` ran while `upgradeConnection` was still on the stack. */
const openedInside: boolean[] = [];
let inUpgrade = false;
/** Allocations of the "busy heap", kept until the next open. */
let stir: Uint8Array[] = [];

beforeAll(async () => {
  uws = selectUws().uws;
  let nextId = 1;
  const deps = {
    auth,
    metrics: new Metrics(),
    limits: DEFAULT_WS_LIMITS,
    connectionLimits: new ConnectionLimits({ perIp: 0, perUser: 0 }),
    now: Date.now,
    nextId: () => nextId++,
    trustProxy: false,
  };
  const app = uws.App().ws<Connection>('/ws', {
    maxPayloadLength: 64 * 1024,
    idleTimeout: 120,
    sendPingsAutomatically: true,
    upgrade: (res, req, context) => {
      inUpgrade = true;
      try {
        upgradeConnection(res, req, context, deps);
      } finally {
        inUpgrade = false;
      }
    },
    open: () => {
      openedInside.push(inUpgrade);
      stir = [];
      for (let size = 40; size <= 1024; size += 8) stir.push(new Uint8Array(size).fill(0x10));
    },
    message: (ws, data, isBinary) => void ws.send(data, isBinary),
  });
  listen = await new Promise<us_listen_socket>((resolve, reject) => app.listen('127.0.0.1', 0, (s) => (s ? resolve(s) : reject(new Error('cannot listen')))));
  url = `ws://127.0.0.1:${uws.us_socket_local_port(listen as unknown as us_socket)}/ws`;
});

afterAll(() => {
  if (listen) uws.us_listen_socket_close(listen);
});

/** Opens a connection and sends one frame: 'echoed' when it came back, else how the connection ended. */
function connectAndEcho(token: string | null): Promise<string> {
  return new Promise((resolve) => {
    const socket = new WebSocket(token ? `${url}?token=${encodeURIComponent(token)}` : url, { perMessageDeflate: false });
    socket.once('unexpected-response', (_req, res) => resolve(`refused ${res.statusCode}`));
    socket.once('error', (error) => resolve(`error ${error.message}`));
    socket.once('close', (code) => resolve(`closed ${code}`));
    socket.once('open', () => socket.send('hello'));
    socket.once('message', () => {
      resolve('echoed');
      socket.close();
    });
  });
}

describe('upgradeConnection', () => {
  it('upgrades inside uWS\'s upgrade callback, and every connection with a token survives its start', async () => {
    const token = await auth.sign({ userId: 'fan', role: 'customer' }, 600);
    const outcomes = new Map<string, number>();
    for (let i = 0; i < CONNECTIONS; i++) {
      const outcome = await connectAndEcho(i % 4 === 3 ? null : token);
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }
    expect(Object.fromEntries(outcomes)).toEqual({ echoed: CONNECTIONS });
    expect(openedInside).toHaveLength(CONNECTIONS);
    expect(openedInside.every(Boolean)).toBe(true);
  });

  it('refuses a forged or expired token with 401 at the upgrade', async () => {
    const good = await auth.sign({ userId: 'fan', role: 'customer' }, 600);
    const forged = await Auth.create('another-secret-of-enough-length').sign({ userId: 'fan', role: 'admin' }, 600);
    const expired = await auth.sign({ userId: 'fan', role: 'customer' }, -10);
    const tampered = `${good.slice(0, -2)}${good.endsWith('AA') ? 'BB' : 'AA'}`;
    for (const token of [forged, expired, tampered, 'not-a-token', `${good}.extra`]) {
      expect(await connectAndEcho(token), token).toBe('refused 401');
    }
  });
});
