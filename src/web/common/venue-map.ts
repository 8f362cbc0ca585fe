// The static layout of an event (`GET /api/events/:id/map`) in typed arrays, with a uniform spatial grid
// so drawing and hit testing only visit the seats near the viewport or the pointer, even at 100,000 seats.
import type { SeatDefinition } from '../../domain/types';

/** A seat as the map endpoint describes it (the definition's seat); its position in `seats` is its index. */
export type MapSeat = SeatDefinition;

/** The map endpoint's body. */
export interface MapBody {
  id: string;
  categories: Array<{ id: string; name: string; price: number }>;
  seats: MapSeat[];
  areas: Array<{ id: string; name: string; capacity: number; category: string }>;
}

/** A rectangle in map units. */
export interface Bounds {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

/** Seats per grid cell on average, in each direction: small enough to skip off-screen seats cheaply. */
const CELL_SEATS = 16;

/** The layout, indexed for drawing and lookup. */
export class VenueMap {
  readonly count: number;
  readonly x: Float32Array;
  readonly y: Float32Array;
  /** Category index per seat (into `body.categories`). */
  readonly category: Uint16Array;
  /** Distance between neighbouring seats, in map units. */
  readonly pitch: number;
  readonly bounds: Bounds;
  private readonly ids = new Map<string, number>();
  private readonly cellSize: number;
  private readonly columns: number;
  private readonly rows: number;
  /** Seats of cell c are cellSeats[cellStart[c] … cellStart[c + 1] − 1]. */
  private readonly cellStart: Int32Array;
  private readonly cellSeats: Int32Array;
  /** Seat indexes per (section, row), in seat-number order: the accessible seat list walks these. */
  readonly rowsBySection = new Map<string, Map<string, number[]>>();

  constructor(readonly body: MapBody) {
    const seats = body.seats;
    const n = seats.length;
    this.count = n;
    this.x = new Float32Array(n);
    this.y = new Float32Array(n);
    this.category = new Uint16Array(n);
    const categoryIndex = new Map(body.categories.map((c, i) => [c.id, i]));
    const bounds = { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity };
    for (let i = 0; i < n; i++) {
      const seat = seats[i];
      this.x[i] = seat.x;
      this.y[i] = seat.y;
      this.category[i] = categoryIndex.get(seat.category) ?? 0;
      this.ids.set(seat.id, i);
      bounds.minX = Math.min(bounds.minX, seat.x);
      bounds.minY = Math.min(bounds.minY, seat.y);
      bounds.maxX = Math.max(bounds.maxX, seat.x);
      bounds.maxY = Math.max(bounds.maxY, seat.y);
      let section = this.rowsBySection.get(seat.section);
      if (!section) this.rowsBySection.set(seat.section, (section = new Map()));
      let row = section.get(seat.row);
      if (!row) section.set(seat.row, (row = []));
      row.push(i);
    }
    for (const section of this.rowsBySection.values()) {
      for (const row of section.values()) row.sort((a, b) => seats[a].number - seats[b].number);
    }
    if (n === 0) Object.assign(bounds, { minX: 0, minY: 0, maxX: 1, maxY: 1 });
    this.bounds = bounds;
    this.pitch = estimatePitch(seats);
    this.cellSize = this.pitch * CELL_SEATS;
    this.columns = Math.max(1, Math.ceil((bounds.maxX - bounds.minX) / this.cellSize) + 1);
    this.rows = Math.max(1, Math.ceil((bounds.maxY - bounds.minY) / this.cellSize) + 1);
    // Counting sort of seats into cells: two passes, no per-cell arrays.
    const cells = this.columns * this.rows;
    const cellOf = new Int32Array(n);
    this.cellStart = new Int32Array(cells + 1);
    for (let i = 0; i < n; i++) {
      cellOf[i] = this.cellAt(this.x[i], this.y[i]);
      this.cellStart[cellOf[i] + 1]++;
    }
    for (let c = 0; c < cells; c++) this.cellStart[c + 1] += this.cellStart[c];
    const fill = this.cellStart.slice(0, cells);
    this.cellSeats = new Int32Array(n);
    for (let i = 0; i < n; i++) this.cellSeats[fill[cellOf[i]]++] = i;
  }

  /** The index of seat `id`, or -1. */
  indexOf(id: string): number {
    return this.ids.get(id) ?? -1;
  }

  /** The seat at `index`. */
  seat(index: number): MapSeat {
    return this.body.seats[index];
  }

  /** Calls `visit` for every seat whose cell overlaps `area` (a superset of the seats inside it). */
  forEachIn(area: Bounds, visit: (index: number) => void): void {
    const c0 = this.column(area.minX);
    const c1 = this.column(area.maxX);
    const r0 = this.row(area.minY);
    const r1 = this.row(area.maxY);
    for (let r = r0; r <= r1; r++) {
      for (let c = c0; c <= c1; c++) {
        const cell = r * this.columns + c;
        for (let k = this.cellStart[cell]; k < this.cellStart[cell + 1]; k++) visit(this.cellSeats[k]);
      }
    }
  }

  /** The seat nearest to (x, y) within half a pitch, or -1. */
  seatAt(x: number, y: number): number {
    const reach = this.pitch * 0.6;
    let best = -1;
    let bestDistance = reach * reach;
    this.forEachIn({ minX: x - reach, minY: y - reach, maxX: x + reach, maxY: y + reach }, (i) => {
      const dx = this.x[i] - x;
      const dy = this.y[i] - y;
      const d = dx * dx + dy * dy;
      if (d <= bestDistance) {
        bestDistance = d;
        best = i;
      }
    });
    return best;
  }

  private cellAt(x: number, y: number): number {
    return this.row(y) * this.columns + this.column(x);
  }

  private column(x: number): number {
    return Math.min(this.columns - 1, Math.max(0, Math.floor((x - this.bounds.minX) / this.cellSize)));
  }

  private row(y: number): number {
    return Math.min(this.rows - 1, Math.max(0, Math.floor((y - this.bounds.minY) / this.cellSize)));
  }
}

/** The typical distance between neighbouring seats: the median gap between consecutive seats of a row. */
function estimatePitch(seats: readonly MapSeat[]): number {
  const gaps: number[] = [];
  const step = Math.max(1, Math.floor(seats.length / 2000));
  for (let i = step; i < seats.length; i += step) {
    const a = seats[i - 1];
    const b = seats[i];
    const d = Math.hypot(b.x - a.x, b.y - a.y);
    if (d > 0) gaps.push(d);
  }
  if (gaps.length === 0) return 1;
  gaps.sort((p, q) => p - q);
  return gaps[Math.floor(gaps.length / 2)];
}
