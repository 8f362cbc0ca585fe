// The static layout of an event in typed arrays (protocol/map-layout.ts: no object per seat), with a
// uniform spatial grid so drawing and hit testing only visit the seats near the viewport or the pointer,
// even at 100,000 seats. Built from the compact map body the page loads, or from a v1 body (compacted
// first), so every page shares one representation.
import { compactMap } from '../../../protocol/map-body';
import type { CompactMapBody, MapArea, MapBody, MapSeat } from '../../../protocol/map-body';
import { SeatLayout } from '../../../protocol/map-layout';

export type { CompactMapBody, MapArea, MapBody, MapSeat };

/** A rectangle in map units. */
export interface Bounds {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

/** Seats per grid cell on average, in each direction: small enough to skip off-screen seats cheaply. */
const CELL_SEATS = 16;

/** The layout (seat fields in typed arrays, lookups by id), indexed for drawing and hit testing. */
export class VenueMap extends SeatLayout {
  /** Distance between neighbouring seats, in map units. */
  readonly pitch: number;
  readonly bounds: Bounds;
  private readonly cellSize: number;
  private readonly columns: number;
  private readonly rows: number;
  /** Seats of cell c are cellSeats[cellStart[c] … cellStart[c + 1] − 1]. */
  private readonly cellStart: Int32Array;
  private readonly cellSeats: Int32Array;
  /** Runs per (section, row), in seat-number order (`body.runs` indexes), in the order rows first appear. */
  readonly rowsBySection = new Map<string, Map<string, number[]>>();

  /** The map of a v1 body (one object per seat): compacted, then laid out like the compact form. */
  static fromBody(body: MapBody): VenueMap {
    return new VenueMap(compactMap(body));
  }

  constructor(body: CompactMapBody) {
    super(body);
    const n = this.count;
    const { x, y } = this;
    this.indexRows();
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (let i = 0; i < n; i++) {
      const sx = x[i];
      const sy = y[i];
      if (sx < minX) minX = sx;
      if (sx > maxX) maxX = sx;
      if (sy < minY) minY = sy;
      if (sy > maxY) maxY = sy;
    }
    const bounds = { minX, minY, maxX, maxY };
    this.pitch = estimatePitch(x, y);
    // The stage and standing areas are part of the venue: fitting shows them too.
    for (const shape of [body.stage, ...body.areas.map((a) => a.shape)]) {
      if (!shape) continue;
      bounds.minX = Math.min(bounds.minX, shape.x - shape.width / 2);
      bounds.maxX = Math.max(bounds.maxX, shape.x + shape.width / 2);
      bounds.minY = Math.min(bounds.minY, shape.y - shape.height / 2);
      bounds.maxY = Math.max(bounds.maxY, shape.y + shape.height / 2);
    }
    if (!Number.isFinite(bounds.minX)) Object.assign(bounds, { minX: 0, minY: 0, maxX: 1, maxY: 1 });
    this.bounds = bounds;
    this.cellSize = this.pitch * CELL_SEATS;
    this.columns = Math.max(1, Math.ceil((bounds.maxX - bounds.minX) / this.cellSize) + 1);
    this.rows = Math.max(1, Math.ceil((bounds.maxY - bounds.minY) / this.cellSize) + 1);
    // Counting sort of seats into cells: two passes, no per-cell arrays, no call per seat.
    const { columns, rows, cellSize } = this;
    const cells = columns * rows;
    const cellOf = new Int32Array(n);
    const cellStart = new Int32Array(cells + 1);
    for (let i = 0; i < n; i++) {
      const column = Math.min(columns - 1, Math.max(0, Math.floor((x[i] - bounds.minX) / cellSize)));
      const row = Math.min(rows - 1, Math.max(0, Math.floor((y[i] - bounds.minY) / cellSize)));
      const cell = row * columns + column;
      cellOf[i] = cell;
      cellStart[cell + 1]++;
    }
    for (let c = 0; c < cells; c++) cellStart[c + 1] += cellStart[c];
    const fill = cellStart.slice(0, cells);
    const cellSeats = new Int32Array(n);
    for (let i = 0; i < n; i++) cellSeats[fill[cellOf[i]]++] = i;
    this.cellStart = cellStart;
    this.cellSeats = cellSeats;
  }

  /** The seat indexes of a row, in seat-number order (empty for an unknown row). */
  rowSeats(section: string, row: string): number[] {
    const seats: number[] = [];
    const starts = this.runStart;
    for (const r of this.rowsBySection.get(section)?.get(row) ?? []) {
      for (let k = 0; k < this.body.runs[r].k; k++) seats.push(starts[r] + k);
    }
    return seats;
  }

  /** Fills rowsBySection from the runs: one entry per run, not per seat. */
  private indexRows(): void {
    const runs = this.body.runs;
    for (let r = 0; r < runs.length; r++) {
      let section = this.rowsBySection.get(runs[r].s);
      if (!section) this.rowsBySection.set(runs[r].s, (section = new Map()));
      const row = section.get(runs[r].r);
      if (row) row.push(r);
      else section.set(runs[r].r, [r]);
    }
    for (const section of this.rowsBySection.values()) {
      for (const row of section.values()) if (row.length > 1) row.sort((a, b) => runs[a].n - runs[b].n);
    }
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

  private column(x: number): number {
    return Math.min(this.columns - 1, Math.max(0, Math.floor((x - this.bounds.minX) / this.cellSize)));
  }

  private row(y: number): number {
    return Math.min(this.rows - 1, Math.max(0, Math.floor((y - this.bounds.minY) / this.cellSize)));
  }
}

/** The typical distance between neighbouring seats: the median gap between consecutive seats of a row. */
function estimatePitch(x: Float64Array, y: Float64Array): number {
  const gaps: number[] = [];
  const step = Math.max(1, Math.floor(x.length / 2000));
  for (let i = step; i < x.length; i += step) {
    const d = Math.hypot(x[i] - x[i - 1], y[i] - y[i - 1]);
    if (d > 0) gaps.push(d);
  }
  if (gaps.length === 0) return 1;
  gaps.sort((p, q) => p - q);
  return gaps[Math.floor(gaps.length / 2)];
}
