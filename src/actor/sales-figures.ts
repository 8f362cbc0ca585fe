// The sales figures an actor keeps for the staff `stats` push: revenue, and orders, seats sold and revenue
// in the last minute in one-second buckets (a ring, so nothing grows with the number of orders). A new
// owner (activation, failover) starts the ring from the orders Postgres holds for the last minute, so the
// figures do not reset when the event moves to another node.
import type { ConfirmedOrder, SeatCounts } from '../domain/types';
import type { StatsView } from './event-service';

/** Seconds of sales history kept for "last minute" figures. */
const MINUTE_BUCKETS = 60;

/** Revenue and the last minute's sales of one event. */
export class SalesFigures {
  private revenue = 0;
  private readonly minuteOrders = new Int32Array(MINUTE_BUCKETS);
  private readonly minuteSeats = new Int32Array(MINUTE_BUCKETS);
  private readonly minuteRevenue = new Float64Array(MINUTE_BUCKETS);
  private readonly minuteStamp = new Float64Array(MINUTE_BUCKETS);

  /** Starts from the orders confirmed before activation at `now`: their revenue, and the last minute's. */
  constructor(orders: readonly ConfirmedOrder[], now: number) {
    const since = now - MINUTE_BUCKETS * 1000;
    for (const order of orders) {
      this.revenue += order.total;
      if (order.confirmedAt !== undefined && order.confirmedAt > since && order.confirmedAt <= now) {
        this.count(order.confirmedAt, order.total, order.seats.length + sumPlaces(order.areas));
      }
    }
  }

  /** Counts an order confirmed at `now` (epoch ms) of `total`, for `units` seats and places. */
  confirmed(now: number, total: number, units: number): void {
    this.revenue += total;
    this.count(now, total, units);
  }

  private count(now: number, total: number, units: number): void {
    const bucket = Math.floor(now / 1000) % MINUTE_BUCKETS;
    const second = Math.floor(now / 1000) * 1000;
    if (this.minuteStamp[bucket] !== second) {
      this.minuteStamp[bucket] = second;
      this.minuteOrders[bucket] = 0;
      this.minuteSeats[bucket] = 0;
      this.minuteRevenue[bucket] = 0;
    }
    this.minuteOrders[bucket] += 1;
    this.minuteSeats[bucket] += units;
    this.minuteRevenue[bucket] += total;
  }

  /** Takes a cancelled order's total off the revenue. */
  cancelled(total: number): void {
    this.revenue -= total;
  }

  /** The `stats` figures at `now` with these seat counts. */
  stats(counts: SeatCounts, now: number): StatsView {
    const since = now - MINUTE_BUCKETS * 1000;
    let ordersLastMinute = 0;
    let seatsSoldLastMinute = 0;
    let revenueLastMinute = 0;
    for (let i = 0; i < MINUTE_BUCKETS; i++) {
      if (this.minuteStamp[i] > since) {
        ordersLastMinute += this.minuteOrders[i];
        seatsSoldLastMinute += this.minuteSeats[i];
        revenueLastMinute += this.minuteRevenue[i];
      }
    }
    return { ...counts, revenue: this.revenue, ordersLastMinute, seatsSoldLastMinute, revenueLastMinute };
  }
}

/** The places of an areaId → places record, summed. */
export function sumPlaces(record: Record<string, number>): number {
  let total = 0;
  for (const id in record) total += record[id];
  return total;
}
