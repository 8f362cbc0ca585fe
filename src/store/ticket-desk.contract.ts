// The TicketDesk contract (run from event-store.contract.ts on every database the event store runs on):
// a customer sees exactly their own orders, a code finds its ticket and nothing else, a ticket checks in
// once (parallel scans too), and a cancelled order's tickets are void.
import { describe, expect, it } from 'vitest';
import type { EventStore, NewOrder } from './event-store';
import { PostgresTicketDesk } from './postgres-ticket-desk';
import type { SqlExecutor } from './sql-client';
import { TicketCodes } from './ticket-code';

/** What these tests need of the contract suite (getters: the stores exist only once the suite started). */
export interface TicketDeskContractScope {
  store(): EventStore;
  sql(): SqlExecutor;
  ownedEvent(): Promise<{ eventId: string; epoch: number }>;
  orderFor(eventId: string, seats: string[], extra?: Partial<NewOrder>): NewOrder;
}

/** Registers the ticket desk contract tests. */
export function ticketDeskContract(scope: TicketDeskContractScope): void {
  const { store, sql, ownedEvent, orderFor } = scope;
  const codes = new TicketCodes('ticket-desk-contract-secret-0123456789');
  const desk = (): PostgresTicketDesk => new PostgresTicketDesk(sql(), codes);

  describe('ticket desk', () => {
    it("lists a user's own orders in an event with their tickets, and no one else's", async () => {
      const { eventId, epoch } = await ownedEvent();
      const mine = orderFor(eventId, ['A-1-1', 'A-1-2'], { userId: 'tess' });
      const theirs = orderFor(eventId, ['A-1-3'], { userId: 'otto' });
      expect(await store().commitOrders(eventId, epoch, [mine, theirs])).toEqual({ ok: true });
      const orders = await desk().ordersOf(eventId, 'tess');
      expect(orders.map((o) => o.orderId)).toEqual([mine.orderId]);
      expect(orders[0].tickets.map((t) => t.seatId)).toEqual(['A-1-1', 'A-1-2']);
      expect(await desk().ordersOf(eventId, 'nobody')).toEqual([]);
    });

    it('finds a ticket by its code; a forged, foreign or unsold code finds nothing', async () => {
      const { eventId, epoch } = await ownedEvent();
      const order = orderFor(eventId, ['A-2-1'], { userId: 'tess' });
      await store().commitOrders(eventId, epoch, [order]);
      const [ticket] = (await desk().ordersOf(eventId, 'tess'))[0].tickets;
      expect(await desk().lookup(ticket.code)).toEqual({ code: ticket.code, eventId, orderId: order.orderId, seatId: 'A-2-1', status: 'valid' });
      expect(await desk().lookup(`${ticket.code.slice(0, -1)}${ticket.code.endsWith('A') ? 'B' : 'A'}`)).toBeNull();
      expect(await new PostgresTicketDesk(sql(), new TicketCodes('another-secret-entirely-0123456789')).lookup(ticket.code)).toBeNull();
      // Genuine code, but the order never had that seat.
      expect(await desk().lookup(codes.code(order.orderId, { kind: 'seat', seatId: 'A-2-2' }))).toBeNull();
      expect(await desk().lookup(codes.code('no-such-order', { kind: 'seat', seatId: 'A-2-1' }))).toBeNull();
    });

    it('checks a ticket in once: the second scan and every parallel scan but one are refused as used', async () => {
      const { eventId, epoch } = await ownedEvent();
      const order = orderFor(eventId, ['A-3-1', 'A-3-2'], { userId: 'tess' });
      await store().commitOrders(eventId, epoch, [order]);
      const [first, second] = (await desk().ordersOf(eventId, 'tess'))[0].tickets;
      expect(await desk().checkedIn(eventId)).toBe(0);
      const checked = await desk().checkIn(first.code, 'gate-1');
      expect(checked).toMatchObject({ ok: true, ticket: { status: 'used', usedAt: expect.any(String) }, checkedIn: 1 });
      expect(await desk().checkIn(first.code, 'gate-2')).toMatchObject({ ok: false, reason: 'used', ticket: { usedAt: checked?.ticket.usedAt } });
      expect(await desk().lookup(first.code)).toMatchObject({ status: 'used', usedAt: checked?.ticket.usedAt });
      const scans = await Promise.all(Array.from({ length: 8 }, (_, i) => desk().checkIn(second.code, `gate-${i}`)));
      expect(scans.filter((s) => s?.ok)).toHaveLength(1);
      expect(scans.filter((s) => s && !s.ok && s.reason === 'used')).toHaveLength(7);
      // Counted once per ticket, by the statement that checked it in.
      expect(scans.find((s) => s?.ok)).toMatchObject({ checkedIn: 2 });
      expect(await desk().checkedIn(eventId)).toBe(2);
    });

    it("refuses the tickets of a cancelled order as void", async () => {
      const { eventId, epoch } = await ownedEvent();
      const order = orderFor(eventId, ['A-4-1'], { userId: 'tess' });
      await store().commitOrders(eventId, epoch, [order]);
      const [ticket] = (await desk().ordersOf(eventId, 'tess'))[0].tickets;
      expect(await store().cancelOrder(eventId, epoch, order.orderId)).toBe('cancelled');
      expect(await desk().lookup(ticket.code)).toMatchObject({ status: 'void' });
      expect(await desk().checkIn(ticket.code, 'gate-1')).toMatchObject({ ok: false, reason: 'void' });
      expect(await desk().checkedIn(eventId)).toBe(0);
    });
  });
}
