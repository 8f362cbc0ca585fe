import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seededRandom } from './lottery';
import type { QueueSettings } from './queue-settings';
import type { RoomChange } from './room-changes';
import { WaitingRoom, type QueueSupply } from './waiting-room';

const T0 = 1_000_000;
const on = (extra: Partial<QueueSettings> = {}): QueueSettings => ({ mode: 'on', admissionTtlSeconds: 60, ...extra });
const supply = (available: number, extra: Partial<QueueSupply> = {}): QueueSupply => ({
  available,
  salesOpen: true,
  salesEnded: false,
  holding: () => false,
  ...extra,
});

/** A live room whose every change is kept, as the replication sees them. */
function recordedRoom(settings: QueueSettings, seed: number, now: number): { room: WaitingRoom; changes: RoomChange[] } {
  const room = new WaitingRoom(settings, seededRandom(seed), now);
  const changes: RoomChange[] = [];
  room.record((change) => changes.push(change));
  return { room, changes };
}

describe('WaitingRoom: recorded changes', () => {
  it('given joins before openAt and a draw, when replayed on a room built after openAt, then the line is the same', () => {
    const settings = on({ openAt: T0 + 1000, maxActive: 0 });
    const { room, changes } = recordedRoom(settings, 42, T0);
    for (const u of ['a', 'b', 'c', 'd', 'e', 'f']) room.join(u, T0);
    room.step(T0 + 1000, supply(10));
    room.join('late', T0 + 1500);
    // A successor with no save: its room is built after openAt (so it starts drawn), with another random.
    const copy = new WaitingRoom(settings, seededRandom(7), T0 + 5000);
    expect(copy.replay(changes)).toBe(changes.length);
    expect(copy.snapshot()).toEqual(room.snapshot());
    expect(copy.placeOf('late', T0 + 5000)).toMatchObject({ position: 7 });
  });

  it('given joins before openAt and no draw recorded, when replayed after openAt, then the next step draws them', () => {
    const settings = on({ openAt: T0 + 1000, maxActive: 0 });
    const { room, changes } = recordedRoom(settings, 1, T0);
    for (const u of ['a', 'b', 'c']) room.join(u, T0);
    const copy = new WaitingRoom(settings, seededRandom(2), T0 + 5000);
    copy.replay(changes);
    expect(copy.placeOf('a', T0 + 5000)).toMatchObject({ lottery: true });
    expect(copy.step(T0 + 5000, supply(10)).drawn).toBe(true);
    expect([...copy.snapshot().line].sort()).toEqual(['a', 'b', 'c']);
  });

  it('given a save part way, when the changes are replayed on it, then only the later ones apply and the room is the same', () => {
    const op = fc.oneof(
      fc.record({ join: fc.integer({ min: 0, max: 20 }) }),
      fc.record({ leave: fc.integer({ min: 0, max: 20 }) }),
      fc.record({ buy: fc.integer({ min: 0, max: 20 }), units: fc.integer({ min: 1, max: 4 }) }),
      fc.record({ available: fc.integer({ min: 0, max: 12 }), dt: fc.integer({ min: 0, max: 40_000 }), ended: fc.boolean() }),
      fc.constant({ save: true }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.option(fc.integer({ min: 0, max: 60_000 })), fc.array(op, { maxLength: 120 }), (maxActive, openIn, ops) => {
        const settings = on({ maxActive, ...(openIn === null ? {} : { openAt: T0 + openIn }) });
        const { room, changes } = recordedRoom(settings, 9, T0);
        let now = T0;
        let saved = room.snapshot();
        for (const o of ops) {
          if ('join' in o) room.join(`u${o.join}`, now);
          else if ('leave' in o) room.leave(`u${o.leave}`);
          else if ('buy' in o) {
            if (room.mayHold(`u${o.buy}`, now)) room.recordOrder(`u${o.buy}`, o.units);
          } else if ('save' in o) saved = room.snapshot();
          else {
            now += o.dt;
            room.step(now, supply(o.available, { salesEnded: o.ended && o.available === 12 }));
          }
        }
        const copy = WaitingRoom.restore(settings, seededRandom(3), saved);
        copy.replay(changes);
        // Ended admissions and the trimming of the last minute's admission times are not recorded
        // changes: the copy drops them by the same rules at its first step.
        const live = (r: WaitingRoom): object => {
          const { admitted, recent, ...rest } = r.snapshot();
          return { ...rest, admitted: admitted.filter(([, expiresAt]) => expiresAt > now), recent: recent.filter((at) => at > now - 60_000) };
        };
        expect(live(copy)).toEqual(live(room));
        expect(copy.seq).toBe(changes.length);
      }),
    );
  });

  it('given changes replayed twice, when applied, then the second replay changes nothing', () => {
    const { room, changes } = recordedRoom(on({ maxActive: 1 }), 1, T0);
    for (const u of ['a', 'b', 'c']) room.join(u, T0);
    room.step(T0, supply(5));
    const copy = new WaitingRoom(on({ maxActive: 1 }), seededRandom(1), T0);
    copy.replay(changes);
    expect(copy.replay(changes)).toBe(0);
    expect(copy.snapshot()).toEqual(room.snapshot());
  });
});
