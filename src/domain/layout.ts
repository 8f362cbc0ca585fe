// The static side of an event, built once per actor: everything the hot path looks up per seat sits in
// typed arrays indexed by seat index, and the rows best-available walks are precomputed front-first.
import { SeatTable } from './seat-table';
import type { EventDefinition, EventHeader } from './types';
import type { EventRestore } from './event-restore';
/** Seat-indexed, row-ranked view of an EventDefinition; immutable after construction. */
export class EventLayout {
  /** The definition this layout was built from, without its seats (see `seats`). */
  readonly definition: EventHeader;
  /** Number of seats; seat indexes are 0 … seatCount − 1. */
  readonly seatCount: number;
  /** Category index (into `definition.categories`) per seat. */
  readonly seatCategory: Uint16Array;
  /** Price of each seat, from its category. */
  readonly seatPrice: Int32Array;
  /** Section index (into `sectionIds`) per seat. */
  readonly seatSection: Uint32Array;
  /** 1 when the seat is accessible. */
  readonly seatAccessible: Uint8Array;
  /** 1 when the seat is a companion seat (beside an accessible one). */
  readonly seatCompanion: Uint8Array;
  /** Position of each seat in `rowSeats` (its neighbours in the row are at ± 1). */
  readonly seatPosition: Int32Array;
  /** x coordinate per seat (for the centre of a row). */
  readonly seatX: Float64Array;
  /** Rank of the seat's row (index into `rowStart`). */
  readonly seatRow: Int32Array;
  /** Distinct section ids in order of first appearance. */
  readonly sectionIds: readonly string[];
  /** Number of rows (distinct (section, row) pairs). */
  readonly rowCount: number;
  /** Row r's seats are `rowSeats[rowStart[r] … rowStart[r + 1] − 1]`; rows are ranked front first. */
  readonly rowStart: Int32Array;
  /** Seat indexes of all rows, each row sorted by seat number. */
  readonly rowSeats: Int32Array;
  /** Section index of each row. */
  readonly rowSection: Uint32Array;
  /** Centre x of each row: midway between its outermost seats. */
  readonly rowCentre: Float64Array;
  /** Capacity per area index. */
  readonly areaCapacity: Int32Array;
  /** Price of one place per area index. */
  readonly areaPrice: Int32Array;
  /** Hold lifetime in ms. */
  readonly holdTtlMs: number;
  /** Seats plus area places one user may hold or have bought. */
  readonly maxSeatsPerUser: number;
  /** Epoch ms before which sales are closed, if set. */
  readonly salesOpenAt: number | undefined;
  /** Epoch ms after which sales are closed, if set. */
  readonly salesCloseAt: number | undefined;
  /** Manual holds and partial releases may not leave a single free seat (`orphans: "block"`). */
  readonly blockOrphans: boolean;
  /** Epoch ms until which accessible and companion seats are held back for those who ask; −∞ when never. */
  readonly holdBackUntil: number;

  /** The seats, as columns. */
  readonly seats: SeatTable;
  private readonly categoryIndexes = new Map<string, number>();
  private readonly sectionIndexes = new Map<string, number>();
  private readonly areaIndexes = new Map<string, number>();

  /** The layout of a whole definition (tests, event creation); the store builds from a SeatTable. */
  static fromDefinition(definition: EventDefinition): EventLayout {
    return new EventLayout(definition, SeatTable.fromSeats(definition.seats, definition.categories));
  }

  /** Builds the per-seat arrays in a few passes over the table's columns; nothing is allocated per seat. */
  constructor(definition: EventHeader, seats: SeatTable) {
    this.definition = definition;
    this.seats = seats;
    const { categories, areas } = definition;
    const n = seats.count;
    this.seatCount = n;
    this.holdTtlMs = definition.holdTtlSeconds * 1000;
    this.maxSeatsPerUser = definition.maxSeatsPerUser;
    this.salesOpenAt = parseTime(definition.salesOpenAt);
    this.salesCloseAt = parseTime(definition.salesCloseAt);
    this.blockOrphans = definition.orphans === 'block';
    this.holdBackUntil = holdBackEnd(definition);

    categories.forEach((c, i) => this.categoryIndexes.set(c.id, i));
    areas.forEach((a, i) => this.areaIndexes.set(a.id, i));
    this.areaCapacity = Int32Array.from(areas, (a) => a.capacity);
    this.areaPrice = Int32Array.from(areas, (a) => categories[this.mustCategory(a.category)].price);
    this.sectionIds = seats.sectionIds;
    seats.sectionIds.forEach((id, i) => this.sectionIndexes.set(id, i));

    const prices = Int32Array.from(categories, (c) => c.price);
    this.seatCategory = seats.category;
    this.seatAccessible = seats.accessible;
    this.seatCompanion = seats.companion;
    this.seatX = seats.x;
    this.seatPrice = new Int32Array(n);
    this.seatSection = new Uint32Array(n);
    this.seatPosition = new Int32Array(n);
    this.seatRow = new Int32Array(n);
    const rows = seats.rowCount;
    // Per row (table order): its front and its seats, counted then placed (a counting sort). Front is
    // nearest the stage when the map has one (seats all around it), else the smallest y.
    const stage = definition.stage;
    const frontY = new Float64Array(rows).fill(Infinity);
    const members = new Int32Array(rows + 1);
    for (let i = 0; i < n; i++) {
      const category = seats.category[i];
      if (category >= categories.length) throw new Error(`seat ${i} has category ${category} of ${categories.length}`);
      this.seatPrice[i] = prices[category];
      const row = seats.seatRow[i];
      this.seatSection[i] = seats.rowSection[row];
      const front = stage ? Math.hypot(seats.x[i] - stage.x, seats.y[i] - stage.y) : seats.y[i];
      if (front < frontY[row]) frontY[row] = front;
      members[row + 1]++;
    }

    // Rows front first; equal fronts keep table order (first appearance in the definition).
    const ranked = new Int32Array(rows);
    for (let r = 0; r < rows; r++) ranked[r] = r;
    ranked.sort((a, b) => frontY[a] - frontY[b] || a - b);
    this.rowCount = rows;
    this.rowStart = new Int32Array(rows + 1);
    this.rowSection = new Uint32Array(rows);
    this.rowCentre = new Float64Array(rows);
    const rankOf = new Int32Array(rows);
    for (let rank = 0; rank < rows; rank++) {
      const row = ranked[rank];
      rankOf[row] = rank;
      this.rowStart[rank + 1] = this.rowStart[rank] + members[row + 1];
      this.rowSection[rank] = seats.rowSection[row];
    }
    this.rowSeats = new Int32Array(n);
    const fill = this.rowStart.slice(0, rows);
    for (let i = 0; i < n; i++) {
      const rank = rankOf[seats.seatRow[i]];
      this.seatRow[i] = rank;
      this.rowSeats[fill[rank]++] = i;
    }
    // Each row by seat number, ties in definition order; most rows come sorted already.
    const number = seats.number;
    const byNumber = (a: number, b: number): number => number[a] - number[b] || a - b;
    for (let rank = 0; rank < rows; rank++) {
      const from = this.rowStart[rank];
      const to = this.rowStart[rank + 1];
      let sorted = true;
      for (let k = from + 1; k < to && sorted; k++) sorted = byNumber(this.rowSeats[k - 1], this.rowSeats[k]) < 0;
      if (!sorted) this.rowSeats.subarray(from, to).sort(byNumber);
      let minX = Infinity;
      let maxX = -Infinity;
      for (let k = from; k < to; k++) {
        const seat = this.rowSeats[k];
        this.seatPosition[seat] = k;
        const x = seats.x[seat];
        if (x < minX) minX = x;
        if (x > maxX) maxX = x;
      }
      this.rowCentre[rank] = (minX + maxX) / 2;
    }
  }

  /** Index of a seat id, or −1 when the event has no such seat. */
  seatIndex(id: string): number {
    return this.seats.indexOf(id);
  }

  /** Id of the seat at `index`. */
  seatId(index: number): string {
    return this.seats.id(index);
  }

  /** Index of a category id, or −1. */
  categoryIndex(id: string): number {
    return this.categoryIndexes.get(id) ?? -1;
  }

  /** Index of a section id, or −1. */
  sectionIndex(id: string): number {
    return this.sectionIndexes.get(id) ?? -1;
  }

  /** Index of an area id, or −1. */
  areaIndex(id: string): number {
    return this.areaIndexes.get(id) ?? -1;
  }

  /** Number of general-admission areas; area indexes are 0 … areaCount − 1. */
  get areaCount(): number {
    return this.areaCapacity.length;
  }

  private mustCategory(id: string): number {
    const index = this.categoryIndexes.get(id);
    // expandDefinition rejects unknown categories; a stored definition that has one is corrupt.
    if (index === undefined) throw new Error(`unknown category '${id}'`);
    return index;
  }
}

/** The layout of a restore: from its seat table, or from its definition's seats. */
export function layoutOf(restore: EventRestore): EventLayout {
  if (restore.seats) return new EventLayout(restore.definition, restore.seats);
  if (!('seats' in restore.definition)) throw new Error(`event ${restore.definition.id} restored without seats`);
  return EventLayout.fromDefinition(restore.definition);
}

function parseTime(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/** When the accessible hold-back ends (epoch ms); −∞ when the event has none or its time does not parse. */
function holdBackEnd(definition: EventHeader): number {
  const holdBack = definition.accessibleHoldBack;
  if (holdBack === undefined) return -Infinity;
  if ('until' in holdBack) return parseTime(holdBack.until) ?? -Infinity;
  const start = parseTime(definition.startsAt);
  return start === undefined ? -Infinity : start - holdBack.hoursBeforeStart * 3_600_000;
}
