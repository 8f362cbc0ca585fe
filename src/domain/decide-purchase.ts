// Deciding the purchase commands: start (freeze and price a hold), confirm after COMMIT, fail, cancel.

import { accept, isRejection, ownHold, reject, salesRejection } from './decide-rules';
import { priceOrder } from './pricing';
import type { EventState, HoldRecord } from './state-model';
import type { CancelOrder, ConfirmPurchase, Decision, FailPurchase, OrderCancelled, OrderConfirmed, Rejection, StartPurchase } from './commands';

/** StartPurchase: freezes the hold and prices it. */
export function decideStartPurchase(state: EventState, command: StartPurchase, now: number): Decision {
  const hold = ownHold(state, command.userId, command.holdId, now);
  if (isRejection(hold)) return reject(hold);
  const closed = salesRejection(state, now);
  if (closed) return reject(closed);
  if (state.orders.has(command.orderId)) {
    return reject({ code: 'conflict', message: `order id '${command.orderId}' is already in use` });
  }
  const pricing = priceOrder(state.layout, hold, command.tiers);
  if ('code' in pricing) return reject(pricing);
  return accept({
    type: 'PurchaseStarted',
    holdId: hold.holdId,
    userId: hold.userId,
    orderId: command.orderId,
    seats: [...hold.seats],
    areas: Object.fromEntries(hold.areas),
    total: pricing.total,
    pricing,
  });
}

/** The hold a Confirm/FailPurchase is about: it must exist and be pending. */
export function pendingHold(state: EventState, holdId: string): HoldRecord | Rejection {
  const hold = state.holds.get(holdId);
  if (hold === undefined) return { code: 'hold_not_found', message: `no hold '${holdId}'` };
  if (hold.orderId === null) return { code: 'conflict', message: `hold '${holdId}' has no pending purchase` };
  return hold;
}

/** ConfirmPurchase: the pending hold becomes an order (after its COMMIT). */
export function decideConfirm(state: EventState, command: ConfirmPurchase): Decision {
  const hold = pendingHold(state, command.holdId);
  if (isRejection(hold)) return reject(hold);
  const event: OrderConfirmed = {
    type: 'OrderConfirmed',
    orderId: hold.orderId as string,
    holdId: hold.holdId,
    userId: hold.userId,
    seats: [...hold.seats],
    areas: Object.fromEntries(hold.areas),
    total: hold.total,
  };
  return accept(event);
}

/** FailPurchase: the pending hold is thawed and can expire again. */
export function decideFail(state: EventState, command: FailPurchase): Decision {
  const hold = pendingHold(state, command.holdId);
  if (isRejection(hold)) return reject(hold);
  return accept({ type: 'PurchaseFailed', holdId: hold.holdId, orderId: hold.orderId as string });
}

/** CancelOrder: a confirmed order's seats and places become available again. */
export function decideCancel(state: EventState, command: CancelOrder): Decision {
  const order = state.orders.get(command.orderId);
  if (order === undefined) return reject({ code: 'not_found', message: `no order '${command.orderId}'` });
  const event: OrderCancelled = {
    type: 'OrderCancelled',
    orderId: order.orderId,
    userId: order.userId,
    seats: [...order.seats],
    areas: { ...order.areas },
  };
  return accept(event);
}
