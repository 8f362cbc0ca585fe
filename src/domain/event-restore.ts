// What the store hands an actor on activation. Apart from types.ts because it carries the seat columns
// (seat-table.ts), which are built from types.ts's definitions.
import type { SeatTable } from './seat-table';
import type { RoomChange } from './room-changes';
import type { RoomSnapshot } from './waiting-room';
import type { ConfirmedOrder, EventDefinition, EventHeader, HoldSnapshot, SalesState, StaffHoldSnapshot } from './types';

/** What the store knows about an event when its actor is activated. */
export interface EventRestore {
  /** The definition; its seats come from `seats` when given (the store's compact form). */
  definition: EventHeader | EventDefinition;
  /** The seats as columns; absent: `definition.seats`. */
  seats?: SeatTable;
  sales: SalesState;
  /** Indexes of blocked seats. */
  blocked: number[];
  /** Confirmed, not cancelled orders of this event. */
  orders: ConfirmedOrder[];
  /** Holds to restore (cluster failover); empty in single-node mode. */
  holds: HoldSnapshot[];
  /** Staff holds (house seats, comps), stored with the event in every mode (absent: none). */
  staffHolds?: StaffHoldSnapshot[];
  /** The waiting room as last saved, if it was. */
  queue?: RoomSnapshot;
  /** Changes of the waiting room replicated by earlier owners (cluster failover), replayed on `queue`. */
  queueChanges?: RoomChange[];
}
