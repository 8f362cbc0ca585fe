// The client's commands on holds, kept in its HoldBook. Every hold request carries a `holdKey` made once
// per request, so it is safe to send again: a resend after a lost reply or a reconnect gets the same
// hold back instead of more seats. `findHolds` asks the server for the user's live holds, which is how
// a reloaded page, a second tab or another device finds the holds made elsewhere.
import type { BuyTiers } from '../client-messages';
import { AisleError } from '../error-codes';
import type { HoldsMessage, OrderMessage, ReleasedMessage } from '../server-messages';
import type { Hold, HoldBook } from './hold-book';
import { newIdempotencyKey } from './idempotency-key';
import type { PendingRequests, ReplyOf, RequestFrame } from './pending-requests';
import type { ReleaseOptions } from './requests';

/** The hold commands of one client. */
export class HoldCommands {
  private readonly buyKeys = new Map<string, string>();

  constructor(
    private readonly requests: PendingRequests,
    private readonly book: HoldBook,
    private readonly random?: () => number,
  ) {}

  /** Sends a hold request (seats, best or area) under `holdKey` (a fresh one when not given). */
  async hold(frame: RequestFrame & { type: 'hold'; eventId: string }, holdKey?: string): Promise<Hold> {
    const keyed = { ...frame, holdKey: holdKey ?? newIdempotencyKey(this.random).replace(/^buy-/, 'hold-') };
    return this.book.held(await this.command(keyed, 'held', true));
  }

  /** Releases part of a hold, or all of it when nothing is named. */
  async release(eventId: string, holdId: string, options: ReleaseOptions): Promise<ReleasedMessage> {
    const released = await this.command({ type: 'release', eventId, holdId, seats: options.seats, areas: options.areas }, 'released');
    this.book.released(released);
    return released;
  }

  /** Pushes a hold's expiry out. */
  async extend(eventId: string, holdId: string): Promise<Hold> {
    return this.book.held(await this.command({ type: 'extend', eventId, holdId }, 'held'));
  }

  /**
   * Buys a hold. The idempotency key is made once per hold and reused by every attempt (a resend after a
   * reconnect, or the caller trying again), so the hold becomes at most one order.
   */
  async buy(eventId: string, holdId: string, idempotencyKey?: string, tiers?: BuyTiers): Promise<OrderMessage> {
    let key = idempotencyKey ?? this.buyKeys.get(holdId);
    if (!key) key = newIdempotencyKey(this.random);
    this.buyKeys.set(holdId, key);
    const frame = { type: 'buy' as const, eventId, holdId, idempotencyKey: key, ...(tiers === undefined ? {} : { tiers }) };
    const order = await this.command(frame, 'order', true);
    this.book.bought(holdId);
    return order;
  }

  /** The user's live holds in `eventId`, from the server; each is added to (or refreshed in) the book. */
  async find(eventId: string): Promise<Hold[]> {
    const reply: HoldsMessage = await this.requests.request({ type: 'holds', eventId }, 'holds', { resend: true });
    const live = new Set(reply.holds.map((h) => h.holdId));
    // Holds of this event the book knows but the server no longer has are gone (expired meanwhile).
    for (const known of this.book.all()) {
      if (known.eventId === eventId && !live.has(known.holdId)) this.book.expire(known.holdId, 'rejected');
    }
    return reply.holds.map((h) => this.book.held({ type: 'held', eventId, ...h }));
  }

  /** A command on a hold: an answer saying the hold is gone also removes it from the book. */
  private async command<T extends 'held' | 'released' | 'order'>(frame: RequestFrame, expect: T, resend = false): Promise<ReplyOf<T>> {
    try {
      return await this.requests.request(frame, expect, { resend });
    } catch (error) {
      const holdId = frame.holdId;
      if (error instanceof AisleError && typeof holdId === 'string' && (error.code === 'hold_not_found' || error.code === 'hold_expired')) {
        this.book.expire(holdId, 'rejected');
      }
      throw error;
    }
  }
}
