// What the HTTP API answers about orders and tickets after a sale, as types: an order with its tickets
// (`GET /api/orders/:id`, `GET /api/me/orders`), and a ticket as the gate sees it (`GET /api/tickets/:code`,
// `POST /api/tickets/:code/check-in`). Derived from the reply schemas of http-replies.ts (type-only, so a
// page that uses them bundles no schema library).
import type { Static } from '@sinclair/typebox';
import type { OrderReplySchema, TicketReplySchema } from './http-replies';

/** An order as the HTTP API shows it. */
export type OrderReply = Static<typeof OrderReplySchema>;

/** A ticket as the gate sees it: `void` when its order was cancelled, `used` once checked in (at `usedAt`). */
export type TicketView = Static<typeof TicketReplySchema>;
