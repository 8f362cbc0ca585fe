// The order-reading part of the EventStore contract (run from event-store.contract.ts): lookups by id and
// by idempotency key, pages of an event's orders, and cancelling with its fencing.
import { describe, expect, it } from 'vitest';
import { InvalidCursorError } from './event-store';
import type { EventStore, NewOrder } from './event-store';
import type { SqlExecutor } from './sql-client';

/** What these tests need of the contract suite (getters: the stores exist only once the suite started). */
export interface OrderContractScope {
  /** The store that writes. */
  store(): EventStore;
  /** A second client on the same database, that reads what the first wrote. */
  other(): EventStore;
  sql(): SqlExecutor;
  /** A created event, owned at the returned epoch. */
  ownedEvent(): Promise<{ eventId: string; epoch: number }>;
  outboxOf(eventId: string): Promise<{ type: string; payload: Record<string, unknown> }[]>;
  orderFor(eventId: string, seats: string[], extra?: Partial<NewOrder>): NewOrder;
  /** An event id nobody created. */
  unknownEventId(): string;
}

/** Registers the order-reading contract tests. */
export function orderReadsContract(scope: OrderContractScope): void {
  const { store, other, sql, ownedEvent, outboxOf, orderFor, unknownEventId } = scope;

  describe('orders', () => {
    it('finds an order by the user\'s idempotency key for the event', async () => {
      const { eventId, epoch } = await ownedEvent();
      const order = orderFor(eventId, ['A-1-1'], { idempotencyKey: 'buy-1' });
      await store().commitOrders(eventId, epoch, [order]);
      expect((await other().findOrderByIdempotencyKey(eventId, 'alice', 'buy-1'))?.orderId).toBe(order.orderId);
      expect(await other().findOrderByIdempotencyKey(eventId, 'bob', 'buy-1')).toBeNull();
      expect(await other().findOrderByIdempotencyKey(eventId, 'alice', 'buy-2')).toBeNull();
      expect(await other().getOrder('no-such-order')).toBeNull();
    });

    it('lists orders oldest first, page by page, with next null on the last page', async () => {
      const { eventId, epoch } = await ownedEvent();
      const orders = ['A-1-1', 'A-1-2', 'A-1-3', 'A-1-4', 'A-1-5'].map((seat) => orderFor(eventId, [seat]));
      await store().commitOrders(eventId, epoch, orders.slice(0, 3));
      await store().commitOrders(eventId, epoch, orders.slice(3));
      await store().cancelOrder(eventId, epoch, orders[1].orderId);

      const seen: string[] = [];
      const statuses: string[] = [];
      let after: string | null = null;
      let pages = 0;
      do {
        const page = await other().listOrders(eventId, after, 2);
        seen.push(...page.orders.map((o) => o.orderId));
        statuses.push(...page.orders.map((o) => o.status));
        after = page.next;
        pages++;
      } while (after !== null);
      expect(pages).toBe(3);
      expect(seen).toEqual(orders.map((o) => o.orderId));
      expect(statuses).toEqual(['confirmed', 'cancelled', 'confirmed', 'confirmed', 'confirmed']);

      expect((await other().listOrders(eventId, null, 5)).next).toBeNull();
      expect(await other().listOrders(unknownEventId(), null, 10)).toEqual({ orders: [], next: null });
      await expect(other().listOrders(eventId, 'not-a-cursor', 2)).rejects.toBeInstanceOf(InvalidCursorError);
    });

    it('cancels an order: frees its seats, voids its tickets, queues order.cancelled', async () => {
      const { eventId, epoch } = await ownedEvent();
      const order = orderFor(eventId, ['A-1-6', 'A-1-7'], { areas: { ga: 2 } });
      await store().commitOrders(eventId, epoch, [order]);
      expect(await store().cancelOrder(eventId, epoch, order.orderId)).toBe('cancelled');

      const cancelled = await other().getOrder(order.orderId);
      expect(cancelled).toMatchObject({ status: 'cancelled', seats: ['A-1-6', 'A-1-7'], areas: { ga: 2 }, tickets: [] });
      const voided = await sql().query<{ live: number; sold: number }>(
        `SELECT (SELECT count(*) FROM order_seats WHERE order_id = $1 AND NOT voided)::int AS live,
                (SELECT sold FROM area_sales WHERE event_id = $2 AND area_id = 'ga') AS sold`,
        [order.orderId, eventId]);
      expect(voided[0]).toEqual({ live: 0, sold: 0 });
      expect((await outboxOf(eventId)).map((row) => row.type)).toEqual(['order.confirmed', 'order.cancelled']);
      expect((await outboxOf(eventId))[1].payload).toEqual({
        orderId: order.orderId, eventId, userId: 'alice', seats: ['A-1-6', 'A-1-7'], areas: { ga: 2 }, total: 10000,
      });
      expect((await store().loadEvent(eventId))?.orders).toEqual([]);

      const again = orderFor(eventId, ['A-1-7'], { userId: 'bob' });
      expect(await store().commitOrders(eventId, epoch, [again])).toEqual({ ok: true });
      expect((await store().loadEvent(eventId))?.orders.map((o) => o.seats)).toEqual([[6]]);
    });

    it('answers already_cancelled, not_found and fenced without changing anything', async () => {
      const { eventId, epoch } = await ownedEvent();
      const order = orderFor(eventId, ['A-1-1']);
      const kept = orderFor(eventId, ['A-1-2']);
      await store().commitOrders(eventId, epoch, [order, kept]);
      await store().cancelOrder(eventId, epoch, order.orderId);
      expect(await store().cancelOrder(eventId, epoch, order.orderId)).toBe('already_cancelled');
      expect(await store().cancelOrder(eventId, epoch, 'no-such-order')).toBe('not_found');
      expect(await store().cancelOrder(unknownEventId(), epoch, kept.orderId)).toBe('fenced');

      const newer = await store().claimOwnership(eventId, 'node-b');
      expect(await store().cancelOrder(eventId, epoch, kept.orderId)).toBe('fenced');
      expect((await store().getOrder(kept.orderId))?.status).toBe('confirmed');
      expect(await store().cancelOrder(eventId, newer, kept.orderId)).toBe('cancelled');
      expect((await outboxOf(eventId)).map((row) => row.type))
        .toEqual(['order.confirmed', 'order.confirmed', 'order.cancelled', 'order.cancelled']);
    });
  });
}
