// The EventService of a single node: every event's actor lives in this process.
import type { ActorRegistry } from './actor-registry';
import type { EventActor } from './event-actor';
import type { EventService, Outcome } from './event-service';

const notFound = <T>(eventId: string): Outcome<T> => ({
  ok: false,
  error: { code: 'not_found', message: `event ${eventId} does not exist` },
});

/** Routes each request to the local actor of its event. */
export class LocalEventService implements EventService {
  constructor(private readonly registry: ActorRegistry) {}

  private async with<T>(eventId: string, fn: (actor: EventActor) => Outcome<T> | Promise<Outcome<T>>): Promise<Outcome<T>> {
    const actor = this.registry.peek(eventId) ?? (await this.registry.get(eventId));
    if (!actor) return notFound(eventId);
    return fn(actor);
  }

  hold: EventService['hold'] = (eventId, userId, request, holdId) =>
    this.with(eventId, (a) => a.hold(userId, request, holdId));
  release: EventService['release'] = (eventId, userId, holdId, seats, areas) =>
    this.with(eventId, (a) => a.release(userId, holdId, seats, areas));
  extend: EventService['extend'] = (eventId, userId, holdId) => this.with(eventId, (a) => a.extend(userId, holdId));
  buy: EventService['buy'] = (eventId, userId, holdId, key) => this.with(eventId, (a) => a.buy(userId, holdId, key));
  snapshot: EventService['snapshot'] = (eventId) => this.with(eventId, (a) => a.snapshot());
  stats: EventService['stats'] = (eventId) => this.with(eventId, (a) => a.stats());
  liveInfo: EventService['liveInfo'] = (eventId) => this.with(eventId, (a) => a.liveInfo());
  setSales: EventService['setSales'] = (eventId, open) => this.with(eventId, (a) => a.setSales(open));
  block: EventService['block'] = (eventId, seats, blocked) => this.with(eventId, (a) => a.block(seats, blocked));
  cancelOrder: EventService['cancelOrder'] = (eventId, orderId) => this.with(eventId, (a) => a.cancelOrder(orderId));
}
