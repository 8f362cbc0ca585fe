// Deciding a hold request that carries a used `holdKey`: the same request gets its hold back as it is
// now (no new seats), any other request under that key is a conflict. The actor asks this before
// deciding the command itself, so a resend never reaches best-available or the seat checks.

import { holdFingerprint } from './hold-keys';
import type { HoldCommand } from './hold-keys';
import type { EventState } from './state-model';
import type { Rejection } from './commands';

/**
 * What a used key answers: `{holdId}` of the hold to describe, a rejection, or undefined when the key
 * is new (or absent) and the command is to be decided as usual.
 */
export function recallHold(state: EventState, command: HoldCommand, now: number): { holdId: string } | Rejection | undefined {
  if (command.holdKey === undefined) return undefined;
  const entry = state.holdKeys.find(command.userId, command.holdKey);
  if (entry === undefined) return undefined;
  if (entry.fingerprint !== holdFingerprint(command)) {
    return { code: 'conflict', message: `holdKey '${command.holdKey}' was used for another request` };
  }
  const hold = state.holds.get(entry.holdId);
  // Keys leave with their hold, so the hold is live; one past its expiry but not yet swept is not.
  if (hold === undefined || (hold.orderId === null && hold.expiresAt <= now)) {
    return { code: 'hold_expired', message: `the hold of holdKey '${command.holdKey}' has expired` };
  }
  return { holdId: hold.holdId };
}
