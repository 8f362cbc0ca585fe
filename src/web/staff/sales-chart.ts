// Seats sold per minute over time, from the `stats` pushes (one a second): a line chart on a canvas with
// its latest figure in the canvas's accessible name.
import { frameScheduler } from '../common/frame-scheduler';

interface Sample {
  at: number;
  seats: number;
  orders: number;
}

/** Ten minutes of one-second samples. */
const MAX_SAMPLES = 600;

/** See the file comment. */
export class SalesChart {
  private samples: Sample[] = [];
  private readonly schedule = frameScheduler(() => this.draw());

  constructor(private readonly canvas: HTMLCanvasElement) {
    new ResizeObserver(() => this.schedule()).observe(canvas);
  }

  /** Forgets every sample (another event was selected). */
  reset(): void {
    this.samples = [];
    this.schedule();
  }

  /** Adds one reading. */
  add(seatsLastMinute: number, ordersLastMinute: number, at = Date.now()): void {
    this.samples.push({ at, seats: seatsLastMinute, orders: ordersLastMinute });
    if (this.samples.length > MAX_SAMPLES) this.samples.shift();
    this.canvas.setAttribute('aria-label', `Sales: ${seatsLastMinute} seats in ${ordersLastMinute} orders over the last minute`);
    this.schedule();
  }

  private draw(): void {
    const rect = this.canvas.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    this.canvas.width = Math.max(1, Math.round(rect.width * dpr));
    this.canvas.height = Math.max(1, Math.round(rect.height * dpr));
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const w = rect.width;
    const hgt = rect.height;
    const left = 40;
    const bottom = 20;
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, w, hgt);
    const max = Math.max(5, ...this.samples.map((s) => s.seats));
    ctx.strokeStyle = '#dadce0';
    ctx.fillStyle = '#5f6368';
    ctx.font = '11px system-ui, sans-serif';
    ctx.lineWidth = 1;
    for (let i = 0; i <= 4; i++) {
      const y = 8 + ((hgt - bottom - 8) * i) / 4;
      ctx.beginPath();
      ctx.moveTo(left, y);
      ctx.lineTo(w - 4, y);
      ctx.stroke();
      ctx.fillText(String(Math.round(max * (1 - i / 4))), 4, y + 4);
    }
    ctx.fillText('last 10 minutes →', left, hgt - 4);
    if (this.samples.length < 2) return;
    const x = (i: number): number => left + ((w - left - 4) * i) / (MAX_SAMPLES - 1);
    const y = (v: number): number => 8 + (hgt - bottom - 8) * (1 - v / max);
    const offset = MAX_SAMPLES - this.samples.length;
    const line = (pick: (s: Sample) => number, colour: string): void => {
      ctx.strokeStyle = colour;
      ctx.lineWidth = 2;
      ctx.beginPath();
      this.samples.forEach((s, i) => (i === 0 ? ctx.moveTo(x(offset + i), y(pick(s))) : ctx.lineTo(x(offset + i), y(pick(s)))));
      ctx.stroke();
    };
    line((s) => s.orders, '#fbbc04');
    line((s) => s.seats, '#1a73e8');
  }
}
