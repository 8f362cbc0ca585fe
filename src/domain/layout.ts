// The static side of an event, built once per actor: everything the hot path looks up per seat sits in
// typed arrays indexed by seat index, and the rows best-available walks are precomputed front-first.
import type { EventDefinition } from './types';

/** Seat-indexed, row-ranked view of an EventDefinition; immutable after construction. */
export class EventLayout {
  /** The definition this layout was built from. */
  readonly definition: EventDefinition;
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

  private readonly seatIndexes = new Map<string, number>();
  private readonly categoryIndexes = new Map<string, number>();
  private readonly sectionIndexes = new Map<string, number>();
  private readonly areaIndexes = new Map<string, number>();

  constructor(definition: EventDefinition) {
    this.definition = definition;
    const { seats, categories, areas } = definition;
    const n = seats.length;
    this.seatCount = n;
    this.holdTtlMs = definition.holdTtlSeconds * 1000;
    this.maxSeatsPerUser = definition.maxSeatsPerUser;
    this.salesOpenAt = parseTime(definition.salesOpenAt);
    this.salesCloseAt = parseTime(definition.salesCloseAt);

    categories.forEach((c, i) => this.categoryIndexes.set(c.id, i));
    areas.forEach((a, i) => this.areaIndexes.set(a.id, i));
    this.areaCapacity = Int32Array.from(areas, (a) => a.capacity);
    this.areaPrice = Int32Array.from(areas, (a) => categories[this.mustCategory(a.category)].price);

    this.seatCategory = new Uint16Array(n);
    this.seatPrice = new Int32Array(n);
    this.seatSection = new Uint32Array(n);
    this.seatAccessible = new Uint8Array(n);
    this.seatX = new Float64Array(n);
    this.seatRow = new Int32Array(n);
    const sectionIds: string[] = [];
    // Rows in order of first appearance, so equal front positions keep definition order.
    const rowByKey = new Map<string, number>();
    const rowMembers: number[][] = [];
    const rowFrontY: number[] = [];
    const rowSectionOf: number[] = [];

    for (let i = 0; i < n; i++) {
      const seat = seats[i];
      if (this.seatIndexes.has(seat.id)) throw new Error(`duplicate seat id '${seat.id}'`);
      this.seatIndexes.set(seat.id, i);
      const category = this.mustCategory(seat.category);
      this.seatCategory[i] = category;
      this.seatPrice[i] = categories[category].price;
      let section = this.sectionIndexes.get(seat.section);
      if (section === undefined) {
        section = sectionIds.length;
        sectionIds.push(seat.section);
        this.sectionIndexes.set(seat.section, section);
      }
      this.seatSection[i] = section;
      this.seatAccessible[i] = seat.accessible ? 1 : 0;
      this.seatX[i] = seat.x;
      const key = `${section}\u0000${seat.row}`;
      let row = rowByKey.get(key);
      if (row === undefined) {
        row = rowMembers.length;
        rowByKey.set(key, row);
        rowMembers.push([]);
        rowFrontY.push(seat.y);
        rowSectionOf.push(section);
      }
      rowMembers[row].push(i);
      if (seat.y < rowFrontY[row]) rowFrontY[row] = seat.y;
    }
    this.sectionIds = sectionIds;

    // Array.prototype.sort is stable, so ties keep definition order.
    const ranked = rowMembers.map((_, r) => r).sort((a, b) => rowFrontY[a] - rowFrontY[b]);
    this.rowCount = ranked.length;
    this.rowStart = new Int32Array(ranked.length + 1);
    this.rowSeats = new Int32Array(n);
    this.rowSection = new Uint32Array(ranked.length);
    this.rowCentre = new Float64Array(ranked.length);
    let at = 0;
    ranked.forEach((original, rank) => {
      const members = rowMembers[original].sort((a, b) => seats[a].number - seats[b].number);
      this.rowStart[rank] = at;
      this.rowSection[rank] = rowSectionOf[original];
      let minX = Infinity;
      let maxX = -Infinity;
      for (const seat of members) {
        this.rowSeats[at++] = seat;
        this.seatRow[seat] = rank;
        minX = Math.min(minX, seats[seat].x);
        maxX = Math.max(maxX, seats[seat].x);
      }
      this.rowCentre[rank] = (minX + maxX) / 2;
    });
    this.rowStart[ranked.length] = at;
  }

  /** Index of a seat id, or −1 when the event has no such seat. */
  seatIndex(id: string): number {
    return this.seatIndexes.get(id) ?? -1;
  }

  /** Id of the seat at `index`. */
  seatId(index: number): string {
    return this.definition.seats[index].id;
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

function parseTime(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}
