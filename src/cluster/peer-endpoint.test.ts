// The internal peer endpoint takes any frame a peer (or an attacker holding the credential) sends without
// falling over: nil, scalars, arrays and half-formed requests are refused, and the endpoint keeps
// answering well-formed requests afterwards. Real uWS app on loopback, real ws client.
import pino from 'pino';
import WebSocket from 'ws';
import { Decoder, Encoder } from '@msgpack/msgpack';
import type { us_listen_socket } from '../gateway/native-uws';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { EventService, Outcome } from '../actor/event-service';
import { loadNativeUws } from '../gateway/native-uws';
import { StoreUnavailableError } from '../store/event-store';
import { registerPeerEndpoint } from './peer-endpoint';
import { PEER_PATH, peerCredential } from './peer-protocol';

const SECRET = 'peer-endpoint-test-secret-0123456789abcdef';
const uws = loadNativeUws();
let listen: us_listen_socket | null = null;
let port = 0;

// The operations this test calls; every other one is absent on purpose (never reached). `stats` meets
// the database away (as activating the event would), `snapshot` a bug.
const local = {
  liveInfo: async (): Promise<Outcome<{ live: true }>> => ({ ok: true, value: { live: true } }),
  stats: async () => {
    throw new StoreUnavailableError('connect ECONNREFUSED 127.0.0.1:5432');
  },
  snapshot: async () => {
    throw new TypeError('a bug');
  },
} as unknown as EventService;

beforeAll(async () => {
  const app = uws.App();
  registerPeerEndpoint(app, local, SECRET, pino({ level: 'silent' }));
  await new Promise<void>((resolve, reject) =>
    app.listen('127.0.0.1', 0, (socket) => {
      if (!socket) return reject(new Error('cannot listen'));
      listen = socket;
      port = uws.us_socket_local_port(socket as unknown as Parameters<typeof uws.us_socket_local_port>[0]);
      resolve();
    }),
  );
});
afterAll(() => {
  if (listen) uws.us_listen_socket_close(listen);
});

it('refuses nil, scalars, arrays and half-formed requests, and still answers a good one', async () => {
  const socket = new WebSocket(`ws://127.0.0.1:${port}${PEER_PATH}`, { headers: { 'x-aisle-peer': peerCredential(SECRET) } });
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  const encoder = new Encoder();
  const decoder = new Decoder();
  const replies: Array<{ id: number; outcome: { ok: boolean; error?: { code: string } } }> = [];
  socket.on('message', (data: Buffer) => replies.push(decoder.decode(data) as (typeof replies)[number]));
  for (const hostile of [null, 0, 'x', [], [1, 2], { id: 'one' }, { id: 1.5 }, true]) socket.send(encoder.encode(hostile));
  socket.send(Buffer.from([0xc1])); // never used in MessagePack: undecodable
  socket.send(encoder.encode({ id: 7, op: 'constructor', eventId: 'e', args: [] }));
  socket.send(encoder.encode({ id: 8, op: 'liveInfo', eventId: 5, args: [] }));
  socket.send(encoder.encode({ id: 9, op: 'liveInfo', eventId: 'e', args: [] }));
  const deadline = Date.now() + 5000;
  while (replies.length < 3 && Date.now() < deadline) await new Promise((resolve) => socket.once('message', resolve));
  socket.close();
  expect(replies.map((r) => [r.id, r.outcome.ok ? 'ok' : r.outcome.error?.code])).toEqual([
    [7, 'bad_request'],
    [8, 'bad_request'],
    [9, 'ok'],
  ]);
});

it('answers a forwarded request that met the database away `unavailable` (nothing done), and only a bug `internal`', async () => {
  const socket = new WebSocket(`ws://127.0.0.1:${port}${PEER_PATH}`, { headers: { 'x-aisle-peer': peerCredential(SECRET) } });
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  const encoder = new Encoder();
  const decoder = new Decoder();
  const replies: Array<{ id: number; outcome: { ok: boolean; error?: { code: string; message: string } } }> = [];
  socket.on('message', (data: Buffer) => replies.push(decoder.decode(data) as (typeof replies)[number]));
  socket.send(encoder.encode({ id: 1, op: 'stats', eventId: 'e', args: [] }));
  socket.send(encoder.encode({ id: 2, op: 'snapshot', eventId: 'e', args: [] }));
  const deadline = Date.now() + 5000;
  while (replies.length < 2 && Date.now() < deadline) await new Promise((resolve) => socket.once('message', resolve));
  socket.close();
  const byId = new Map(replies.map((r) => [r.id, r.outcome]));
  expect(byId.get(1)).toMatchObject({ ok: false, error: { code: 'unavailable' } });
  // What the gateway says for it, without the cause (hosts, ports) that stays in the log.
  expect(byId.get(1)?.error?.message).not.toMatch(/5432|ECONNREFUSED/);
  expect(byId.get(2)).toEqual({ ok: false, error: { code: 'internal', message: 'internal error' } });
});
