// Where the seats of a generated section sit. Without geometry a section is a flat grid placed after the
// previous one (the v1 layout). With an `origin` it is placed on the venue: the front row's centre at the
// origin, rows going back, turned by `rotation`, and with a `curve` the rows are concentric arcs around a
// point `curve` units in front of the section (the stage or the floor), as in an arena bowl.

/** The optional placement of a generated section (all lengths in seat-position units). */
export interface SectionGeometry {
  /** Centre of the front row. */
  origin?: { x: number; y: number };
  /** Degrees clockwise; 0 faces towards smaller y (rows go back towards larger y). */
  rotation?: number;
  /** Distance from the front row to the centre its rows curve around; 0 or absent: straight rows. */
  curve?: number;
  /** Distance between neighbouring seats of the front row (default 1). */
  seatPitch?: number;
  /** Distance between rows (default 1). */
  rowPitch?: number;
}

/** Coordinates are kept to hundredths: exact in JSON and run-encodable in the compact map. */
const QUANTUM = 100;

/** Rounds a coordinate to the map's quantum (hundredths); never -0, which JSON would not keep. */
export function quantize(value: number): number {
  return Math.round(value * QUANTUM) / QUANTUM + 0;
}

/**
 * Calls `place(row, number, x, y)` for every seat (rows and numbers from 1) of a section placed by
 * `geometry` with its origin set. Seats of one row are spread symmetrically about the section's axis;
 * on a curve they keep the front row's angle between them, so the section widens towards the back like a
 * bowl's wedge.
 */
export function placeSection(
  geometry: SectionGeometry & { origin: { x: number; y: number } },
  rows: number,
  seatsPerRow: number,
  place: (row: number, number: number, x: number, y: number) => void,
): void {
  const seatPitch = geometry.seatPitch ?? 1;
  const rowPitch = geometry.rowPitch ?? 1;
  const curve = geometry.curve ?? 0;
  const turn = ((geometry.rotation ?? 0) * Math.PI) / 180;
  const cos = Math.cos(turn);
  const sin = Math.sin(turn);
  const middle = (seatsPerRow - 1) / 2;
  for (let row = 1; row <= rows; row++) {
    const back = (row - 1) * rowPitch;
    for (let number = 1; number <= seatsPerRow; number++) {
      const across = (number - 1 - middle) * seatPitch;
      let lx: number;
      let ly: number;
      if (curve > 0) {
        const angle = across / curve;
        const radius = curve + back;
        lx = radius * Math.sin(angle);
        ly = radius * Math.cos(angle) - curve;
      } else {
        lx = across;
        ly = back;
      }
      place(row, number, quantize(geometry.origin.x + lx * cos - ly * sin), quantize(geometry.origin.y + lx * sin + ly * cos));
    }
  }
}
