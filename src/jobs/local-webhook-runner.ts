// Without REDIS_URL: the same deliveries run in this process, straight from the outbox, with the same
// retry policy as BullMQ (backoff and attempts kept in the outbox row). A row is leased while it is
// being delivered, so a process that dies mid-delivery leaves it to be delivered again after a restart.
import type { Clock } from '../actor/clock';
import type { OutboxMessage, OutboxStore } from '../store/outbox-store';
import { claimSubscribed } from './outbox-relay';
import { PollLoop } from './poll-loop';
import type { RetryPolicy } from './retry-policy';
import { backoffMs, isLastAttempt } from './retry-policy';
import type { DeliveryReport } from './delivery-report';
import type { WebhookSender } from './webhook-sender';
import { toDelivery } from './webhook-sender';

/** A claim waits until a quarter of the slots are free (while any delivery is in flight). */
const CLAIM_CHUNK_DIVISOR = 4;

/** How the runner is tuned. */
export interface LocalRunnerOptions {
  /** Deliveries in flight at once. */
  concurrency: number;
  /** Lease of a row being delivered (ms): longer than one attempt's timeout. */
  leaseMs: number;
  pollMs: number;
}

/** Delivers outbox rows in process, retrying and dead-lettering like the BullMQ worker. */
export class LocalWebhookRunner {
  private readonly loop: PollLoop;
  private inFlight = 0;
  private readonly deliveries = new Set<Promise<void>>();

  constructor(
    private readonly outbox: OutboxStore,
    private readonly sender: WebhookSender,
    private readonly subscribed: (type: string) => boolean,
    private readonly policy: RetryPolicy,
    private readonly report: DeliveryReport,
    private readonly clock: Clock,
    private readonly options: LocalRunnerOptions,
    onError: (error: unknown) => void,
  ) {
    this.loop = new PollLoop(() => this.claimOnce(), clock, options.pollMs, onError);
  }

  start(): void {
    this.loop.start();
  }

  nudge(): void {
    this.loop.nudge();
  }

  /** Stops claiming and waits for the deliveries in flight. */
  async stop(): Promise<void> {
    await this.loop.stop();
    await Promise.all(this.deliveries);
  }

  /** Starts deliveries for free slots; true when more rows may be due. */
  private async claimOnce(): Promise<boolean> {
    const free = this.options.concurrency - this.inFlight;
    // Claim in chunks: a claim per finished delivery would cost a statement per webhook.
    if (free <= 0 || (this.inFlight > 0 && free < Math.ceil(this.options.concurrency / CLAIM_CHUNK_DIVISOR))) return false;
    const { claimed, messages } = await claimSubscribed(this.outbox, this.subscribed, free, this.clock.now(), this.options.leaseMs);
    for (const message of messages) {
      this.inFlight += 1;
      const delivery = this.deliver(message).finally(() => {
        this.inFlight -= 1;
        this.deliveries.delete(delivery);
        this.loop.nudge();
      });
      this.deliveries.add(delivery);
    }
    return claimed === free;
  }

  private async deliver(message: OutboxMessage): Promise<void> {
    const attempt = message.attempts + 1;
    const delivery = toDelivery(message);
    try {
      await this.sender.deliver(delivery);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const now = this.clock.now();
      if (isLastAttempt(this.policy, attempt)) {
        await this.outbox.markDead(message.id, reason, attempt, now);
        this.report.dead(delivery, reason);
      } else {
        await this.outbox.recordFailure(message.id, reason, now + backoffMs(this.policy, attempt));
        this.report.failed(delivery, reason, attempt);
      }
      return;
    }
    this.report.delivered(delivery);
  }
}
