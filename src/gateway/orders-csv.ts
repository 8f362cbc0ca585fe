// `GET /api/events/:id/orders.csv`: every order of an event, one line per seat or place, formatted by
// csv-stringify one page of orders at a time, so the file is produced in constant memory.
import { stringify } from 'csv-stringify/sync';
import type { EventDefinition } from '../domain/types';
import type { ExportLine } from '../store/order-export';

/** The CSV columns, in order (the header line). */
export const ORDERS_CSV_COLUMNS = [
  'order_id',
  'created_at',
  'status',
  'user_id',
  'seat_id',
  'area_id',
  'section',
  'row',
  'number',
  'category',
  'tier',
  'price',
  'fee',
  'order_total',
  'ticket_code',
  'ticket_status',
] as const;

/** What a line needs to know of the layout: seat and area id → position and category. */
interface LayoutLookup {
  seats: Map<string, { section: string; row: string; number: number; category: string }>;
  areas: Map<string, string>;
  prices: Map<string, number>;
}

function lookup(definition: EventDefinition): LayoutLookup {
  return {
    seats: new Map(definition.seats.map((s) => [s.id, { section: s.section, row: s.row, number: s.number, category: s.category }])),
    areas: new Map(definition.areas.map((a) => [a.id, a.category])),
    prices: new Map(definition.categories.map((c) => [c.id, c.price])),
  };
}

/** Makes the code of a ticket (src/store/ticket-code.ts); codes are derived, never stored. */
export type TicketCodeOf = (orderId: string, place: { kind: 'seat'; seatId: string } | { kind: 'area'; areaId: string; index: number }) => string;

function ticketOf(line: ExportLine, codeOf: TicketCodeOf | undefined): string {
  if (!codeOf) return '';
  if (line.seatId !== null) return codeOf(line.orderId, { kind: 'seat', seatId: line.seatId });
  return line.areaId === null ? '' : codeOf(line.orderId, { kind: 'area', areaId: line.areaId, index: line.place });
}

function record(line: ExportLine, layout: LayoutLookup, codeOf: TicketCodeOf | undefined): (string | number)[] {
  const seat = line.seatId === null ? undefined : layout.seats.get(line.seatId);
  const category = seat?.category ?? (line.areaId === null ? undefined : layout.areas.get(line.areaId)) ?? '';
  // Orders record what each ticket cost; for older ones, a category's price cannot change once it has
  // sold, so today's price is the price paid.
  const price = line.paid?.price ?? layout.prices.get(category);
  return [
    line.orderId,
    line.createdAt,
    line.status,
    line.userId,
    line.seatId ?? '',
    line.areaId ?? '',
    seat?.section ?? '',
    seat?.row ?? '',
    seat?.number ?? '',
    category,
    line.paid?.tier ?? '',
    price ?? '',
    line.paid?.fee ?? 0,
    line.orderTotal,
    ticketOf(line, codeOf),
    line.status === 'cancelled' ? 'void' : 'valid',
  ];
}

/** The CSV text, chunk by chunk: the header, then one chunk per page of orders. */
export async function* ordersCsv(
  definition: EventDefinition,
  pages: AsyncIterable<ExportLine[]>,
  codeOf?: TicketCodeOf,
): AsyncIterable<string> {
  const layout = lookup(definition);
  yield stringify([[...ORDERS_CSV_COLUMNS]]);
  for await (const page of pages) {
    yield stringify(page.map((line) => record(line, layout, codeOf)));
  }
}
