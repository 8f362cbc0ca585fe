// The SDK's waiting room against a real server: join() gives the place, position pushes arrive as the
// line moves, a cut socket is repaired and the place found again (a `queue` event, same place), and
// the admission arrives as an `admitted` event after which the user can hold.
import { describe, expect, it } from 'vitest';
import { createEvent, sdk, useSdkServer } from './sdk-harness';
import { wire } from './test-socket';

useSdkServer();

describe('the SDK waiting room', () => {
  it('joins, keeps the place across a reconnect, and is admitted when a shopper leaves', async () => {
    await createEvent('sdkq', 2, 5, { queue: { mode: 'on', maxActive: 1 } });
    const ann = await sdk('ann');
    expect(await ann.join('sdkq')).toMatchObject({ type: 'admitted', eventId: 'sdkq' });
    const bob = await sdk('bob');
    expect(await bob.join('sdkq')).toMatchObject({ type: 'queued', position: 1, ahead: 0 });
    const cat = await sdk('cat');
    const catSocket = wire.sockets.at(-1)!;
    expect(await cat.join('sdkq')).toMatchObject({ type: 'queued', position: 2, ahead: 1 });
    expect(await cat.join('sdkq')).toMatchObject({ type: 'queued', position: 2 });

    // A cut socket: the client reconnects and joins again by itself; the place is the same.
    const found = cat.once('queue');
    catSocket.cut();
    expect(await found).toMatchObject({ type: 'queue', eventId: 'sdkq', position: 2, ahead: 1 });
    await expect(cat.hold('sdkq', ['s-1-1'])).rejects.toMatchObject({ code: 'queue_required' });

    // ann leaves: bob is admitted (event), cat moves to 1 (pushed within a second).
    const admitted = bob.once('admitted');
    const moved = cat.once('queue');
    await ann.rooms.leave('sdkq');
    expect(await admitted).toMatchObject({ type: 'admitted', eventId: 'sdkq' });
    expect(await moved).toMatchObject({ position: 1, ahead: 0 });
    expect((await bob.hold('sdkq', ['s-1-1'])).seats).toEqual(['s-1-1']);
  }, 60_000);
});
