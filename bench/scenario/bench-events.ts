// The events the bench creates and how its connections' chains map onto their seats. Every event is a
// `sections` event with one section "s" of 1,000 seats per row, so a seat index maps to an id directly.
import type { SeatRange } from '../load/load-job';

/** Seats per row of every bench event (docs/protocol.md caps a row at 1,000). */
export const SEATS_PER_ROW = 1000;
/** The per-user cap of purchase events: the contract's maximum, so a user buys 100 seats per token. */
export const PURCHASE_SEATS_PER_USER = 100;
/** The per-user cap of hold events: a hold chain holds one seat at a time, a connection ≤ its depth. */
export const HOLD_SEATS_PER_USER = 10;
/** The largest event the contract allows. */
export const MAX_EVENT_SEATS = 200_000;

/** A bench event: its definition body and the section its seats are in. */
export interface BenchEvent {
  id: string;
  seats: number;
  maxSeatsPerUser: number;
  body: Record<string, unknown>;
}

/** An event of `seats` seats (a multiple of SEATS_PER_ROW, rounded up). */
export function benchEvent(id: string, seats: number, maxSeatsPerUser = HOLD_SEATS_PER_USER): BenchEvent {
  const rows = Math.max(1, Math.ceil(seats / SEATS_PER_ROW));
  return {
    id,
    seats: rows * SEATS_PER_ROW,
    maxSeatsPerUser,
    body: {
      id,
      name: `Bench ${id}`,
      startsAt: '2030-01-01T20:00:00Z',
      holdTtlSeconds: 600,
      maxSeatsPerUser,
      categories: [{ id: 'std', name: 'Standard', price: 5000 }],
      sections: [{ id: 's', category: 'std', rows, seatsPerRow: SEATS_PER_ROW }],
    },
  };
}

/** Seat indices `from`..`to - 1` of `event`. */
export function seatRange(event: BenchEvent, from: number, to: number): SeatRange {
  return { eventId: event.id, section: 's', seatsPerRow: SEATS_PER_ROW, from, to };
}

/** Creates `events` through `POST /api/events` with an admin token (Aisle and the baseline alike). */
export async function createEvents(baseUrl: string, adminToken: string, events: BenchEvent[]): Promise<void> {
  for (const event of events) {
    const res = await fetch(`${baseUrl}/api/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(event.body),
    });
    if (res.status !== 201) throw new Error(`creating ${event.id} at ${baseUrl}: ${res.status} ${await res.text()}`);
  }
}

/** The events of the throughput scenarios on one server. */
export interface ThroughputEvents {
  /** The hot event of hold + release (and of the offered-load sweep). */
  hot: BenchEvent;
  /** The "100 events" scenario. */
  spread: BenchEvent[];
  /** Purchase events, bought through one after the other. */
  purchase: BenchEvent[];
}

/** Events for up to `chains` hold chains and `purchaseSeats` purchases; ids start with `prefix`. */
export function planThroughputEvents(prefix: string, chains: number, spreadEvents: number, purchaseSeats: number): ThroughputEvents {
  const purchaseEvents = Math.max(1, Math.ceil(purchaseSeats / MAX_EVENT_SEATS));
  return {
    hot: benchEvent(`${prefix}-hot`, chains),
    spread: Array.from({ length: spreadEvents }, (_, i) => benchEvent(`${prefix}-e${i}`, Math.ceil(chains / Math.max(1, spreadEvents)))),
    purchase: Array.from({ length: purchaseEvents }, (_, i) => benchEvent(`${prefix}-buy${i}`, MAX_EVENT_SEATS, PURCHASE_SEATS_PER_USER)),
  };
}
