// The checks and decision shapes the command families share: whose hold it is, whether sales admit it,
// the per-user limit, and the events that hold or release seats.

import { holdFingerprint } from './hold-keys';
import type { EventState, HoldRecord } from './state-model';
import { salesStatus, userCount } from './state-queries';
import type { Decision, DomainEvent, HoldArea, HoldBest, HoldSeats, Rejection, SeatsHeld, SeatsReleased } from './commands';

/** An accepted decision with these events (none: accepted, nothing changes). */
export function accept(...events: DomainEvent[]): Decision {
  return { ok: true, events };
}

/** A rejected decision. */
export function reject(rejection: Rejection): Decision {
  return { ok: false, rejection };
}

/** The commands that add seats or places to a hold (new or existing). */
export type AddCommand = HoldSeats | HoldBest | HoldArea;

/**
 * The checks every hold-adding command shares, in order: the target hold (with `holdId`), then sales.
 * Returns the hold to add to (undefined: a new one) or the rejection.
 */
export function addTarget(state: EventState, command: AddCommand, now: number): HoldRecord | undefined | Rejection {
  let hold: HoldRecord | undefined;
  if (command.holdId !== undefined) {
    const found = ownHold(state, command.userId, command.holdId, now);
    if (isRejection(found)) return found;
    hold = found;
  } else if (state.holds.has(command.newHoldId)) {
    return { code: 'conflict', message: `hold id '${command.newHoldId}' is already in use` };
  }
  // A used key is answered by recallHold before deciding; reaching here with one is a conflict.
  if (command.holdKey !== undefined && state.holdKeys.find(command.userId, command.holdKey) !== undefined) {
    return { code: 'conflict', message: `holdKey '${command.holdKey}' is already in use` };
  }
  return salesRejection(state, now) ?? hold;
}

/** The user's own, usable hold: another user's is answered as unknown (docs/protocol.md). */
export function ownHold(state: EventState, userId: string, holdId: string, now: number): HoldRecord | Rejection {
  const hold = state.holds.get(holdId);
  // A staff hold is not a customer's, even its maker's: only the staff route releases it.
  if (hold === undefined || hold.userId !== userId || hold.staffNote !== undefined) {
    return { code: 'hold_not_found', message: `no hold '${holdId}'` };
  }
  // Pending first: a pending hold is frozen and never counts as expired.
  if (hold.orderId !== null) return { code: 'conflict', message: `hold '${holdId}' is being purchased` };
  // Expired but not yet swept by ExpireHolds: it must not be used, least of all bought.
  if (hold.expiresAt <= now) return { code: 'hold_expired', message: `hold '${holdId}' has expired` };
  return hold;
}

/** Whether a looked-up hold is in fact the reason it cannot be used. */
export function isRejection(value: HoldRecord | Rejection | undefined): value is Rejection {
  return value !== undefined && 'code' in value;
}

/** The rejection when sales are closed or paused at `now`, else undefined. */
export function salesRejection(state: EventState, now: number): Rejection | undefined {
  const sales = salesStatus(state, now);
  if (sales === 'closed') return { code: 'sales_closed', message: 'sales are closed for this event' };
  if (sales === 'paused') return { code: 'sales_closed', message: 'sales are paused for this event' };
  if (sales === 'draft') return { code: 'sales_closed', message: 'this event is not published yet' };
  return undefined;
}

/** The rejection when adding `adding` seats and places would pass the per-user limit. */
export function limitRejection(state: EventState, userId: string, adding: number): Rejection | undefined {
  const max = state.layout.maxSeatsPerUser;
  const have = userCount(state, userId);
  if (have + adding <= max) return undefined;
  return { code: 'limit_exceeded', message: `at most ${max} seats and places per user (you have ${have})` };
}

/** The `SeatsHeld` decision for seats and places found free, new hold or added to `hold`. */
export function held(
  state: EventState,
  command: AddCommand,
  hold: HoldRecord | undefined,
  seats: number[],
  areas: Record<string, number>,
  now: number,
): Decision {
  const event: SeatsHeld = {
    type: 'SeatsHeld',
    holdId: hold?.holdId ?? command.newHoldId,
    userId: command.userId,
    created: hold === undefined,
    seats,
    areas,
    // Adding to a hold keeps its expiry (docs/protocol.md).
    createdAt: hold?.createdAt ?? now,
    expiresAt: hold?.expiresAt ?? now + state.layout.holdTtlMs,
  };
  if (command.holdKey !== undefined) event.holdKey = { key: command.holdKey, fingerprint: holdFingerprint(command) };
  return accept(event);
}

/** The event that releases a whole hold (a release without names, or an expiry). */
export function releaseAll(state: EventState, hold: HoldRecord, reason: SeatsReleased['reason']): SeatsReleased {
  return {
    type: 'SeatsReleased',
    holdId: hold.holdId,
    userId: hold.userId,
    reason,
    seats: [...hold.seats],
    areas: Object.fromEntries(hold.areas),
    holdEnded: true,
  };
}

/** Ids named more than once, each once. */
export function findDuplicates(ids: readonly string[]): string[] {
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) duplicates.add(id);
    else seen.add(id);
  }
  return [...duplicates];
}
