// The client SDK against a real server process: typed errors (long diff streams: sdk-drift.test.ts),
// hold expiry events, a dropped socket that the SDK repairs while the user keeps
// the hold, and a buy whose reply was lost that, retried after the reconnect, makes exactly one order.
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { AisleClient, AisleError } from '../../protocol/sdk';
import { http, token } from '../support/fixtures';
import { startServer } from '../support/server-process';
import { TestSocket, wire } from './test-socket';
import { createEvent, harness, sdk, serverEnv, until, useSdkServer } from './sdk-harness';

useSdkServer();

describe('the client SDK against a real server', () => {
  it.concurrent('warns with the time left and then reports the expiry pushed by the server', async () => {
    await createEvent('expiry', 2, 10, { holdTtlSeconds: 10 });
    const carol = await sdk('carol', { expiryWarningsMs: [8_000] });
    const expiring = carol.once('expiring');
    const expired = carol.once('expired');
    const hold = await carol.hold('expiry', ['s-1-1']);
    const warning = await expiring;
    expect(warning.hold.holdId).toBe(hold.holdId);
    expect(warning.msLeft).toBeGreaterThan(6_000);
    expect(warning.msLeft).toBeLessThanOrEqual(8_100);
    expect(await expired).toEqual({ eventId: 'expiry', holdId: hold.holdId, source: 'push' });
    expect(carol.holds.all()).toEqual([]);
  }, 30_000);

  it('rejects with typed errors carrying the protocol code and details', async () => {
    await createEvent('errors', 2, 10);
    const dave = await sdk('dave');
    // The plain `ws` client, as the README passes it.
    const erin = await sdk('erin', { WebSocket });
    const guest = await sdk(null);
    await dave.hold('errors', ['s-1-1', 's-1-2']);
    const taken = await erin.hold('errors', ['s-1-2', 's-1-3']).catch((e: unknown) => e);
    expect(taken).toBeInstanceOf(AisleError);
    expect(taken).toMatchObject({ code: 'seat_unavailable', details: { seats: ['s-1-2'] } });
    await expect(erin.buy('errors', 'h_nope')).rejects.toMatchObject({ code: 'hold_not_found' });
    await expect(erin.hold('errors', ['s-9-9'])).rejects.toMatchObject({ code: 'not_found' });
    await expect(guest.hold('errors', ['s-2-1'])).rejects.toMatchObject({ code: 'unauthorized' });
    await expect(guest.subscribe('no-such-event')).rejects.toMatchObject({ code: 'not_found' });
    await expect(AisleClient.connect({ url: harness.server.wsUrl, token: 'not-a-jwt', WebSocket: TestSocket })).rejects.toMatchObject({
      code: 'unauthorized',
    });
  });

  it('reconnects after the socket is cut, resubscribes, and still owns its hold', async () => {
    await createEvent('drop', 3, 10);
    const alice = await sdk('alice');
    const aliceSocket = wire.sockets.at(-1)!;
    const bob = await sdk('bob');
    const view = await alice.subscribe('drop');
    const hold = await alice.hold('drop', ['s-1-1', 's-1-2']);
    await until(view, () => view.get(0) === 1 && view.get(1) === 1, 'alice to see her own hold');

    const closed = alice.once('close');
    const reopened = alice.once('open');
    const resynced = view.once('resync');
    aliceSocket.cut();
    expect((await closed).reconnecting).toBe(true);
    // While alice is away, bob takes a seat: she must see it after resubscribing.
    await bob.hold('drop', ['s-3-10']);
    expect(await reopened).toEqual({ reconnected: true });
    expect((await resynced).reason).toBe('reconnect');
    await until(view, () => view.current && view.get(29) === 1, 'the seat bob held while alice was away');
    expect(view.get(0)).toBe(1);

    expect(alice.holds.get(hold.holdId)?.seats).toEqual(['s-1-1', 's-1-2']);
    const grown = await alice.hold('drop', ['s-1-3'], { holdId: hold.holdId });
    expect(grown.seats).toEqual(['s-1-1', 's-1-2', 's-1-3']);
    const order = await alice.buy('drop', hold.holdId);
    expect(order).toMatchObject({ status: 'confirmed', seats: ['s-1-1', 's-1-2', 's-1-3'], total: 15_000 });
    await until(view, () => view.get(0) === 2 && view.get(2) === 2, 'the bought seats to show sold');
  });

  it('a buy whose reply was lost is resent after the reconnect and makes exactly one order', async () => {
    await createEvent('retry', 2, 10);
    const frank = await sdk('frank');
    const hold = await frank.hold('retry', ['s-1-1', 's-1-2']);
    // The first `order` reply is swallowed and the connection cut: the server committed, frank never heard.
    let cuts = 0;
    wire.filter = (m) => (m.type === 'order' && cuts++ === 0 ? 'cut' : 'pass');
    try {
      const order = await frank.buy('retry', hold.holdId);
      expect(wire.swallowed.filter((m) => m.type === 'order')).toHaveLength(1);
      expect(wire.swallowed.at(-1)!.orderId).toBe(order.orderId);
      // Trying again by hand reuses the hold's key too.
      expect((await frank.buy('retry', hold.holdId)).orderId).toBe(order.orderId);
      const staff = await token('sam', 'staff');
      const orders = await http(harness.server.url, 'GET', '/api/events/retry/orders', { token: staff });
      expect(orders.body.orders.filter((o: { userId: string }) => o.userId === 'frank')).toEqual([
        expect.objectContaining({ orderId: order.orderId, seats: ['s-1-1', 's-1-2'], status: 'confirmed' }),
      ]);
    } finally {
      wire.filter = () => 'pass';
    }
  });

  it('reconnects across a server restart and resynchronises to the new epoch', async () => {
    await createEvent('restart', 2, 10);
    const gina = await sdk('gina');
    const view = await gina.subscribe('restart');
    const hold = await gina.hold('restart', ['s-1-1']);
    await gina.buy('restart', hold.holdId);
    await until(view, () => view.get(0) === 2, 'the sold seat');
    const epoch = view.epoch;
    const reopened = gina.once('open');
    await harness.server.stop();
    harness.server = await startServer({ ...serverEnv(), PORT: String(harness.server.port) });
    await reopened;
    await until(view, () => view.current && view.epoch > epoch, 'a snapshot of the new epoch');
    expect(view.get(0)).toBe(2);
    // Diffs of the new epoch apply on top of it.
    await gina.hold('restart', ['s-2-5']);
    await until(view, () => view.get(14) === 1, 'a diff of the new epoch');
  }, 60_000);
});
