// A purchase load that keeps going through faults, as a careful client would: each buyer holds seats
// of its own row one at a time and buys each with an idempotency key; `unavailable` and `moved` are
// retried with the same key, a lost connection is reopened and the purchase asked again (its order is
// found by the key if it committed). Everything the server said is recorded for the checks at the end.
import { TestClient } from '../support/ws-client';
import type { Msg } from '../support/ws-client';
import { token } from '../support/fixtures';

/** What the buyers were told. */
export interface LoadRecord {
  /** orderId → seat, of every `order` reply. */
  told: Map<string, string>;
  /** Replies by type or error code (e.g. "order", "unavailable"). */
  replies: Map<string, number>;
  /** Requests whose connection died before the reply. */
  lostReplies: number;
}

/** How the load runs. */
export interface LoadOptions {
  /** Where to connect now (the node may change, or restart on another port). */
  wsUrl: () => string;
  eventId: string;
  buyers: number;
  /** Seats per buyer (row i + 1 of the event holds buyer i's seats). */
  seats: number;
  /** How long one purchase keeps retrying `unavailable`/`moved` or a lost connection. */
  patienceMs: number;
  /** User ids are `${prefix}-${i}`. */
  prefix: string;
}

const RETRYABLE = new Set(['unavailable', 'moved']);

/** Runs buyers until `stop()` or until every buyer bought its seats. */
export class PurchaseLoad {
  readonly record: LoadRecord = { told: new Map(), replies: new Map(), lostReplies: 0 };
  private running = true;
  private readonly done: Promise<void>;
  /** Purchases answered since the last `waitForPurchases` call began. */
  private bought = 0;

  constructor(private readonly options: LoadOptions) {
    this.done = Promise.all(Array.from({ length: options.buyers }, (_, i) => this.buyer(i))).then(() => undefined);
  }

  /** Stops after the purchases in progress; resolves when every buyer has stopped. */
  async stop(): Promise<LoadRecord> {
    this.running = false;
    await this.done;
    return this.record;
  }

  /** Resolves once `count` more orders were confirmed, or rejects after `timeoutMs`. */
  async waitForPurchases(count: number, timeoutMs = 30_000): Promise<void> {
    const target = this.bought + count;
    const deadline = Date.now() + timeoutMs;
    while (this.bought < target) {
      if (Date.now() > deadline) throw new Error(`only ${this.bought - (target - count)} of ${count} purchases in ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  private count(key: string): void {
    this.record.replies.set(key, (this.record.replies.get(key) ?? 0) + 1);
  }

  private async buyer(i: number): Promise<void> {
    const userToken = await token(`${this.options.prefix}-${i}`);
    // A holder, not a `let`: the closure below replaces the connection.
    const link: { client: TestClient | null } = { client: null };
    // Sends `message` until it is answered with something other than a retryable error, reconnecting
    // as needed, for at most patienceMs; null when it never was.
    const ask = async (message: Record<string, unknown>): Promise<Msg | null> => {
      const deadline = Date.now() + this.options.patienceMs;
      while (Date.now() < deadline) {
        try {
          const client = (link.client ??= await TestClient.connect(this.options.wsUrl(), i % 2 ? 'json' : 'msgpack', userToken));
          const reply = await Promise.race([client.request(message, 10_000), client.closed.then(() => null)]);
          if (reply === null) throw new Error('connection closed');
          if (reply.type === 'error') this.count(reply.code as string);
          if (reply.type !== 'error' || !RETRYABLE.has(reply.code as string)) return reply;
        } catch {
          this.record.lostReplies++;
          link.client?.close();
          link.client = null;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      return null;
    };
    for (let n = 0; this.running && n < this.options.seats; n++) {
      const seat = `s-${i + 1}-${n + 1}`;
      const held = await ask({ type: 'hold', eventId: this.options.eventId, seats: [seat] });
      if (!held || held.type !== 'held') continue;
      this.count('held');
      const order = await ask({ type: 'buy', eventId: this.options.eventId, holdId: held.holdId, idempotencyKey: `${this.options.prefix}-${i}-${n}` });
      if (order?.type === 'order') {
        this.count('order');
        this.record.told.set(order.orderId as string, seat);
        this.bought++;
      }
    }
    link.client?.close();
  }
}
