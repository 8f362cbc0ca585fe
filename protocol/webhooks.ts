// The webhooks Aisle POSTs (docs/protocol.md, Webhooks): their types, the `data` each carries, and
// which are sent: the order and event types always, the hold types only when WEBHOOK_EVENTS names them.
import type { Static } from '@sinclair/typebox';
import type { OrderPricingSchema, PricedItemSchema } from './server-messages';

/** Delivered whenever webhooks are on. */
export const DEFAULT_WEBHOOK_TYPES = [
  'order.confirmed',
  'order.cancelled',
  'event.sales_opened',
  'event.sales_closed',
  'event.sold_out',
] as const;

/** Delivered only when named in WEBHOOK_EVENTS (one per hold change would be a lot of traffic). */
export const OPT_IN_WEBHOOK_TYPES = ['hold.created', 'hold.released', 'hold.expired', 'queue.opened', 'queue.closed'] as const;

/** Every webhook type. */
export type WebhookType = (typeof DEFAULT_WEBHOOK_TYPES)[number] | (typeof OPT_IN_WEBHOOK_TYPES)[number];

const KNOWN = new Set<string>([...DEFAULT_WEBHOOK_TYPES, ...OPT_IN_WEBHOOK_TYPES]);

/**
 * The types delivered for a WEBHOOK_EVENTS value: the defaults plus every type it names. Throws on a
 * name that is not a webhook type (a typo would otherwise silently deliver nothing).
 */
export function webhookTypes(webhookEvents: string | undefined): Set<WebhookType> {
  const types = new Set<WebhookType>(DEFAULT_WEBHOOK_TYPES);
  for (const raw of (webhookEvents ?? '').split(',')) {
    const name = raw.trim();
    if (name === '') continue;
    if (!KNOWN.has(name)) throw new Error(`unknown webhook type "${name}" (known: ${[...KNOWN].join(', ')})`);
    types.add(name as WebhookType);
  }
  return types;
}

/** `data` of order.confirmed and order.cancelled. */
export interface OrderWebhookData {
  orderId: string;
  eventId: string;
  userId: string;
  seats: string[];
  /** areaId → places. */
  areas: Record<string, number>;
  total: number;
  /** How `total` was made up, when the order records it (orders bought with tiers or fees do). */
  pricing?: OrderPricingData;
}

/** The server's pricing of an order (see OrderPricingSchema in server-messages.ts). */
export type OrderPricingData = Static<typeof OrderPricingSchema>;
/** One item of an order's pricing. */
export type PricedItemData = Static<typeof PricedItemSchema>;

/** `data` of event.sales_opened and event.sales_closed: staff paused or resumed, or the window passed. */
export type SalesWebhookData =
  | { eventId: string; reason: 'staff'; sales: 'open' | 'paused' }
  | { eventId: string; reason: 'schedule'; at: string };

/** `data` of event.sold_out: the order that sold the last seat or place. */
export interface SoldOutWebhookData {
  eventId: string;
  orderId: string;
}

/** `data` of hold.created. */
export interface HoldCreatedWebhookData {
  eventId: string;
  holdId: string;
  userId: string;
  seats: string[];
  areas: Record<string, number>;
  /** Epoch ms. */
  expiresAt: number;
}

/** `data` of hold.released and hold.expired: what left the hold, and whether the hold ended. */
export interface HoldReleasedWebhookData {
  eventId: string;
  holdId: string;
  userId: string;
  seats: string[];
  areas: Record<string, number>;
  holdEnded: boolean;
}

/** The `data` of each webhook type. */
export interface WebhookData {
  'order.confirmed': OrderWebhookData;
  'order.cancelled': OrderWebhookData;
  'event.sales_opened': SalesWebhookData;
  'event.sales_closed': SalesWebhookData;
  'event.sold_out': SoldOutWebhookData;
  'hold.created': HoldCreatedWebhookData;
  'hold.released': HoldReleasedWebhookData;
  'hold.expired': HoldReleasedWebhookData;
  'queue.opened': QueueWebhookData;
  'queue.closed': QueueWebhookData;
}

/**
 * `data` of queue.opened (`reason`: `open_at`, the lottery was drawn and admission began; `seats_back`,
 * a sold-out waitlist admits again) and queue.closed (`sold_out`: the waiting stay on as a waitlist;
 * `closed`: sales closed and the places were dropped). `waiting`: users waiting at that moment.
 */
export interface QueueWebhookData {
  eventId: string;
  reason: 'open_at' | 'seats_back' | 'sold_out' | 'closed';
  waiting: number;
}

/** A webhook's JSON body; signed in the `X-Aisle-Signature` header (see verifyWebhookSignature). */
export interface WebhookBody<T extends WebhookType = WebhookType> {
  /** The outbox id: the same on every attempt, so receivers can drop repeats. */
  id: string;
  type: T;
  /** When the change happened (ISO 8601). */
  createdAt: string;
  data: WebhookData[T];
}
