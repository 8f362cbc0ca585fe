// Draws a VenueMap on a canvas with pan and zoom. Zoomed out, where seats are a few pixels, every seat is
// written into one pixel layer (src/web/common/dense-seats.ts); zoomed in, only seats in cells
// overlapping the viewport are visited, bucketed by colour so each colour is set once per frame. Status
// changes redraw just the changed seats (a dirty seat repaints its own square), at most once per
// animation frame.
import { DenseSeats, packColours } from './dense-seats';
import { frameScheduler } from './frame-scheduler';
import { MARKS } from './marks';
import { bindGestures } from './map-gestures';
import type { Bounds, VenueMap } from './venue-map';
import type { MapView } from './venue-painter';

/** How the canvas colours seats: `slotOf(index)` picks an entry of `colours`. */
export interface SeatColours {
  colours: readonly string[];
  slotOf(index: number): number;
}

/** What is drawn besides the seats' colours (src/web/common/venue-painter.ts). */
export interface SeatDecorations {
  under(ctx: CanvasRenderingContext2D, view: MapView): void;
  over(ctx: CanvasRenderingContext2D, view: MapView): void;
  /** Whether `seat` draws anything at this seat size (px). */
  seatDetail(seatSize: number): boolean;
  seat(ctx: CanvasRenderingContext2D, index: number, sx: number, sy: number, size: number): void;
}

/** Seats this many CSS px across or more are drawn round; smaller ones as squares (cheaper, same look). */
const ROUND_FROM_PX = 5;

/** Past this many changed seats in one frame a full redraw is cheaper than seat-by-seat repaints. */
const FULL_REDRAW_THRESHOLD = 4000;
/** A seat's square covers this share of the pitch, leaving a visible gap between neighbours. */
const SEAT_FILL = 0.8;
/** Frame times kept for the render bench (a ring). */
const FRAME_SAMPLES = 4096;
const BACKGROUND = '#ffffff';

/** A seat map canvas. */
export class SeatCanvas {
  private readonly ctx: CanvasRenderingContext2D;
  private scale = 1;
  private originX = 0;
  private originY = 0;
  private width = 0;
  private height = 0;
  private dpr = 1;
  private readonly schedule = frameScheduler(() => this.draw());
  private fullPending = true;
  private readonly dirty = new Set<number>();
  private buckets: number[][] = [];
  private readonly dense = new DenseSeats();
  /** The colours as ImageData words, for the dense layer. */
  private readonly packed: Uint32Array;
  /** Whether the user has panned or zoomed since the last fit. */
  private moved = false;
  /** Milliseconds spent drawing each frame (ring of FRAME_SAMPLES). */
  readonly frameTimes: number[] = [];
  /** performance.now() of first paint (see markFirstPaint), or null. */
  firstPaintAt: number | null = null;
  /** Resolves at first paint. */
  readonly painted: Promise<void>;
  private resolvePainted: () => void = () => undefined;
  /** Called with a seat index when a seat is clicked (not dragged). */
  onSeatClick: ((index: number) => void) | null = null;
  /** Called with a seat index (or -1) as the pointer moves. */
  onSeatHover: ((index: number, clientX: number, clientY: number) => void) | null = null;
  /** Called with the map point under the pointer when it is over no seat (e.g. to find a standing area). */
  onEmptyHover: ((x: number, y: number, clientX: number, clientY: number) => void) | null = null;
  /** Drawn around and on the seats, if set. */
  decorations: SeatDecorations | null = null;
  /** Called after each drawn frame. */
  onFrame: (() => void) | null = null;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly map: VenueMap,
    private readonly colours: SeatColours,
  ) {
    const ctx = canvas.getContext('2d', { alpha: false });
    if (!ctx) throw new Error('this browser cannot draw on a canvas');
    this.ctx = ctx;
    this.painted = new Promise((resolve) => (this.resolvePainted = resolve));
    this.buckets = colours.colours.map(() => []);
    this.packed = packColours(colours.colours);
    new ResizeObserver(() => this.resize()).observe(canvas);
    this.resize();
    this.bindPointer();
    this.bindKeys();
  }

  /** Redraw these seats (their status changed), or everything when no list is given. */
  invalidate(indexes?: readonly number[]): void {
    if (!indexes) this.fullPending = true;
    else for (const i of indexes) this.dirty.add(i);
    this.schedule();
  }

  /** Shows the whole map. */
  fit(): void {
    const b = this.map.bounds;
    // Room for the labels behind the outermost rows.
    const pad = this.map.pitch * 4;
    const w = b.maxX - b.minX + pad * 2;
    const h = b.maxY - b.minY + pad * 2;
    this.scale = Math.min(this.width / w, this.height / h) || 1;
    this.originX = b.minX - pad - (this.width / this.scale - w) / 2;
    this.originY = b.minY - pad - (this.height / this.scale - h) / 2;
    this.moved = false;
    this.invalidate();
  }

  /** Zooms by `factor` around a point of the canvas (CSS px; the centre by default). */
  zoomBy(factor: number, px = this.width / 2, py = this.height / 2): void {
    const wx = this.originX + px / this.scale;
    const wy = this.originY + py / this.scale;
    const maxScale = 80 / this.map.pitch;
    this.scale = Math.min(maxScale, Math.max(0.05 / this.map.pitch, this.scale * factor));
    this.originX = wx - px / this.scale;
    this.originY = wy - py / this.scale;
    this.moved = true;
    this.invalidate();
  }

  /** Moves the view by CSS pixels. */
  panBy(dx: number, dy: number): void {
    this.originX -= dx / this.scale;
    this.originY -= dy / this.scale;
    this.moved = true;
    this.invalidate();
  }

  /** Zooms so that seat `index` is centred and big enough to click. */
  focusSeat(index: number): void {
    const wanted = 24 / this.map.pitch;
    if (this.scale < wanted) this.scale = wanted;
    this.originX = this.map.x[index] - this.width / 2 / this.scale;
    this.originY = this.map.y[index] - this.height / 2 / this.scale;
    this.moved = true;
    this.invalidate();
  }

  /** Where seat `index` is on screen (client coordinates), e.g. to point at it. */
  clientPoint(index: number): { x: number; y: number } {
    const rect = this.canvas.getBoundingClientRect();
    return {
      x: rect.left + (this.map.x[index] - this.originX) * this.scale,
      y: rect.top + (this.map.y[index] - this.originY) * this.scale,
    };
  }

  private resize(): void {
    const rect = this.canvas.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    // The observer's first report repeats the size the constructor took: setting the bitmap's size again
    // would clear the drawn map and draw it twice before anyone sees it.
    if (this.width === Math.max(1, rect.width) && this.height === Math.max(1, rect.height) && this.dpr === dpr) return;
    this.dpr = dpr;
    this.width = Math.max(1, rect.width);
    this.height = Math.max(1, rect.height);
    this.canvas.width = Math.round(this.width * this.dpr);
    this.canvas.height = Math.round(this.height * this.dpr);
    // Until the user moves the view, it follows the canvas: the toolbar may wrap after the first fit.
    if (!this.moved && rect.width > 0) this.fit();
    this.invalidate();
  }

  private viewport(): Bounds {
    const margin = this.map.pitch;
    return {
      minX: this.originX - margin,
      minY: this.originY - margin,
      maxX: this.originX + this.width / this.scale + margin,
      maxY: this.originY + this.height / this.scale + margin,
    };
  }

  private draw(): void {
    const started = performance.now();
    const ctx = this.ctx;
    ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    const size = Math.max(1, this.map.pitch * this.scale * SEAT_FILL);
    const half = size / 2;
    const round = size >= ROUND_FROM_PX;
    const { x, y } = this.map;
    const { colours, slotOf } = this.colours;
    const decorations = this.decorations;
    const detail = decorations !== null && decorations.seatDetail(size);
    const view: MapView = { originX: this.originX, originY: this.originY, scale: this.scale, width: this.width, height: this.height };
    if (this.fullPending || this.dirty.size > FULL_REDRAW_THRESHOLD) {
      this.fullPending = false;
      this.dirty.clear();
      // Clear in device pixels: the bitmap is rounded up from a fractional CSS size.
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.fillStyle = BACKGROUND;
      ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
      ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
      decorations?.under(ctx, view);
      if (round) this.drawBuckets(size, detail);
      else {
        ctx.setTransform(1, 0, 0, 1, 0, 0);
        this.dense.draw(ctx, this.map, this.denseView(), DenseSeats.side(size, this.map.pitch * this.scale, this.dpr), this.packed, slotOf);
        ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
      }
      decorations?.over(ctx, view);
      if (this.firstPaintAt === null) this.markFirstPaint();
    } else if (!round) {
      // Dense: the seat's square of whole device pixels, exactly as the layer drew it.
      const side = DenseSeats.side(size, this.map.pitch * this.scale, this.dpr);
      const denseView = this.denseView();
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      for (const i of this.dirty) {
        const [px, py] = DenseSeats.corner(this.map, i, denseView, side);
        ctx.fillStyle = colours[slotOf(i)];
        ctx.fillRect(px, py, side, side);
      }
      this.dirty.clear();
    } else {
      // Each seat owns the square around it: clear it, then paint the seat in its new colour.
      const cell = Math.max(size, this.map.pitch * this.scale * 0.95);
      for (const i of this.dirty) {
        const sx = (x[i] - this.originX) * this.scale;
        const sy = (y[i] - this.originY) * this.scale;
        if (sx < -cell || sy < -cell || sx > this.width + cell || sy > this.height + cell) continue;
        ctx.fillStyle = BACKGROUND;
        ctx.fillRect(sx - cell / 2, sy - cell / 2, cell, cell);
        ctx.fillStyle = colours[slotOf(i)];
        ctx.beginPath();
        ctx.arc(sx, sy, half, 0, Math.PI * 2);
        ctx.fill();
        if (detail) decorations.seat(ctx, i, sx, sy, size);
      }
      this.dirty.clear();
    }
    const spent = performance.now() - started;
    if (this.frameTimes.length >= FRAME_SAMPLES) this.frameTimes.shift();
    this.frameTimes.push(spent);
    this.onFrame?.();
  }

  /** Round seats in the viewport, one path per colour, and their marks when large enough. */
  private drawBuckets(size: number, detail: boolean): void {
    const ctx = this.ctx;
    const half = size / 2;
    const { x, y } = this.map;
    const { colours, slotOf } = this.colours;
    const bounds = this.viewport();
    const buckets = this.buckets;
    for (const bucket of buckets) bucket.length = 0;
    this.map.forEachIn(bounds, (i) => {
      if (x[i] < bounds.minX || x[i] > bounds.maxX || y[i] < bounds.minY || y[i] > bounds.maxY) return;
      buckets[slotOf(i)]?.push(i);
    });
    for (let slot = 0; slot < buckets.length; slot++) {
      const bucket = buckets[slot];
      if (bucket.length === 0) continue;
      ctx.fillStyle = colours[slot];
      // One path per colour: thousands of arcs filled at once.
      ctx.beginPath();
      for (const i of bucket) {
        const sx = (x[i] - this.originX) * this.scale;
        const sy = (y[i] - this.originY) * this.scale;
        ctx.moveTo(sx + half, sy);
        ctx.arc(sx, sy, half, 0, Math.PI * 2);
      }
      ctx.fill();
      if (detail) for (const i of bucket) this.decorations!.seat(ctx, i, (x[i] - this.originX) * this.scale, (y[i] - this.originY) * this.scale, size);
    }
  }

  private denseView(): { originX: number; originY: number; scale: number; dpr: number } {
    return { originX: this.originX, originY: this.originY, scale: this.scale, dpr: this.dpr };
  }

  /**
   * First paint: the first full draw of the venue with its live availability (the page builds the canvas
   * only once the map and the snapshot are both in). Marked when the browser has painted that frame: a
   * message posted from the drawing frame runs after the frame's rendering, not before it.
   */
  private markFirstPaint(): void {
    this.firstPaintAt = performance.now();
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      this.firstPaintAt = performance.now();
      performance.mark(MARKS.firstPaint);
      this.resolvePainted();
    };
    channel.port2.postMessage(null);
  }

  private seatAtClient(clientX: number, clientY: number): number {
    const rect = this.canvas.getBoundingClientRect();
    const wx = this.originX + (clientX - rect.left) / this.scale;
    const wy = this.originY + (clientY - rect.top) / this.scale;
    return this.map.seatAt(wx, wy);
  }

  private bindPointer(): void {
    bindGestures(this.canvas, {
      panBy: (dx, dy) => this.panBy(dx, dy),
      zoomBy: (factor, px, py) => this.zoomBy(factor, px, py),
      click: (clientX, clientY) => {
        const index = this.seatAtClient(clientX, clientY);
        if (index >= 0) this.onSeatClick?.(index);
      },
      hover: (clientX, clientY) => {
        const index = this.seatAtClient(clientX, clientY);
        this.onSeatHover?.(index, clientX, clientY);
        if (index < 0 && this.onEmptyHover) {
          const rect = this.canvas.getBoundingClientRect();
          this.onEmptyHover(this.originX + (clientX - rect.left) / this.scale, this.originY + (clientY - rect.top) / this.scale, clientX, clientY);
        }
      },
      leave: () => this.onSeatHover?.(-1, 0, 0),
    });
  }

  private bindKeys(): void {
    const step = 60;
    this.canvas.addEventListener('keydown', (e) => {
      const actions: Record<string, () => void> = {
        ArrowLeft: () => this.panBy(step, 0),
        ArrowRight: () => this.panBy(-step, 0),
        ArrowUp: () => this.panBy(0, step),
        ArrowDown: () => this.panBy(0, -step),
        '+': () => this.zoomBy(1.25),
        '=': () => this.zoomBy(1.25),
        '-': () => this.zoomBy(0.8),
        '0': () => this.fit(),
      };
      const action = actions[e.key];
      if (!action) return;
      e.preventDefault();
      action();
    });
  }
}
