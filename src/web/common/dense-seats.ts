// Seats too small to be round (a zoomed-out venue: 100,000 seats of a pixel or two each) are written
// straight into the pixels of a layer (ImageData), one square of whole device pixels per seat, and the
// layer is drawn over the stage and areas in one drawImage: a few milliseconds where 100,000 fillRect
// calls take hundreds. A seat that changes later is repainted with fillRect on exactly the same square.
import type { VenueMap } from './venue-map';

/** Seats closer than this (device px) are drawn without gaps. */
const GAPLESS_BELOW_PX = 3;

/** Where the map is on the canvas: device px = ((map − origin) × scale) × dpr. */
export interface DenseView {
  originX: number;
  originY: number;
  scale: number;
  dpr: number;
}

/** Turns CSS colours into RGBA words for ImageData (resolved by the canvas itself, so any CSS colour works). */
export function packColours(colours: readonly string[]): Uint32Array {
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, colours.length);
  canvas.height = 1;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('this browser cannot draw on a canvas');
  colours.forEach((colour, i) => {
    ctx.fillStyle = colour;
    ctx.fillRect(i, 0, 1, 1);
  });
  return new Uint32Array(ctx.getImageData(0, 0, canvas.width, 1).data.buffer.slice(0));
}

/** The pixel layer of small seats, kept between frames and resized with the canvas. */
export class DenseSeats {
  private image: ImageData | null = null;
  private pixels = new Uint32Array(0);
  private layer: HTMLCanvasElement | null = null;
  private layerCtx: CanvasRenderingContext2D | null = null;

  /**
   * Side of a seat's square in device px, for seats `pitch` CSS px apart drawn `size` CSS px wide. Below
   * three device px apart, whole-pixel squares with gaps would make stripes and moiré: the squares then
   * fill the pitch, and a block of seats reads as an area in its seats' colours.
   */
  static side(size: number, pitch: number, dpr: number): number {
    const apart = pitch * dpr;
    return apart < GAPLESS_BELOW_PX ? Math.max(1, Math.ceil(apart)) : Math.max(1, Math.round(size * dpr));
  }

  /** The top-left device pixel of seat `index`'s square (x, then y). */
  static corner(map: VenueMap, index: number, view: DenseView, side: number): [number, number] {
    const s = view.scale * view.dpr;
    const half = side / 2;
    return [Math.round((map.x[index] - view.originX) * s - half), Math.round((map.y[index] - view.originY) * s - half)];
  }

  /** Draws every seat of `map` on `ctx` (device px, identity transform) as squares of `side`, coloured by `slotOf`. */
  draw(ctx: CanvasRenderingContext2D, map: VenueMap, view: DenseView, side: number, packed: Uint32Array, slotOf: (index: number) => number): void {
    const width = ctx.canvas.width;
    const height = ctx.canvas.height;
    this.ensure(width, height);
    const pixels = this.pixels;
    pixels.fill(0);
    const { x, y, count } = map;
    const s = view.scale * view.dpr;
    const half = side / 2;
    const ox = view.originX;
    const oy = view.originY;
    for (let i = 0; i < count; i++) {
      const px = Math.round((x[i] - ox) * s - half);
      const py = Math.round((y[i] - oy) * s - half);
      if (px + side <= 0 || py + side <= 0 || px >= width || py >= height) continue;
      const colour = packed[slotOf(i)] ?? 0;
      const x0 = px < 0 ? 0 : px;
      const x1 = px + side > width ? width : px + side;
      const y1 = py + side > height ? height : py + side;
      for (let row = py < 0 ? 0 : py; row < y1; row++) {
        const base = row * width;
        for (let column = x0; column < x1; column++) pixels[base + column] = colour;
      }
    }
    this.layerCtx!.putImageData(this.image!, 0, 0);
    ctx.drawImage(this.layer!, 0, 0);
  }

  private ensure(width: number, height: number): void {
    if (this.image && this.image.width === width && this.image.height === height) return;
    this.image = new ImageData(width, height);
    this.pixels = new Uint32Array(this.image.data.buffer);
    this.layer = document.createElement('canvas');
    this.layer.width = width;
    this.layer.height = height;
    this.layerCtx = this.layer.getContext('2d');
  }
}
