// Delivers one webhook: POST WEBHOOK_URL with `{id, type, createdAt, data}` and the signature header,
// a deadline per attempt, and any non-2xx answer counted as a failure (retried by the caller).
import type { Clock } from '../actor/clock';
import type { OutboxMessage } from '../store/outbox-store';
import { SIGNATURE_HEADER, signWebhook } from './webhook-signature';

/** One delivery as queued: the body is fixed at relay time so every attempt sends the same bytes. */
export interface WebhookDelivery {
  /** The outbox id; also the body's `id`, by which receivers deduplicate. */
  outboxId: string;
  type: string;
  /** ISO 8601: when the fact was committed. */
  createdAt: string;
  /** The JSON body. */
  body: string;
}

/** The delivery of an outbox row. */
export function toDelivery(message: OutboxMessage): WebhookDelivery {
  const { id, type, createdAt, payload } = message;
  return { outboxId: id, type, createdAt, body: JSON.stringify({ id, type, createdAt, data: payload }) };
}

/** A failed attempt: the receiver answered non-2xx, or did not answer in time, or was unreachable. */
export class DeliveryError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DeliveryError';
  }
}

/** Where and how webhooks are sent. */
export interface WebhookTarget {
  url: string;
  secret: string;
  /** Per attempt (ms). */
  timeoutMs: number;
}

/** Sends webhook deliveries to one receiver. */
export class WebhookSender {
  constructor(
    private readonly target: WebhookTarget,
    private readonly clock: Clock,
  ) {}

  /** One attempt; resolves on a 2xx answer, throws DeliveryError otherwise. */
  async deliver(delivery: WebhookDelivery): Promise<void> {
    const t = Math.floor(this.clock.now() / 1000);
    let response: Response;
    try {
      response = await fetch(this.target.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Aisle-Webhooks/1',
          [SIGNATURE_HEADER]: signWebhook(this.target.secret, delivery.body, t),
        },
        body: delivery.body,
        // A redirect would re-send the body somewhere else: treat it as a failure instead.
        redirect: 'manual',
        signal: AbortSignal.timeout(this.target.timeoutMs),
      });
    } catch (error) {
      const reason = error instanceof Error && error.name === 'TimeoutError' ? `no answer in ${this.target.timeoutMs} ms` : String(error);
      throw new DeliveryError(`POST failed: ${reason}`, { cause: error });
    }
    // Read the answer to the end so the connection goes back to the pool.
    await response.arrayBuffer().catch(() => undefined);
    if (response.status < 200 || response.status >= 300) throw new DeliveryError(`receiver answered HTTP ${response.status}`);
  }
}
