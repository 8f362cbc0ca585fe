// Deciding the admin and staff commands on the event itself: edits of its definition and the force
// release of somebody's hold.
import { accept, reject, releaseAll } from './decide-rules';
import { repricedCategories } from './event-patch';
import type { EventState } from './state-model';
import type { EventDefinition } from './types';
import type { Decision, ForceRelease, UpdateEvent } from './commands';

/**
 * UpdateEvent: the layout must be the one the state was built on, and a price may only change for a
 * category of which nothing is sold or being bought (orders keep the total they were confirmed with,
 * and reports price a line by its category).
 */
export function decideUpdate(state: EventState, command: UpdateEvent): Decision {
  const before = state.layout.definition;
  const after = command.definition;
  // The actor's definition has no seats when it was loaded with a compact layout: compare counts then.
  const seats = (after as Partial<EventDefinition>).seats;
  const seatsChanged = seats !== undefined && seats.length !== state.layout.seatCount;
  if (after.id !== before.id || seatsChanged || after.areas.length !== before.areas.length) {
    return reject({ code: 'bad_request', message: 'the layout (seats, areas) cannot change once created' });
  }
  const repriced = new Set(repricedCategories(before, after));
  if (repriced.size > 0) {
    const sold = soldCategories(state);
    const blocked = [...repriced].filter((id) => sold.has(id));
    if (blocked.length > 0) {
      return reject({ code: 'conflict', message: `prices cannot change for categories that have sold: ${blocked.join(', ')}` });
    }
  }
  return accept({ type: 'EventUpdated', definition: after });
}

/** Category ids with a seat or place in a confirmed order or a purchase in flight. */
function soldCategories(state: EventState): Set<string> {
  const { layout } = state;
  const { categories, areas } = layout.definition;
  const sold = new Set<string>();
  const add = (seats: readonly number[], areaIds: Iterable<string>): void => {
    for (const seat of seats) sold.add(categories[layout.seatCategory[seat]].id);
    for (const areaId of areaIds) sold.add(areas[layout.areaIndex(areaId)].category);
  };
  for (const order of state.orders.values()) add(order.seats, Object.keys(order.areas));
  for (const hold of state.holds.values()) if (hold.orderId !== null) add(hold.seats, hold.areas.keys());
  return sold;
}

/** ForceRelease: the whole hold goes, whoever owns it; a hold being bought is left to its purchase. */
export function decideForceRelease(state: EventState, command: ForceRelease): Decision {
  const hold = state.holds.get(command.holdId);
  if (hold === undefined) return reject({ code: 'hold_not_found', message: `no hold '${command.holdId}'` });
  if (hold.orderId !== null) return reject({ code: 'conflict', message: `hold '${command.holdId}' is being purchased` });
  if (hold.staffNote !== undefined) {
    return reject({ code: 'conflict', message: `hold '${command.holdId}' is a staff hold: release it as a staff hold` });
  }
  return accept(releaseAll(state, hold, 'revoked'));
}
