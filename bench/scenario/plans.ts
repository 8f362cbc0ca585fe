// How the closed-loop workloads are laid out over connections, chains, users and seats. Every chain
// has seats of its own, so no two chains ever contend for a seat: what is measured is the server's
// cost per command, not contention.
import type { Auth } from '../../src/gateway/auth';
import type { ConnectionPlan } from '../load/load-job';
import type { BenchEvent } from './bench-events';
import { seatRange } from './bench-events';

/** Connections × depth. */
export interface Shape {
  connections: number;
  depth: number;
}

/** One token per connection, for users `<prefix>-<index>`. */
export function connectionTokens(auth: Auth, prefix: string, count: number): Promise<string[]> {
  return Promise.all(Array.from({ length: count }, (_, i) => auth.sign({ userId: `${prefix}-${i}`, role: 'customer' })));
}

/** Ping: chains without seats (the floor every command pays). */
export function pingPlan(shape: Shape, tokens: string[]): ConnectionPlan[] {
  return tokens.slice(0, shape.connections).map((token) => ({
    tokens: [token],
    chains: Array.from({ length: shape.depth }, () => ({ ranges: [] })),
  }));
}

/** Hold + release: chain g loops over seat ⌊g / events⌋ of event g mod events. */
export function holdPlan(shape: Shape, tokens: string[], events: BenchEvent[]): ConnectionPlan[] {
  return tokens.slice(0, shape.connections).map((token, c) => ({
    tokens: [token],
    chains: Array.from({ length: shape.depth }, (_, k) => {
      const g = c * shape.depth + k;
      const seat = Math.floor(g / events.length);
      return { ranges: [seatRange(events[g % events.length], seat, seat + 1)] };
    }),
  }));
}

/** Seats a purchase plan can sell before its chains run dry. */
export function purchaseCapacity(events: BenchEvent[]): number {
  return events.reduce((n, e) => n + e.seats, 0);
}

/**
 * Purchases: chain g buys, one seat per purchase, its own slice of each event in turn (all of the
 * first event, then the next), so the chains share one hot event at a time. Each connection gets as
 * many users as its seats need at `maxSeatsPerUser` each. The seats are cut into `attempts` shares,
 * one per attempt, so a repeated run never meets seats an earlier one sold.
 */
export async function purchasePlan(
  shape: Shape,
  auth: Auth,
  prefix: string,
  events: BenchEvent[],
  attempt = 0,
  attempts = 1,
): Promise<ConnectionPlan[]> {
  const perAttempt = shape.connections * shape.depth;
  const chains = perAttempt * attempts;
  const plans: ConnectionPlan[] = [];
  for (let c = 0; c < shape.connections; c++) {
    let seats = 0;
    const chainPlans = Array.from({ length: shape.depth }, (_, k) => {
      const g = attempt * perAttempt + c * shape.depth + k;
      return {
        ranges: events.map((event) => {
          const slice = Math.floor(event.seats / chains);
          seats += slice;
          return seatRange(event, g * slice, (g + 1) * slice);
        }),
      };
    });
    const users = Math.ceil(seats / Math.min(...events.map((e) => e.maxSeatsPerUser))) + 1;
    const tokens = await Promise.all(
      Array.from({ length: users }, (_, u) => auth.sign({ userId: `${prefix}-${c}-${u}`, role: 'customer' })),
    );
    plans.push({ tokens, chains: chainPlans });
  }
  return plans;
}
