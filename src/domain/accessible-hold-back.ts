// The accessible hold-back: until `layout.holdBackUntil`, accessible seats and their companion seats go
// only to holds that ask for them (`best.accessible`, or a manual hold that includes an accessible
// seat); afterwards they return to general sale. Without it, wheelchair seats go to whoever clicks first.
import type { EventLayout } from './layout';

/** Whether accessible and companion seats are still held back at `now` (epoch ms). */
export function holdBackActive(layout: EventLayout, now: number): boolean {
  return now < layout.holdBackUntil;
}

/** Whether a seat is one the hold-back keeps: accessible, or a companion seat. */
export function isHeldBack(layout: EventLayout, seat: number): boolean {
  return layout.seatAccessible[seat] === 1 || layout.seatCompanion[seat] === 1;
}

/**
 * The held-back seats a manual hold may not take at `now`: none once the hold-back is over, or when the
 * hold (its seats so far plus `adding`) includes an accessible seat; otherwise every accessible or
 * companion seat in `adding`.
 */
export function heldBackSeats(
  layout: EventLayout,
  now: number,
  adding: readonly number[],
  alreadyHeld: readonly number[],
): number[] {
  if (!holdBackActive(layout, now)) return [];
  const reserved = adding.filter((seat) => isHeldBack(layout, seat));
  if (reserved.length === 0) return [];
  const asks = (seat: number): boolean => layout.seatAccessible[seat] === 1;
  return adding.some(asks) || alreadyHeld.some(asks) ? [] : reserved;
}
