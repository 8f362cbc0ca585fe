// Everything on the seat map that is not a seat's colour: the stage, standing areas as shapes with their
// places left, section and row labels, wheelchair marks and seat numbers. Detail follows the zoom: the
// venue's shape and section names always, row labels once rows are apart enough to read, seat numbers
// and marks once a seat is big enough to hold them.
import type { MapArea } from './venue-map';
import type { VenueMap } from './venue-map';
import type { MapLabel, VenueLabels } from './venue-labels';
import { venueLabels } from './venue-labels';
import { grouped } from './dom';

/** The visible part of the map: screen = (map − origin) × scale, in CSS px. */
export interface MapView {
  originX: number;
  originY: number;
  scale: number;
  width: number;
  height: number;
}

/** What the painter asks of the page. */
export interface VenuePainterHost {
  /** Places left in an area, if known. */
  areaAvailable(areaId: string): number | undefined;
  /** The colour of an area's category. */
  areaColour(area: MapArea): string;
}

/** Seat sizes (CSS px) from which each detail appears. */
const ROW_LABELS_FROM_PX = 13;
const SEAT_MARKS_FROM_PX = 6;
const SEAT_NUMBERS_FROM_PX = 16;
const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
const INK = '#202124';
const MUTED = '#5f6368';
const STAGE = '#3c4043';

/** Draws the venue around and on the seats. */
export class VenuePainter {
  private readonly labels: VenueLabels;

  constructor(
    private readonly map: VenueMap,
    private readonly host: VenuePainterHost,
  ) {
    this.labels = venueLabels(map);
  }

  /** Before the seats: the stage and standing areas. */
  under(ctx: CanvasRenderingContext2D, view: MapView): void {
    const { stage, areas } = this.map.body;
    for (const area of areas) if (area.shape) this.drawArea(ctx, view, area);
    if (stage) {
      const r = screenRect(view, stage);
      ctx.fillStyle = STAGE;
      roundRect(ctx, r.x, r.y, r.w, r.h, Math.min(r.w, r.h) * 0.12);
      ctx.fill();
      const size = clamp(Math.min(r.h * 0.45, r.w / 6), 9, 40);
      text(ctx, (stage.label ?? 'Stage').toUpperCase(), r.x + r.w / 2, r.y + r.h / 2, `600 ${size}px ${FONT}`, '#ffffff', null);
    }
  }

  /** After the seats: section names always, row labels when rows are apart enough to read. */
  over(ctx: CanvasRenderingContext2D, view: MapView): void {
    const seatPx = this.map.pitch * view.scale;
    if (seatPx >= ROW_LABELS_FROM_PX) {
      const font = `${clamp(seatPx * 0.55, 8, 14)}px ${FONT}`;
      for (const label of this.labels.rows) this.label(ctx, view, label, font, MUTED);
    }
    const sectionFont = `700 ${clamp(seatPx * 1.6, 13, 22)}px ${FONT}`;
    for (const label of this.labels.sections) this.label(ctx, view, label, sectionFont, INK);
  }

  /** Whether seats are drawn large enough for `seat` to add anything. */
  seatDetail(seatSize: number): boolean {
    return seatSize >= SEAT_MARKS_FROM_PX;
  }

  /** On one seat (centre sx, sy; side `size` px): its wheelchair or companion mark, or its number when large. */
  seat(ctx: CanvasRenderingContext2D, index: number, sx: number, sy: number, size: number): void {
    if (this.map.accessible[index] === 1) {
      wheelchair(ctx, sx, sy, size);
      return;
    }
    if (this.map.companion[index] === 1) {
      companionMark(ctx, sx, sy, size);
      return;
    }
    if (size >= SEAT_NUMBERS_FROM_PX) {
      text(ctx, String(this.map.number(index)), sx, sy, `${Math.round(size * 0.45)}px ${FONT}`, 'rgba(255,255,255,0.92)', null);
    }
  }

  /** The standing area at a map point, or null. */
  areaAt(x: number, y: number): MapArea | null {
    for (const area of this.map.body.areas) {
      const s = area.shape;
      if (s && Math.abs(x - s.x) <= s.width / 2 && Math.abs(y - s.y) <= s.height / 2) return area;
    }
    return null;
  }

  private drawArea(ctx: CanvasRenderingContext2D, view: MapView, area: MapArea): void {
    const shape = area.shape!;
    const r = screenRect(view, shape);
    const colour = this.host.areaColour(area);
    ctx.fillStyle = colour;
    ctx.globalAlpha = 0.16;
    roundRect(ctx, r.x, r.y, r.w, r.h, Math.min(r.w, r.h) * 0.06);
    ctx.fill();
    ctx.globalAlpha = 1;
    ctx.strokeStyle = colour;
    ctx.lineWidth = 1.5;
    ctx.setLineDash([6, 4]);
    ctx.stroke();
    ctx.setLineDash([]);
    const size = clamp(Math.min(r.w / 10, r.h / 5), 10, 22);
    const left = this.host.areaAvailable(area.id);
    const cx = r.x + r.w / 2;
    const cy = r.y + r.h / 2;
    text(ctx, area.name, cx, cy - size * 0.65, `700 ${size}px ${FONT}`, INK, null);
    const count = left === undefined ? `${grouped(area.capacity)} places` : `${grouped(left)} of ${grouped(area.capacity)} left`;
    text(ctx, count, cx, cy + size * 0.65, `${size * 0.8}px ${FONT}`, MUTED, null);
  }

  private label(ctx: CanvasRenderingContext2D, view: MapView, label: MapLabel, font: string, colour: string): void {
    const sx = (label.x - view.originX) * view.scale;
    const sy = (label.y - view.originY) * view.scale;
    if (sx < -50 || sy < -20 || sx > view.width + 50 || sy > view.height + 20) return;
    text(ctx, label.text, sx, sy, font, colour, '#ffffff');
  }
}

function screenRect(view: MapView, s: { x: number; y: number; width: number; height: number }): { x: number; y: number; w: number; h: number } {
  return {
    x: (s.x - s.width / 2 - view.originX) * view.scale,
    y: (s.y - s.height / 2 - view.originY) * view.scale,
    w: s.width * view.scale,
    h: s.height * view.scale,
  };
}

function text(ctx: CanvasRenderingContext2D, value: string, x: number, y: number, font: string, fill: string, halo: string | null): void {
  ctx.font = font;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  if (halo) {
    ctx.strokeStyle = halo;
    ctx.lineWidth = 3;
    ctx.lineJoin = 'round';
    ctx.strokeText(value, x, y);
  }
  ctx.fillStyle = fill;
  ctx.fillText(value, x, y);
}

function roundRect(ctx: CanvasRenderingContext2D, x: number, y: number, w: number, h: number, r: number): void {
  ctx.beginPath();
  ctx.roundRect(x, y, w, h, r);
}

/** The international symbol of access, in white on the seat: head, back and seat, and the wheel. */
function wheelchair(ctx: CanvasRenderingContext2D, x: number, y: number, size: number): void {
  const u = size / 10;
  ctx.strokeStyle = '#ffffff';
  ctx.fillStyle = '#ffffff';
  ctx.lineWidth = Math.max(1, u * 1.1);
  ctx.lineCap = 'round';
  ctx.beginPath();
  ctx.arc(x - u * 0.6, y - u * 3.3, u * 1.05, 0, Math.PI * 2);
  ctx.fill();
  ctx.beginPath();
  ctx.moveTo(x - u * 0.9, y - u * 1.6);
  ctx.lineTo(x - u * 0.6, y + u * 0.6);
  ctx.lineTo(x + u * 1.8, y + u * 0.6);
  ctx.lineTo(x + u * 2.6, y + u * 3);
  ctx.stroke();
  ctx.beginPath();
  ctx.arc(x - u * 0.7, y + u * 1.4, u * 2.3, Math.PI * 0.35, Math.PI * 1.45);
  ctx.stroke();
}

/** A companion seat: a white ring (the seat beside a wheelchair place), unlike the wheelchair figure. */
function companionMark(ctx: CanvasRenderingContext2D, x: number, y: number, size: number): void {
  ctx.strokeStyle = '#ffffff';
  ctx.lineWidth = Math.max(1, size / 8);
  ctx.beginPath();
  ctx.arc(x, y, size * 0.28, 0, Math.PI * 2);
  ctx.stroke();
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
