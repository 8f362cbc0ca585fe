// The vocabulary of the pure seat core: definitions, holds, orders and their pricing (the commands,
// events and rejections are in commands.ts).
// Nothing here does I/O or reads the clock: time (`now`, epoch ms) and ids come in with each command.

/** Seat status codes, as sent on the wire (docs/protocol.md: 0 available, 1 held, 2 sold, 3 blocked). */
export const SeatStatus = { Available: 0, Held: 1, Sold: 2, Blocked: 3 } as const;
/** One of the four seat status codes. */
export type SeatStatusCode = (typeof SeatStatus)[keyof typeof SeatStatus];

/** A price category; prices are integers in the smallest currency unit. */
export interface Category {
  id: string;
  name: string;
  price: number;
  /** Prices the buyer may choose instead (adult, child, concession, …); see pricing.ts. */
  tiers?: PriceTier[];
}

/** One price of a category; `maxPerOrder` caps its tickets in one order. */
export interface PriceTier {
  id: string;
  name: string;
  price: number;
  maxPerOrder?: number;
}

/** One seat of the static layout; its position in `EventDefinition.seats` is its index. */
export interface SeatDefinition {
  id: string;
  section: string;
  row: string;
  number: number;
  x: number;
  y: number;
  category: string;
  accessible: boolean;
  /** A companion seat beside an accessible one (held back with it, see `accessibleHoldBack`). */
  companion?: boolean;
}

/** A rectangle on the map, centred at (`x`, `y`), in seat-position units. */
export interface MapRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The stage, drawn on the map; seats face it. */
export interface StageDefinition extends MapRect {
  /** Shown on the stage (default "Stage"). */
  label?: string;
}

/** A general-admission area: `capacity` interchangeable places of one category. */
export interface AreaDefinition {
  id: string;
  name: string;
  capacity: number;
  category: string;
  /** Where the area is drawn on the map, if anywhere. */
  shape?: MapRect;
}

/** A fully expanded event definition (sections already generated into seats). */
export interface EventDefinition {
  id: string;
  name: string;
  /** ISO 8601 start time, as given. */
  startsAt: string;
  holdTtlSeconds: number;
  maxSeatsPerUser: number;
  salesOpenAt?: string;
  salesCloseAt?: string;
  categories: Category[];
  /** Added to every ticket's price (smallest currency unit; absent: none). */
  feePerTicket?: number;
  /** ISO 4217 code the prices are in (absent: not stated). */
  currency?: string;
  seats: SeatDefinition[];
  areas: AreaDefinition[];
  /** The stage, if the map shows one. */
  stage?: StageDefinition;
  /** Set while the event is a draft: staff can look, nobody can hold (absent: published). */
  draft?: boolean;
  /** `block`: manual holds and partial releases may not leave a single free seat (default `allow`). */
  orphans?: OrphanPolicy;
  /** Until when accessible and companion seats go only to holds that ask for them. */
  accessibleHoldBack?: AccessibleHoldBack;
  /** The waiting room in front of the sale (absent: off). */
  queue?: QueueDefinition;
}

/** The waiting room of a definition, as given (times ISO 8601); see queue-settings.ts for its use. */
export interface QueueDefinition {
  mode: 'off' | 'on';
  openAt?: string;
  maxActive?: number;
  admitPerMinute?: number;
  admissionTtlSeconds: number;
}

/** Whether a manual hold or partial release may leave a single free seat in a row. */
export type OrphanPolicy = 'allow' | 'block';

/** The end of the accessible hold-back: a fixed time, or a number of hours before the event starts. */
export type AccessibleHoldBack = { until: string } | { hoursBeforeStart: number };

/** An event definition without its seats: what travels with a SeatTable (seat-table.ts). */
export type EventHeader = Omit<EventDefinition, 'seats'>;

/** Whether staff have sales open; `sold_out` and `closed` are derived for display. */
export type SalesState = 'open' | 'paused';

/**
 * Counts of seats per status (areas are counted separately). `held` counts customers' holds only;
 * seats staff hold for the house (comps, house seats) are `staffHeld`, though viewers see them held.
 */
export interface SeatCounts {
  available: number;
  held: number;
  sold: number;
  blocked: number;
  staffHeld: number;
}


// ---------------------------------------------------------------- pricing (pricing.ts computes it)

/** The tier the buyer names per seat (seat id → tier id) and per standing area (area id → tier id → places). */
export interface TierChoice {
  seats?: Record<string, string>;
  areas?: Record<string, Record<string, number>>;
}

/** Tickets of one kind in an order: one seat, or `count` places of an area, at one tier. */
export interface PricedItem {
  seatId?: string;
  areaId?: string;
  count: number;
  category: string;
  /** The tier bought, or null for the category's own price. */
  tier: string | null;
  /** Per ticket, before the fee. */
  price: number;
  /** Per ticket. */
  fee: number;
}

/** The price of an order as the server computed it. */
export interface OrderPricing {
  items: PricedItem[];
  /** The sum of the fees. */
  fees: number;
  /** Prices plus fees. */
  total: number;
  /** ISO 4217 code of the event, when it names one. */
  currency?: string;
}

/** A confirmed order as the core tracks it (for limits and cancellation). */
export interface ConfirmedOrder {
  orderId: string;
  userId: string;
  /** Seat indexes. */
  seats: number[];
  /** areaId → places. */
  areas: Record<string, number>;
  total: number;
  /** When it was committed (epoch ms), as read back from the store: the last minute's figures survive a failover. */
  confirmedAt?: number;
  /** The hold it was bought from (absent in orders made before this was kept). */
  holdId?: string;
}

/** A hold as it can be replicated and restored. */
export interface HoldSnapshot {
  holdId: string;
  userId: string;
  seats: number[];
  areas: Record<string, number>;
  createdAt: number;
  expiresAt: number;
  extensions: number;
  /** The hold keys that name this hold, as `[holdKey, fingerprint]` (absent when none). */
  keys?: [string, string][];
}

/** A staff hold (house seats, comps) as it is stored and restored: it never expires until released. */
export interface StaffHoldSnapshot {
  holdId: string;
  /** The staff member who made it. */
  userId: string;
  /** Why it was made (a comp for the band, house seats, …). */
  note: string;
  seats: number[];
  areas: Record<string, number>;
  createdAt: number;
}

/** Narrowing for best-available. */
export interface BestRequest {
  count: number;
  category?: string;
  section?: string;
  accessible?: boolean;
}
