// Where the map's words go, worked out once from the layout: each section's name just behind its back
// row (on its axis, so it reads as the section's title from the stage), and each row's label just past
// both ends of the row, along the row's own direction (rows may be curved and turned).
import type { VenueMap } from './venue-map';

/** A label at a point of the map (map units). */
export interface MapLabel {
  text: string;
  x: number;
  y: number;
}

/** Every section and row label of a map. */
export interface VenueLabels {
  sections: MapLabel[];
  rows: MapLabel[];
}

/** Rows' labels sit this many pitches past the row's end seats; sections' this many behind the back row. */
const ROW_LABEL_OFFSET = 1.2;
const SECTION_LABEL_OFFSET = 2.2;

/** Computes the labels of `map`: from each row's end seats and the front and back rows' centres. */
export function venueLabels(map: VenueMap): VenueLabels {
  const { x, y, pitch } = map;
  const sections: MapLabel[] = [];
  const rows: MapLabel[] = [];
  for (const [section, byRow] of map.rowsBySection) {
    const rowList = [...byRow.keys()];
    if (rowList.length === 0) continue;
    for (const label of rowList) {
      const { first, last } = rowEnds(map, byRow.get(label)!);
      const [ax, ay] = unit(x[last] - x[first], y[last] - y[first], 1, 0);
      rows.push({ text: label, x: x[first] - ax * pitch * ROW_LABEL_OFFSET, y: y[first] - ay * pitch * ROW_LABEL_OFFSET });
      if (last !== first) rows.push({ text: label, x: x[last] + ax * pitch * ROW_LABEL_OFFSET, y: y[last] + ay * pitch * ROW_LABEL_OFFSET });
    }
    const front = centre(map, map.rowSeats(section, rowList[0]));
    const backSeats = map.rowSeats(section, rowList[rowList.length - 1]);
    const back = centre(map, backSeats);
    const [bx, by] = unit(back.x - front.x, back.y - front.y, 0, 1);
    const middle = backSeats[Math.floor(backSeats.length / 2)];
    sections.push({ text: section, x: x[middle] + bx * pitch * SECTION_LABEL_OFFSET, y: y[middle] + by * pitch * SECTION_LABEL_OFFSET });
  }
  return { sections, rows };
}

/** The first and last seat (lowest and highest number) of a row given as its runs in number order. */
function rowEnds(map: VenueMap, runs: readonly number[]): { first: number; last: number } {
  const starts = map.runStart;
  const lastRun = runs[runs.length - 1];
  return { first: starts[runs[0]], last: starts[lastRun] + map.body.runs[lastRun].k - 1 };
}

function centre(map: VenueMap, seats: readonly number[]): { x: number; y: number } {
  let sx = 0;
  let sy = 0;
  for (const i of seats) {
    sx += map.x[i];
    sy += map.y[i];
  }
  return { x: sx / seats.length, y: sy / seats.length };
}

/** (dx, dy) scaled to length 1, or the fallback when it has none. */
function unit(dx: number, dy: number, fx: number, fy: number): [number, number] {
  const length = Math.hypot(dx, dy);
  return length > 1e-9 ? [dx / length, dy / length] : [fx, fy];
}
