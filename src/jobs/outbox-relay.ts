// BullMQ mode: moves committed outbox rows into the webhook queue, with the outbox id as job id. Rows
// are claimed under a lease, added, then marked relayed; a relay that dies in between leaves the
// claim to run out and the next relay adds them again, which BullMQ ignores for a job id it already
// has. So a crash between commit and relay loses nothing, and a crash mid-relay duplicates nothing.
import type { Clock } from '../actor/clock';
import type { OutboxMessage, OutboxStore } from '../store/outbox-store';
import { PollLoop } from './poll-loop';
import type { WebhookDelivery } from './webhook-sender';
import { toDelivery } from './webhook-sender';

/** Where relayed deliveries go (the BullMQ queue). */
export interface WebhookDispatcher {
  /** Adds the deliveries; idempotent per outbox id. */
  dispatch(deliveries: WebhookDelivery[]): Promise<void>;
}

/** How the relay is tuned. */
export interface RelayOptions {
  /** Rows per claim: one addBulk and one UPDATE per batch. */
  batchSize: number;
  /** How long a claim is held (ms): longer than a relay step can take. */
  leaseMs: number;
  /** How often to look for rows committed by other nodes (ms). */
  pollMs: number;
}

/**
 * Claims due rows and settles the ones nobody subscribes to at once (they would otherwise stay
 * pending for ever); returns the subscribed ones.
 */
export async function claimSubscribed(
  outbox: OutboxStore,
  subscribed: (type: string) => boolean,
  limit: number,
  now: number,
  leaseMs: number,
): Promise<{ claimed: number; messages: OutboxMessage[] }> {
  const claimed = await outbox.claimPending(limit, now, now + leaseMs);
  const messages = claimed.filter((m) => subscribed(m.type));
  if (messages.length < claimed.length) {
    await outbox.markSkipped(claimed.filter((m) => !subscribed(m.type)).map((m) => m.id), now);
  }
  return { claimed: claimed.length, messages };
}

/** The outbox → queue relay of one node (every node runs one; claims keep them apart). */
export class OutboxRelay {
  private readonly loop: PollLoop;

  constructor(
    private readonly outbox: OutboxStore,
    private readonly dispatcher: WebhookDispatcher,
    private readonly subscribed: (type: string) => boolean,
    private readonly clock: Clock,
    private readonly options: RelayOptions,
    onError: (error: unknown) => void,
  ) {
    this.loop = new PollLoop(() => this.relayOnce(), clock, options.pollMs, onError);
  }

  start(): void {
    this.loop.start();
  }

  /** New rows were committed here: relay them now rather than at the next poll. */
  nudge(): void {
    this.loop.nudge();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** Relays one batch; true when there may be more. */
  async relayOnce(): Promise<boolean> {
    const now = this.clock.now();
    const { claimed, messages } = await claimSubscribed(this.outbox, this.subscribed, this.options.batchSize, now, this.options.leaseMs);
    if (messages.length > 0) {
      await this.dispatcher.dispatch(messages.map(toDelivery));
      await this.outbox.markRelayed(messages.map((m) => m.id), this.clock.now());
    }
    return claimed === this.options.batchSize;
  }
}
