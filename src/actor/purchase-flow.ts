// The purchase flow of one event: StartPurchase freezes the hold, the order joins the next group
// commit, and only the commit's outcome decides Confirm or Fail (so `order` is answered after COMMIT).
// Idempotency keys are remembered only while their purchase runs; later repeats are answered from the
// store by the key, so nothing here grows with the number of orders.
import type { TierChoice } from '../domain/pricing';
import type { EventStore, NewOrder, StoredOrder } from '../store/event-store';
import type { ActorHost } from './actor-host';
import type { Clock } from './clock';
import type { OrderView, Outcome } from './event-service';
import type { CommitOutcome } from './group-commit';
import { GroupCommitter } from './group-commit';
import { fail, ok } from './outcomes';

/** Everything a purchase flow is built from. */
export interface PurchaseFlowDeps {
  eventId: string;
  epoch: number;
  store: EventStore;
  clock: Clock;
  orderId(): string;
  commit: { maxBatch: number; maxInFlight: number; retryForMs: number };
  onBatch?(size: number, ms: number): void;
  onError?(error: unknown): void;
  /** The epoch check refused a batch of `size` orders. */
  onFenced?(size: number): void;
}

/** Purchases of one event, from StartPurchase to the committed order. */
export class PurchaseFlow {
  private readonly committer: GroupCommitter;
  /** user \0 key → the purchase that key started (shared by retries). */
  private readonly idempotency = new Map<string, { holdId: string; result: Promise<Outcome<OrderView>> }>();

  /** Builds the flow and its group committer. */
  constructor(
    private readonly deps: PurchaseFlowDeps,
    private readonly host: ActorHost,
  ) {
    const { store, eventId, epoch } = deps;
    this.committer = new GroupCommitter(
      {
        commitOrders: (orders) => store.commitOrders(eventId, epoch, orders),
        storedAmong: (ids, lost) => store.storedAmong(ids, lost),
      },
      {
        ...deps.commit,
        clock: deps.clock,
        onBatch: (size, ms) => deps.onBatch?.(size, ms),
        onError: (error) => deps.onError?.(error),
        onFenced: (size) => deps.onFenced?.(size),
      },
    );
  }

  /** Orders waiting for or inside a commit. */
  get depth(): number {
    return this.committer.depth;
  }

  /** Fails every order not yet committed with `reason` and takes no more. */
  close(reason: 'fenced'): void {
    this.committer.close(reason);
  }

  /** Buys a hold; resolves only after the order is committed (or definitely is not). */
  buy(userId: string, holdId: string, idempotencyKey?: string, tiers?: TierChoice): Promise<Outcome<OrderView>> {
    if (idempotencyKey === undefined) return this.purchase(userId, holdId, null, tiers);
    const key = `${userId}\0${idempotencyKey}`;
    const earlier = this.idempotency.get(key);
    if (earlier) {
      if (earlier.holdId !== holdId) {
        return Promise.resolve(fail('conflict', 'this idempotencyKey was used with another holdId'));
      }
      return earlier.result;
    }
    const result = this.purchase(userId, holdId, idempotencyKey, tiers).then((outcome) => {
      // Remembered only while it runs (a repeat joins it). Once answered, a repeat finds the order in
      // Postgres by its key (purchase: hold_not_found, then findOrderByIdempotencyKey), and a key used
      // with another hold is a conflict there too: nothing here grows with the number of orders.
      this.idempotency.delete(key);
      return outcome;
    });
    this.idempotency.set(key, { holdId, result });
    return result;
  }

  private async purchase(userId: string, holdId: string, idempotencyKey: string | null, tiers: TierChoice | undefined): Promise<Outcome<OrderView>> {
    const orderId = this.deps.orderId();
    let order: NewOrder | null = null;
    const rejection = this.host.run({ type: 'StartPurchase', userId, holdId, orderId, ...(tiers === undefined ? {} : { tiers }) }, (event) => {
      if (event.type === 'PurchaseStarted') {
        order = {
          orderId,
          eventId: this.deps.eventId,
          userId,
          holdId,
          seats: this.host.seatIds(event.seats),
          areas: event.areas,
          total: event.total,
          pricing: event.pricing,
          idempotencyKey,
          createdAt: this.deps.clock.now(),
        };
      }
    });
    if (rejection) {
      // A retry of a purchase that completed before a restart finds no hold, but its order exists.
      if (idempotencyKey !== null && rejection.error.code === 'hold_not_found') {
        const stored = await this.deps.store.findOrderByIdempotencyKey(this.deps.eventId, userId, idempotencyKey);
        if (stored && stored.status === 'confirmed') {
          return stored.holdId === holdId ? ok(orderView(stored)) : fail('conflict', 'this idempotencyKey was used with another holdId');
        }
      }
      return rejection;
    }
    const newOrder = order as NewOrder | null;
    if (!newOrder) return fail('internal', 'purchase did not start');
    const outcome = await this.committer.submit(newOrder);
    return this.finishPurchase(newOrder, outcome);
  }

  private async finishPurchase(order: NewOrder, outcome: CommitOutcome): Promise<Outcome<OrderView>> {
    if (outcome === 'committed') {
      this.host.run({ type: 'ConfirmPurchase', holdId: order.holdId });
      return ok({
        orderId: order.orderId,
        holdId: order.holdId,
        seats: order.seats,
        areas: order.areas,
        total: order.total,
        ...(order.pricing ? { pricing: order.pricing } : {}),
        status: 'confirmed',
      });
    }
    if (!this.host.isStopped()) this.host.run({ type: 'FailPurchase', holdId: order.holdId });
    switch (outcome) {
      case 'fenced':
        this.host.stop({ code: 'moved', message: 'this event moved to another node; retry' });
        return {
          ok: false,
          error: { code: 'moved', message: 'this event moved to another node while the order was being stored; nothing was bought, retry', fenced: true },
        };
      case 'unavailable':
        return fail('unavailable', 'the order could not be stored in time; your hold is kept, nothing was bought');
      case 'seat_taken':
        this.deps.onError?.(new Error(`seat already sold in the store: order ${order.orderId}`));
        return fail('seat_unavailable', 'a seat of this hold is already sold', order.seats);
      case 'duplicate_key':
        return this.existingOrder(order);
      case 'internal':
        return fail('internal', 'the order could not be stored; nothing was bought');
    }
  }

  /** The idempotency key was used by an order from before this actor's activation. */
  private async existingOrder(order: NewOrder): Promise<Outcome<OrderView>> {
    const stored = order.idempotencyKey
      ? await this.deps.store.findOrderByIdempotencyKey(this.deps.eventId, order.userId, order.idempotencyKey)
      : null;
    if (!stored || stored.holdId !== order.holdId || stored.status !== 'confirmed') {
      return fail('conflict', 'this idempotencyKey was used with another holdId');
    }
    return ok(orderView(stored));
  }
}

/** The `order` reply of a stored order. */
export function orderView(stored: StoredOrder): OrderView {
  return {
    orderId: stored.orderId,
    holdId: stored.holdId,
    seats: stored.seats,
    areas: stored.areas,
    total: stored.total,
    ...(stored.pricing ? { pricing: stored.pricing } : {}),
    status: 'confirmed',
  };
}
