// AisleClient against a scripted in-memory socket: what happens to each kind of request when the
// connection drops before its reply, `moved` retries, queued requests, and the reconnect backoff.
import { afterEach, describe, expect, it } from 'vitest';
import { AisleError } from '../error-codes';
import { AisleClient } from './aisle-client';
import type { SocketLike } from './socket';

type Frame = { type: string; rid?: number; [key: string]: unknown };

/** A socket whose "server" is the test: frames sent land in `sent`, replies go in with `reply`. */
class FakeSocket implements SocketLike {
  static all: FakeSocket[] = [];
  /** Answers the handshake by itself unless a test takes over. */
  static autoHandshake = true;
  binaryType = 'blob';
  readyState = 0;
  onopen: ((event: never) => void) | null = null;
  onmessage: ((event: never) => void) | null = null;
  onclose: ((event: never) => void) | null = null;
  onerror: ((event: never) => void) | null = null;
  readonly sent: Frame[] = [];
  private waiters: Array<{ match: (f: Frame) => boolean; resolve: (f: Frame) => void }> = [];

  constructor(readonly url: string) {
    FakeSocket.all.push(this);
    queueMicrotask(() => {
      this.readyState = 1;
      (this.onopen as ((e: unknown) => void) | null)?.({});
    });
  }

  send(data: string | Uint8Array): void {
    const frame = JSON.parse(String(data)) as Frame;
    this.sent.push(frame);
    if (FakeSocket.autoHandshake && frame.type === 'auth') this.reply({ type: 'authed', rid: frame.rid, userId: 'u', role: 'customer' });
    if (FakeSocket.autoHandshake && frame.type === 'ping') this.reply({ type: 'pong', rid: frame.rid, now: Date.now() });
    this.waiters = this.waiters.filter((w) => (w.match(frame) ? (w.resolve(frame), false) : true));
  }

  close(code = 1000, reason = ''): void {
    this.drop(code, reason);
  }

  /** The next frame of `type` sent on this socket (already sent ones count). */
  next(type: string): Promise<Frame> {
    const seen = this.sent.find((f) => f.type === type);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ match: (f) => f.type === type, resolve }));
  }

  reply(message: Record<string, unknown>): void {
    (this.onmessage as ((e: unknown) => void) | null)?.({ data: JSON.stringify(message) });
  }

  drop(code = 1006, reason = ''): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    (this.onclose as ((e: unknown) => void) | null)?.({ code, reason });
  }
}

const clients: AisleClient[] = [];

async function connect(requestTimeoutMs?: number): Promise<{ client: AisleClient; socket: FakeSocket }> {
  const client = await AisleClient.connect({
    url: 'ws://test/ws',
    token: 'jwt',
    encoding: 'json',
    WebSocket: FakeSocket,
    reconnect: { initialDelayMs: 1, maxDelayMs: 5 },
    ...(requestTimeoutMs === undefined ? {} : { requestTimeoutMs }),
  });
  clients.push(client);
  return { client, socket: FakeSocket.all.at(-1)! };
}

afterEach(() => {
  for (const c of clients.splice(0)) c.close();
  FakeSocket.all = [];
  FakeSocket.autoHandshake = true;
});

describe('AisleClient', () => {
  it('authenticates, then measures the clock, before anything else is sent', async () => {
    const { client, socket } = await connect();
    expect(socket.sent.map((f) => f.type)).toEqual(['auth', 'ping']);
    expect(client.user).toEqual({ userId: 'u', role: 'customer' });
    expect(client.state).toBe('open');
  });

  it('resends a hold and a buy cut off by a drop, the hold with the same holdKey and the buy with the same key', async () => {
    const { client, socket } = await connect();
    const hold = client.hold('e', ['a-1']);
    const buy = client.buy('e', 'h1');
    const firstHold = await socket.next('hold');
    const firstBuy = await socket.next('buy');
    expect(typeof firstHold.holdKey).toBe('string');
    socket.drop();
    const reopened = await new Promise<FakeSocket>((resolve) => {
      const off = client.on('open', () => {
        off();
        resolve(FakeSocket.all.at(-1)!);
      });
    });
    const resentHold = await reopened.next('hold');
    const resent = await reopened.next('buy');
    expect(resentHold.holdKey).toBe(firstHold.holdKey);
    expect(resent.idempotencyKey).toBe(firstBuy.idempotencyKey);
    reopened.reply({ type: 'held', rid: resentHold.rid, eventId: 'e', holdId: 'h1', seats: ['a-1'], areas: {}, expiresAt: Date.now() + 60_000 });
    expect((await hold).holdId).toBe('h1');
    reopened.reply({ type: 'order', rid: resent.rid, eventId: 'e', orderId: 'o1', holdId: 'h1', seats: ['a-1'], areas: {}, total: 1, status: 'confirmed' });
    expect((await buy).orderId).toBe('o1');
  });

  it('says a buy that ran out of time after it was sent may have been applied, and asking again uses the same key', async () => {
    // The server answers a buy only after its commit; a buy in doubt waits for Postgres. The client's
    // deadline is not the server's answer: it must not read as "nothing was bought".
    const { client, socket } = await connect(50);
    const first = client.buy('e', 'h1');
    const sent = await socket.next('buy');
    const error = await first.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AisleError);
    expect(error).toMatchObject({ code: 'unavailable', details: { maybeApplied: true } });
    const again = client.buy('e', 'h1');
    await expect.poll(() => socket.sent.filter((f) => f.type === 'buy').length).toBe(2);
    const resent = socket.sent.filter((f) => f.type === 'buy')[1];
    expect(resent.idempotencyKey).toBe(sent.idempotencyKey);
    socket.reply({ type: 'order', rid: resent.rid, eventId: 'e', orderId: 'o1', holdId: 'h1', seats: ['a-1'], areas: {}, total: 1, status: 'confirmed' });
    expect((await again).orderId).toBe('o1');
  });

  it('says nothing was applied when a request ran out of time before it could be sent', async () => {
    const { client, socket } = await connect(50);
    // The next socket never finishes its handshake, so the buy stays queued.
    FakeSocket.autoHandshake = false;
    socket.drop();
    const buy = client.buy('e', 'h1');
    const error = await buy.catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'unavailable' });
    expect((error as AisleError).details).toBeUndefined();
    expect(FakeSocket.all.flatMap((s) => s.sent).filter((f) => f.type === 'buy')).toEqual([]);
  });

  it('finds the user\'s holds on the server and forgets known ones that are gone', async () => {
    const { client, socket } = await connect();
    const made = client.hold('e', ['a-9']);
    const sent = await socket.next('hold');
    socket.reply({ type: 'held', rid: sent.rid, eventId: 'e', holdId: 'gone', seats: ['a-9'], areas: {}, expiresAt: Date.now() + 60_000 });
    await made;
    const found = client.findHolds('e');
    const asked = await socket.next('holds');
    socket.reply({ type: 'holds', rid: asked.rid, eventId: 'e', holds: [{ holdId: 'h7', seats: ['a-1', 'a-2'], areas: {}, expiresAt: Date.now() + 60_000 }] });
    expect((await found).map((h) => h.holdId)).toEqual(['h7']);
    expect(client.holds.all().map((h) => h.holdId)).toEqual(['h7']);
  });

  it('retries a request answered `moved`, and gives up after three', async () => {
    const { client, socket } = await connect();
    const extend = client.extend('e', 'h1');
    const extends_ = (): Frame[] => socket.sent.filter((f) => f.type === 'extend');
    for (let attempt = 1; attempt <= 4; attempt++) {
      await expect.poll(() => extends_().length).toBe(attempt);
      socket.reply({ type: 'error', rid: extends_().at(-1)!.rid, code: 'moved', message: 'moved' });
    }
    await expect(extend).rejects.toMatchObject({ code: 'moved' });
    expect(extends_()).toHaveLength(4);
    expect(new Set(extends_().map((f) => f.rid)).size).toBe(1); // one request, one rid, one deadline
  });

  it('queues requests made while reconnecting and sends them once the new socket is authenticated', async () => {
    const { client, socket } = await connect();
    const reconnecting = client.once('reconnecting');
    socket.drop();
    expect((await reconnecting).attempt).toBe(1);
    const ping = client.ping();
    await client.once('open');
    const reopened = FakeSocket.all.at(-1)!;
    expect(reopened.sent.map((f) => f.type)).toEqual(['auth', 'ping', 'ping']);
    await ping;
  });

  it('forgets a hold the server no longer knows and reports it expired', async () => {
    const { client, socket } = await connect();
    const held = client.hold('e', ['a-1']);
    const frame = await socket.next('hold');
    socket.reply({ type: 'held', rid: frame.rid, eventId: 'e', holdId: 'h9', seats: ['a-1'], areas: {}, expiresAt: Date.now() + 60_000 });
    await held;
    const expired = client.once('expired');
    const extend = client.extend('e', 'h9');
    const extendFrame = await socket.next('extend');
    socket.reply({ type: 'error', rid: extendFrame.rid, code: 'hold_not_found', message: 'no such hold' });
    await expect(extend).rejects.toMatchObject({ code: 'hold_not_found' });
    expect(await expired).toEqual({ eventId: 'e', holdId: 'h9', source: 'rejected' });
    expect(client.holds.all()).toEqual([]);
  });

  it('fails to connect with the server code when the token is refused', async () => {
    FakeSocket.autoHandshake = false;
    const connecting = AisleClient.connect({ url: 'ws://test/ws', token: 'bad', encoding: 'json', WebSocket: FakeSocket });
    await new Promise((resolve) => setTimeout(resolve, 0));
    const socket = FakeSocket.all.at(-1)!;
    const auth = await socket.next('auth');
    socket.reply({ type: 'error', rid: auth.rid, code: 'unauthorized', message: 'invalid or expired token' });
    await expect(connecting).rejects.toMatchObject({ code: 'unauthorized' });
  });
});
