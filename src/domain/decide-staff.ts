// Deciding the staff commands: open or pause sales, block or unblock seats.

import { accept, findDuplicates, reject } from './decide-rules';
import type { EventState } from './state-model';
import { SeatStatus } from './types';
import type { BlockSeats, Decision, SetSales } from './commands';

/** SetSales: opens or pauses sales (no event when nothing changes). */
export function decideSetSales(state: EventState, command: SetSales): Decision {
  const open = state.sales === 'open';
  return command.open === open ? accept() : accept({ type: 'SalesChanged', open: command.open });
}

/** BlockSeats: blocks free seats or unblocks blocked ones; held or sold seats cannot be blocked. */
export function decideBlock(state: EventState, command: BlockSeats): Decision {
  const ids = command.seats;
  if (ids.length === 0) return reject({ code: 'bad_request', message: 'seats must not be empty' });
  const duplicates = findDuplicates(ids);
  if (duplicates.length > 0) {
    return reject({ code: 'bad_request', message: `duplicate seats: ${duplicates.join(', ')}` });
  }
  const { layout, status } = state;
  const unknown: string[] = [];
  const busy: string[] = [];
  const changed: number[] = [];
  for (const id of ids) {
    const seat = layout.seatIndex(id);
    if (seat < 0) {
      unknown.push(id);
      continue;
    }
    const code = status[seat];
    if (command.blocked && (code === SeatStatus.Held || code === SeatStatus.Sold)) busy.push(id);
    else if (command.blocked ? code === SeatStatus.Available : code === SeatStatus.Blocked) changed.push(seat);
  }
  if (unknown.length > 0) return reject({ code: 'not_found', message: 'unknown seats', seats: unknown });
  if (busy.length > 0) return reject({ code: 'conflict', message: 'seats are held or sold', seats: busy });
  if (changed.length === 0) return accept();
  return accept({ type: 'SeatsBlocked', seats: changed, blocked: command.blocked });
}
