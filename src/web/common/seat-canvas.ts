// Draws a VenueMap on a canvas with pan and zoom. Only seats in cells overlapping the viewport are
// visited; they are bucketed by colour so each colour is set once per frame; status changes redraw just
// the changed seats (a dirty seat repaints its own square), at most once per animation frame.
import { frameScheduler } from './frame-scheduler';
import type { Bounds, VenueMap } from './venue-map';

/** How the canvas colours seats: `slotOf(index)` picks an entry of `colours`. */
export interface SeatColours {
  colours: readonly string[];
  slotOf(index: number): number;
}

/** Past this many changed seats in one frame a full redraw is cheaper than seat-by-seat repaints. */
const FULL_REDRAW_THRESHOLD = 4000;
/** A seat's square covers this share of the pitch, leaving a visible gap between neighbours. */
const SEAT_FILL = 0.8;
/** Pointer movement below this many CSS px is a click, not a drag. */
const CLICK_SLOP_PX = 4;
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
  private fitted = false;
  /** Milliseconds spent drawing each frame (ring of FRAME_SAMPLES). */
  readonly frameTimes: number[] = [];
  /** performance.now() when the first full map was drawn, or null. */
  firstPaintAt: number | null = null;
  /** Called with a seat index when a seat is clicked (not dragged). */
  onSeatClick: ((index: number) => void) | null = null;
  /** Called with a seat index (or -1) as the pointer moves. */
  onSeatHover: ((index: number, clientX: number, clientY: number) => void) | null = null;
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
    this.buckets = colours.colours.map(() => []);
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
    const pad = this.map.pitch * 2;
    const w = b.maxX - b.minX + pad * 2;
    const h = b.maxY - b.minY + pad * 2;
    this.scale = Math.min(this.width / w, this.height / h) || 1;
    this.originX = b.minX - pad - (this.width / this.scale - w) / 2;
    this.originY = b.minY - pad - (this.height / this.scale - h) / 2;
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
    this.invalidate();
  }

  /** Moves the view by CSS pixels. */
  panBy(dx: number, dy: number): void {
    this.originX -= dx / this.scale;
    this.originY -= dy / this.scale;
    this.invalidate();
  }

  /** Zooms so that seat `index` is centred and big enough to click. */
  focusSeat(index: number): void {
    const wanted = 24 / this.map.pitch;
    if (this.scale < wanted) this.scale = wanted;
    this.originX = this.map.x[index] - this.width / 2 / this.scale;
    this.originY = this.map.y[index] - this.height / 2 / this.scale;
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
    this.dpr = window.devicePixelRatio || 1;
    this.width = Math.max(1, rect.width);
    this.height = Math.max(1, rect.height);
    this.canvas.width = Math.round(this.width * this.dpr);
    this.canvas.height = Math.round(this.height * this.dpr);
    if (!this.fitted && rect.width > 0) {
      this.fitted = true;
      this.fit();
    }
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
    const { x, y } = this.map;
    const { colours, slotOf } = this.colours;
    if (this.fullPending || this.dirty.size > FULL_REDRAW_THRESHOLD) {
      this.fullPending = false;
      this.dirty.clear();
      // Clear in device pixels: the bitmap is rounded up from a fractional CSS size.
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.fillStyle = BACKGROUND;
      ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
      ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
      const view = this.viewport();
      const buckets = this.buckets;
      for (const bucket of buckets) bucket.length = 0;
      this.map.forEachIn(view, (i) => {
        if (x[i] < view.minX || x[i] > view.maxX || y[i] < view.minY || y[i] > view.maxY) return;
        buckets[slotOf(i)]?.push(i);
      });
      for (let slot = 0; slot < buckets.length; slot++) {
        const bucket = buckets[slot];
        if (bucket.length === 0) continue;
        ctx.fillStyle = colours[slot];
        for (const i of bucket) {
          ctx.fillRect((x[i] - this.originX) * this.scale - half, (y[i] - this.originY) * this.scale - half, size, size);
        }
      }
      if (this.firstPaintAt === null && this.map.count > 0) {
        this.firstPaintAt = performance.now();
        performance.mark('aisle-map-first-paint');
      }
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
        ctx.fillRect(sx - half, sy - half, size, size);
      }
      this.dirty.clear();
    }
    const spent = performance.now() - started;
    if (this.frameTimes.length >= FRAME_SAMPLES) this.frameTimes.shift();
    this.frameTimes.push(spent);
    this.onFrame?.();
  }

  private seatAtClient(clientX: number, clientY: number): number {
    const rect = this.canvas.getBoundingClientRect();
    const wx = this.originX + (clientX - rect.left) / this.scale;
    const wy = this.originY + (clientY - rect.top) / this.scale;
    return this.map.seatAt(wx, wy);
  }

  private bindPointer(): void {
    const canvas = this.canvas;
    let drag: { x: number; y: number; moved: boolean; id: number } | null = null;
    canvas.addEventListener('pointerdown', (e) => {
      drag = { x: e.clientX, y: e.clientY, moved: false, id: e.pointerId };
      canvas.setPointerCapture(e.pointerId);
    });
    canvas.addEventListener('pointermove', (e) => {
      if (drag && drag.id === e.pointerId) {
        const dx = e.clientX - drag.x;
        const dy = e.clientY - drag.y;
        if (drag.moved || Math.abs(dx) + Math.abs(dy) > CLICK_SLOP_PX) {
          drag.moved = true;
          drag.x = e.clientX;
          drag.y = e.clientY;
          this.panBy(dx, dy);
        }
        return;
      }
      this.onSeatHover?.(this.seatAtClient(e.clientX, e.clientY), e.clientX, e.clientY);
    });
    canvas.addEventListener('pointerup', (e) => {
      const wasClick = drag !== null && !drag.moved;
      drag = null;
      if (!wasClick) return;
      const index = this.seatAtClient(e.clientX, e.clientY);
      if (index >= 0) this.onSeatClick?.(index);
    });
    canvas.addEventListener('pointerleave', () => this.onSeatHover?.(-1, 0, 0));
    canvas.addEventListener(
      'wheel',
      (e) => {
        e.preventDefault();
        const rect = canvas.getBoundingClientRect();
        this.zoomBy(Math.exp(-e.deltaY * 0.0015), e.clientX - rect.left, e.clientY - rect.top);
      },
      { passive: false },
    );
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
