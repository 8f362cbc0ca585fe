// The event's layout as `GET /api/events/:id/map` sends it: the v1 form (one object per seat) and the
// compact form (`?form=compact`): seats as runs of one row, their positions as integer hundredths with
// first and second differences, so a row of a straight or curved section is a few numbers. The compact
// form expands to exactly the v1 seat list (same order, ids, labels and coordinates). docs/protocol.md
// describes both.

/** A seat of the map; its position in `seats` is its index. */
export interface MapSeat {
  id: string;
  section: string;
  row: string;
  number: number;
  x: number;
  y: number;
  category: string;
  accessible: boolean;
  /** A companion seat beside an accessible one (v1.1; present only when true). */
  companion?: true;
}

/** A rectangle on the map centred at (x, y). */
export interface MapShape {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A price category as the map lists it. */
export interface MapCategory {
  id: string;
  name: string;
  price: number;
  /** The prices a buyer may choose instead (v1.1, price tiers; absent: the category's price only). */
  tiers?: { id: string; name: string; price: number; maxPerOrder?: number }[];
}

/** A general-admission area; `shape` says where it is drawn. */
export interface MapArea {
  id: string;
  name: string;
  capacity: number;
  category: string;
  shape?: MapShape;
}

/** The stage, if the venue has one. */
export interface MapStage extends MapShape {
  label?: string;
}

/** The v1 map body. */
export interface MapBody {
  id: string;
  categories: MapCategory[];
  seats: MapSeat[];
  areas: MapArea[];
  stage?: MapStage;
}

/**
 * A run of seats that follow each other in `seats`: one section, row, category and accessibility,
 * numbers `n`, `n + 1`, … and ids `"<section>-<row>-<number>"` (or one seat with its own `id`).
 * Positions: with `scale`, `x` and `y` are `[q0, d1, e2, e3, …]` in 1/scale units, seat k at
 * `q0 + d1 + … + dk` where `dk = d(k−1) + ek` (missing trailing values are 0, so a straight row is
 * `[q0, d1]`); without `scale`, `x` and `y` list every seat's coordinate.
 */
export interface MapRun {
  /** Section. */
  s: string;
  /** Row label. */
  r: string;
  /** Category index into `categories`. */
  c: number;
  /** 1 when the seats are accessible (absent: not). */
  a?: 1;
  /** 1 when the seats are companion seats (absent: not). */
  m?: 1;
  /** First seat number. */
  n: number;
  /** Number of seats. */
  k: number;
  x: number[];
  y: number[];
  /** The seat's id when it does not follow `"<section>-<row>-<number>"` (then `k` is 1). */
  id?: string;
}

/** The compact map body. */
export interface CompactMapBody {
  id: string;
  form: 'compact';
  categories: MapCategory[];
  areas: MapArea[];
  stage?: MapStage;
  /** Number of seats: the sum of the runs' `k`. */
  seatCount: number;
  /** Coordinates are integers in 1/scale units; 0 when some are not (then runs list raw coordinates). */
  scale: number;
  runs: MapRun[];
}

/** Hundredths: what generated sections are rounded to (src/domain/section-geometry.ts). */
const SCALE = 100;

/** Encodes a v1 map body compactly. */
export function compactMap(body: MapBody): CompactMapBody {
  const categoryIndex = new Map(body.categories.map((c, i) => [c.id, i]));
  const seats = body.seats;
  const quantized = seats.every((s) => Math.round(s.x * SCALE) / SCALE === s.x && Math.round(s.y * SCALE) / SCALE === s.y);
  const scale = quantized ? SCALE : 0;
  const runs: MapRun[] = [];
  let i = 0;
  while (i < seats.length) {
    const first = seats[i];
    const patterned = first.id === `${first.section}-${first.row}-${first.number}`;
    let end = i + 1;
    if (patterned) {
      while (end < seats.length && continues(seats[end - 1], seats[end])) end++;
    }
    const run: MapRun = {
      s: first.section,
      r: first.row,
      c: categoryIndex.get(first.category) ?? 0,
      n: first.number,
      k: end - i,
      x: positions(seats, i, end, scale, 'x'),
      y: positions(seats, i, end, scale, 'y'),
    };
    if (first.accessible) run.a = 1;
    if (first.companion) run.m = 1;
    if (!patterned) run.id = first.id;
    runs.push(run);
    i = end;
  }
  const compact: CompactMapBody = { id: body.id, form: 'compact', categories: body.categories, areas: body.areas, seatCount: seats.length, scale, runs };
  if (body.stage) compact.stage = body.stage;
  return compact;
}

/** Whether `next` extends the run that `previous` ends. */
function continues(previous: MapSeat, next: MapSeat): boolean {
  return (
    next.section === previous.section &&
    next.row === previous.row &&
    next.category === previous.category &&
    next.accessible === previous.accessible &&
    next.companion === previous.companion &&
    next.number === previous.number + 1 &&
    next.id === `${next.section}-${next.row}-${next.number}`
  );
}

function positions(seats: readonly MapSeat[], from: number, to: number, scale: number, axis: 'x' | 'y'): number[] {
  if (scale === 0) return seats.slice(from, to).map((s) => s[axis]);
  const out: number[] = [];
  let previous = 0;
  let delta = 0;
  for (let i = from; i < to; i++) {
    const q = Math.round(seats[i][axis] * scale);
    if (i === from) out.push(q);
    else if (i === from + 1) out.push((delta = q - previous));
    else {
      out.push(q - previous - delta);
      delta = q - previous;
    }
    previous = q;
  }
  let length = out.length;
  while (length > 1 && out[length - 1] === 0) length--;
  out.length = length;
  return out;
}

/**
 * Writes one axis of a run's positions (its `x` or `y`, `count` seats) to `out` from `offset`, in map
 * units: raw coordinates when `scale` is 0, else the running sums of first and second differences.
 */
export function decodeRunAxis(values: readonly number[], count: number, scale: number, out: Float64Array, offset: number): void {
  if (scale === 0) {
    for (let k = 0; k < count; k++) out[offset + k] = values[k];
    return;
  }
  const length = values.length;
  let q = values[0];
  let d = length > 1 ? values[1] : 0;
  out[offset] = q / scale;
  for (let k = 1; k < count; k++) {
    if (k >= 2 && k < length) d += values[k];
    q += d;
    out[offset + k] = q / scale;
  }
}

/** Calls `visit` for each seat of a compact body in index order, without building seat objects. */
export function forEachCompactSeat(
  body: CompactMapBody,
  visit: (index: number, run: MapRun, number: number, x: number, y: number) => void,
): void {
  let xs = new Float64Array(0);
  let ys = xs;
  let index = 0;
  for (const run of body.runs) {
    if (xs.length < run.k) {
      xs = new Float64Array(run.k);
      ys = new Float64Array(run.k);
    }
    decodeRunAxis(run.x, run.k, body.scale, xs, 0);
    decodeRunAxis(run.y, run.k, body.scale, ys, 0);
    for (let k = 0; k < run.k; k++) visit(index++, run, run.n + k, xs[k], ys[k]);
  }
}

/** The v1 seat list of a compact body. */
export function expandCompactMap(body: CompactMapBody): MapBody {
  const seats: MapSeat[] = new Array<MapSeat>(body.seatCount);
  forEachCompactSeat(body, (index, run, number, x, y) => {
    seats[index] = {
      id: run.id ?? `${run.s}-${run.r}-${number}`,
      section: run.s,
      row: run.r,
      number,
      x,
      y,
      category: body.categories[run.c]?.id ?? '',
      accessible: run.a === 1,
      ...(run.m === 1 && { companion: true as const }),
    };
  });
  const expanded: MapBody = { id: body.id, categories: body.categories, seats, areas: body.areas };
  if (body.stage) expanded.stage = body.stage;
  return expanded;
}
