// The public API of the pure seat core: what the actor, the gateway and the store may use.
export * from './types';
export {
  DEFAULT_HOLD_TTL_SECONDS,
  DEFAULT_MAX_SEATS_PER_USER,
  DefinitionError,
  expandDefinition,
  MAX_SEATS,
} from './definition';
export type { EventDefinitionInput, SeatInput, SectionInput } from './definition';
export { EventLayout } from './layout';
export {
  areaAvailability,
  createState,
  decide,
  evolve,
  getHold,
  handle,
  holdSeatIds,
  MAX_EXTENSIONS,
  nextExpiry,
  salesStatus,
  seatCounts,
  userCount,
} from './event-state';
export type { EventState, HoldRecord } from './event-state';
