// The clients: each user sends one command at a time (hold seats, the best seats or standing places,
// extend, release, buy with an idempotency key, retry a buy whose answer was lost), staff cancel
// orders so seats come back, and clients reconnect. What they were told is what the checker holds the
// system to.
import type { HoldRequest, Outcome } from '../../src/actor/event-service';
import type { EventDefinition } from '../../src/domain/types';
import type { KnownHold } from './invariants';
import type { Prng } from './prng';

/** One command as a client sends it. */
export type SimCommand =
  | { kind: 'hold'; eventId: string; userId: string; request: HoldRequest; holdId?: string }
  | { kind: 'extend' | 'release'; eventId: string; userId: string; holdId: string }
  | { kind: 'buy'; eventId: string; userId: string; holdId: string; key: string }
  | { kind: 'cancel'; eventId: string; userId: string; orderId: string };

/** One user's connection and what it was told. */
export class SimClient {
  busy = false;
  /** Bumped on reconnect: replies to an older connection are never seen. */
  connection = 0;
  request = 0;
  readonly holds = new Map<string, KnownHold>();

  constructor(readonly userId: string) {}

  /** The next command, chosen by the seed. */
  next(rng: Prng, events: EventDefinition[], liveOrder: (eventId: string) => string | null): SimCommand {
    const userId = this.userId;
    const known = [...this.holds.values()].filter((h) => h.state !== 'gone');
    const roll = rng.next();
    if (known.length > 0 && roll < 0.45) {
      const hold = rng.pick(known);
      const base = { eventId: hold.eventId, userId, holdId: hold.holdId };
      const what = rng.next();
      if (what < 0.6) return { kind: 'buy', ...base, key: `k-${hold.holdId}` };
      if (what < 0.75) return { kind: 'extend', ...base };
      if (what < 0.9) return { kind: 'release', ...base };
      const event = events.find((e) => e.id === hold.eventId) as EventDefinition;
      return { kind: 'hold', ...base, request: { kind: 'seats', seats: [rng.pick(event.seats).id] } };
    }
    const event = rng.pick(events);
    if (roll > 0.96) {
      const orderId = liveOrder(event.id);
      if (orderId) return { kind: 'cancel', eventId: event.id, userId: 'staff', orderId };
    }
    const kind = rng.next();
    let request: HoldRequest;
    if (kind < 0.5) {
      const seats = new Set<string>();
      const n = rng.int(1, 3);
      for (let i = 0; i < n; i++) seats.add(rng.pick(event.seats).id);
      request = { kind: 'seats', seats: [...seats] };
    } else if (kind < 0.75) request = { kind: 'best', best: { count: rng.int(1, 2) } };
    else request = { kind: 'area', areaId: event.areas[0].id, count: rng.int(1, 2) };
    if (rng.chance(0.2)) request.holdKey = `hk-${userId}-${rng.int(1, 5)}`;
    return { kind: 'hold', eventId: event.id, userId, request };
  }

  /** The command is sent: until its answer the hold it names may change at any moment. */
  sent(command: SimCommand): KnownHold['state'] | undefined {
    const known = command.kind === 'cancel' || command.holdId === undefined ? undefined : this.holds.get(command.holdId);
    const before = known?.state;
    if (known) known.state = 'uncertain';
    return before;
  }

  /** What the client learns from an answer (undefined: none came); `before`: the hold's state when sent. */
  learn(command: SimCommand, outcome: Outcome<unknown> | undefined, before: KnownHold['state'] | undefined): void {
    if (command.kind === 'cancel') return;
    const known = command.holdId === undefined ? undefined : this.holds.get(command.holdId);
    if (!outcome) {
      if (known) known.state = 'uncertain';
      return;
    }
    if (outcome.ok) {
      if (command.kind === 'hold' || command.kind === 'extend') {
        const view = outcome.value as { holdId: string; expiresAt: number };
        this.holds.set(view.holdId, { holdId: view.holdId, eventId: command.eventId, expiresAt: view.expiresAt, state: 'held' });
      } else if (known) known.state = 'gone';
      return;
    }
    if (!known) return;
    const code = outcome.error.code;
    if (code === 'hold_not_found' || code === 'hold_expired') known.state = 'gone';
    else if (code === 'moved' || code === 'unavailable' || code === 'internal') known.state = 'uncertain';
    // Any other refusal (seat_unavailable, conflict, limits) changed nothing the client knows.
    else if (before !== undefined) known.state = before;
  }
}

/** The events of a simulation: two small venues, so commands collide. */
export function simEvents(): EventDefinition[] {
  return ['alpha', 'beta'].map((id) => ({
    id,
    name: `Sim ${id}`,
    startsAt: '2031-01-01T20:00:00Z',
    holdTtlSeconds: 4,
    maxSeatsPerUser: 6,
    categories: [{ id: 'std', name: 'Standard', price: 1000 }],
    seats: Array.from({ length: 16 }, (_, i) => ({
      id: `${id}-${Math.floor(i / 8) + 1}-${(i % 8) + 1}`,
      section: 'A',
      row: String(Math.floor(i / 8) + 1),
      number: (i % 8) + 1,
      x: i % 8,
      y: Math.floor(i / 8),
      category: 'std',
      accessible: false,
    })),
    areas: [{ id: 'floor', name: 'Floor', capacity: 6, category: 'std' }],
  }));
}
