// The public API of the pure seat core: what the actor, the gateway and the store may use.
export * from './types';
export * from './commands';
export type { EventRestore } from './event-restore';
export {
  DEFAULT_HOLD_TTL_SECONDS,
  DEFAULT_MAX_SEATS_PER_USER,
  DefinitionError,
  expandDefinition,
  MAX_SEATS,
} from './definition';
export type { EventDefinitionInput, SeatInput, SectionInput } from './definition';
export { EventLayout } from './layout';
export { patchDefinition } from './event-patch';
export type { EventPatch } from './event-patch';
export {
  areaAvailability,
  createState,
  decide,
  evolve,
  getHold,
  getStaffHold,
  handle,
  holdSeatIds,
  MAX_EXTENSIONS,
  nextExpiry,
  salesStatus,
  seatCounts,
  userCount,
  userHolds,
  recallHold,
} from './event-state';
export type { EventState, HoldRecord } from './event-state';
export { drawLottery, seededRandom } from './lottery';
export type { RandomSource } from './lottery';
export { DEFAULT_ADMISSION_TTL_SECONDS, QUEUE_OFF, queueSettingsOf } from './queue-settings';
export type { QueueClosedReason, QueueMode, QueueSettings } from './queue-settings';
export { WaitingRoom } from './waiting-room';
export type { Admission, JoinOutcome, QueuePlace, QueueStep, QueueSupply, RoomSnapshot } from './waiting-room';
export type { RoomChange, RoomChangeBody, RoomStatus } from './room-changes';
export type { HeldGoods, OrderPricing, PricedItem, TierChoice } from './pricing';
export { priceOrder } from './pricing';
