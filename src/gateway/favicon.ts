// The site icon, `/favicon.ico`: browsers ask for it on every page, and a 404 there is a console error.
// A 16 × 16, 32-bit ICO drawn here (a blue rounded square with a white seat), so no binary is committed.

const SIZE = 16;
const BLUE = [0x1a, 0x73, 0xe8];
const WHITE = [0xff, 0xff, 0xff];

/** The colour of pixel (x, y) from the top left, or null for transparent. */
function pixel(x: number, y: number): number[] | null {
  // Rounded corners: the square's corner pixels stay transparent.
  const corner = (x === 0 || x === SIZE - 1) && (y === 0 || y === SIZE - 1);
  if (corner) return null;
  const backrest = x >= 5 && x <= 10 && y >= 3 && y <= 8;
  const seat = x >= 4 && x <= 11 && y >= 9 && y <= 10;
  const legs = (x === 4 || x === 11) && y >= 11 && y <= 12;
  return backrest || seat || legs ? WHITE : BLUE;
}

/** The ICO file's bytes. */
export function faviconIco(): Uint8Array {
  const pixels = SIZE * SIZE * 4;
  const mask = SIZE * 4; // 1 bit per pixel, rows padded to 32 bits: all zero (alpha decides)
  const image = 40 + pixels + mask;
  const bytes = new Uint8Array(6 + 16 + image);
  const view = new DataView(bytes.buffer);
  view.setUint16(2, 1, true); // type: icon
  view.setUint16(4, 1, true); // one image
  bytes[6] = SIZE;
  bytes[7] = SIZE;
  view.setUint16(10, 1, true); // planes
  view.setUint16(12, 32, true); // bits per pixel
  view.setUint32(14, image, true);
  view.setUint32(18, 22, true); // offset of the image
  const header = 22;
  view.setUint32(header, 40, true);
  view.setInt32(header + 4, SIZE, true);
  view.setInt32(header + 8, SIZE * 2, true); // colour and mask, stacked
  view.setUint16(header + 12, 1, true);
  view.setUint16(header + 14, 32, true);
  view.setUint32(header + 20, pixels + mask, true);
  // Rows bottom-up, BGRA.
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const colour = pixel(x, y);
      const at = header + 40 + ((SIZE - 1 - y) * SIZE + x) * 4;
      if (!colour) continue;
      bytes[at] = colour[2];
      bytes[at + 1] = colour[1];
      bytes[at + 2] = colour[0];
      bytes[at + 3] = 0xff;
    }
  }
  return bytes;
}
