// Which outbox types become webhooks (CONTRACT.md, Webhooks): the order and event types always, the
// hold types only when WEBHOOK_EVENTS names them.

/** Delivered whenever webhooks are on. */
export const DEFAULT_WEBHOOK_TYPES = [
  'order.confirmed',
  'order.cancelled',
  'event.sales_opened',
  'event.sales_closed',
  'event.sold_out',
] as const;

/** Delivered only when named in WEBHOOK_EVENTS (one per hold change would be a lot of traffic). */
export const OPT_IN_WEBHOOK_TYPES = ['hold.created', 'hold.released', 'hold.expired'] as const;

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
