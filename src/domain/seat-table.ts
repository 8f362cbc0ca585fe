// The seats of an event as columns (typed arrays and a few string dictionaries) instead of one object
// per seat: 100,000 seats are ~3.5 MB in ~15 allocations, not ~10 MB of JSON parsed into 100,000
// objects with 800,000 properties. It is how the store keeps a layout (see encodeSeatTable) and what
// the actor's EventLayout is built from, so activating an event allocates nothing per seat.
import type { Category, SeatDefinition } from './types';

/** Separates ids and labels in the string blocks: control characters are not allowed in them. */
const SEPARATOR = '\n';
const SEPARATOR_CODE = 10;
/** First bytes of an encoded table, with the format version. */
const MAGIC = 0x31545341; // 'AST1' little-endian
const HEADER_WORDS = 6;
const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

/** Columns of one event's seats; seat i of every column is the seat at index i. Immutable. */
export class SeatTable {
  /** Number of seats. */
  readonly count: number;
  /** Section ids, in order of first appearance. */
  readonly sectionIds: readonly string[];
  /** Row labels, in order of first appearance (one label may be used by many sections). */
  readonly rowLabels: readonly string[];
  /** Per row (distinct section and label, in order of first appearance): its section index. */
  readonly rowSection: Uint32Array;
  /** Per row: its label index. */
  readonly rowLabel: Uint32Array;
  /** Per seat: its row index. */
  readonly seatRow: Uint32Array;
  /** Per seat: its number within the row. */
  readonly number: Float64Array;
  /** Per seat: map coordinates. */
  readonly x: Float64Array;
  readonly y: Float64Array;
  /** Per seat: category index (into the definition's categories). */
  readonly category: Uint16Array;
  /** Per seat: 1 when accessible. */
  readonly accessible: Uint8Array;
  /** Per seat: 1 when a companion seat (beside an accessible one). */
  readonly companion: Uint8Array;
  /** Every seat id, separated by SEPARATOR; seat i's is idText[idStart[i] … idStart[i + 1] − 1). */
  private readonly idText: string;
  private readonly idStart: Int32Array;
  /** Open-addressing hash of the ids: slot → seat index + 1 (0: empty). */
  private readonly idSlots: Int32Array;

  private constructor(columns: {
    sectionIds: readonly string[];
    rowLabels: readonly string[];
    rowSection: Uint32Array;
    rowLabel: Uint32Array;
    seatRow: Uint32Array;
    number: Float64Array;
    x: Float64Array;
    y: Float64Array;
    category: Uint16Array;
    accessible: Uint8Array;
    companion: Uint8Array;
    idText: string;
  }) {
    this.count = columns.seatRow.length;
    this.sectionIds = columns.sectionIds;
    this.rowLabels = columns.rowLabels;
    this.rowSection = columns.rowSection;
    this.rowLabel = columns.rowLabel;
    this.seatRow = columns.seatRow;
    this.number = columns.number;
    this.x = columns.x;
    this.y = columns.y;
    this.category = columns.category;
    this.accessible = columns.accessible;
    this.companion = columns.companion;
    this.idText = columns.idText;
    this.idStart = idStarts(this.idText, this.count);
    this.idSlots = hashIds(this.idText, this.idStart);
  }

  /** The table of a definition's seats (`categories` gives the category indexes). */
  static fromSeats(seats: readonly SeatDefinition[], categories: readonly Category[]): SeatTable {
    const n = seats.length;
    const categoryIndex = new Map(categories.map((c, i) => [c.id, i]));
    const sections = new Dictionary();
    const labels = new Dictionary();
    const rows = new Map<string, number>();
    const rowSection: number[] = [];
    const rowLabel: number[] = [];
    const seatRow = new Uint32Array(n);
    const number = new Float64Array(n);
    const x = new Float64Array(n);
    const y = new Float64Array(n);
    const category = new Uint16Array(n);
    const accessible = new Uint8Array(n);
    const companion = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const seat = seats[i];
      const section = sections.index(seat.section);
      const key = `${section}${SEPARATOR}${seat.row}`;
      let row = rows.get(key);
      if (row === undefined) {
        row = rowSection.length;
        rows.set(key, row);
        rowSection.push(section);
        rowLabel.push(labels.index(seat.row));
      }
      const c = categoryIndex.get(seat.category);
      // expandDefinition rejects unknown categories; a stored definition that has one is corrupt.
      if (c === undefined) throw new Error(`unknown category '${seat.category}'`);
      seatRow[i] = row;
      number[i] = seat.number;
      x[i] = seat.x;
      y[i] = seat.y;
      category[i] = c;
      accessible[i] = seat.accessible ? 1 : 0;
      companion[i] = seat.companion === true ? 1 : 0;
    }
    return new SeatTable({
      sectionIds: sections.values,
      rowLabels: labels.values,
      rowSection: Uint32Array.from(rowSection),
      rowLabel: Uint32Array.from(rowLabel),
      seatRow, number, x, y, category, accessible, companion,
      idText: seats.map((s) => s.id + SEPARATOR).join(''),
    });
  }

  /** Number of rows. */
  get rowCount(): number {
    return this.rowSection.length;
  }

  /** Id of the seat at `index`. */
  id(index: number): string {
    return this.idText.slice(this.idStart[index], this.idStart[index + 1] - 1);
  }

  /** Index of a seat id, or −1; allocates nothing. */
  indexOf(id: string): number {
    if (this.count === 0) return -1;
    let slot = hashOf(id, 0, id.length) & (this.idSlots.length - 1);
    for (;;) {
      const entry = this.idSlots[slot];
      if (entry === 0) return -1;
      if (sameText(this.idText, this.idStart, entry - 1, id, 0, id.length)) return entry - 1;
      slot = (slot + 1) & (this.idSlots.length - 1);
    }
  }

  /** Section id of the seat at `index`. */
  section(index: number): string {
    return this.sectionIds[this.rowSection[this.seatRow[index]]];
  }

  /** Row label of the seat at `index`. */
  row(index: number): string {
    return this.rowLabels[this.rowLabel[this.seatRow[index]]];
  }

  /** The seat at `index` as an object (for the few callers that want one; allocates). */
  seat(index: number, categories: readonly Category[]): SeatDefinition {
    const seat: SeatDefinition = {
      id: this.id(index),
      section: this.section(index),
      row: this.row(index),
      number: this.number[index],
      x: this.x[index],
      y: this.y[index],
      category: categories[this.category[index]].id,
      accessible: this.accessible[index] === 1,
    };
    // As the definition has it: the key only on companion seats.
    if (this.companion[index] === 1) seat.companion = true;
    return seat;
  }

  /**
   * The table as bytes (little-endian): a header of counts, the string blocks (UTF-8, SEPARATOR after
   * each entry) and the columns, each at an 8-byte aligned offset so decodeSeatTable can view them in
   * place. Compress it for storage: ids and coordinates repeat a lot.
   */
  encode(): Uint8Array {
    const blocks = [this.sectionIds, this.rowLabels].map((values) => utf8.encode(values.map((v) => v + SEPARATOR).join('')));
    const ids = utf8.encode(this.idText);
    const header = Uint32Array.of(MAGIC, this.count, this.rowCount, blocks[0].length, blocks[1].length, ids.length);
    const parts: ArrayBufferView[] = [
      header, blocks[0], blocks[1], ids,
      this.rowSection, this.rowLabel, this.seatRow, this.number, this.x, this.y, this.category, this.accessible, this.companion,
    ];
    let size = 0;
    for (const part of parts) size = align(size) + part.byteLength;
    const out = new Uint8Array(size);
    let at = 0;
    for (const part of parts) {
      at = align(at);
      out.set(new Uint8Array(part.buffer, part.byteOffset, part.byteLength), at);
      at += part.byteLength;
    }
    return out;
  }

  /** A table from `encode`'s bytes; the columns are views into `bytes` (copied first if misaligned). */
  static decode(bytes: Uint8Array): SeatTable {
    if (!LITTLE_ENDIAN) throw new Error('seat tables are stored little-endian; this platform is not');
    const data = bytes.byteOffset % 8 === 0 ? bytes : bytes.slice();
    if (data.byteLength < HEADER_WORDS * 4) throw new Error('a seat table is too short');
    const header = new Uint32Array(data.buffer, data.byteOffset, HEADER_WORDS);
    if (header[0] !== MAGIC) throw new Error('not a seat table (or of an unknown version)');
    const [, count, rowCount, sectionBytes, labelBytes, idBytes] = header;
    let at = HEADER_WORDS * 4;
    const take = <T>(make: (offset: number, length: number) => T, length: number, bytesEach: number): T => {
      at = align(at);
      if (at + length * bytesEach > data.byteLength) throw new Error('a seat table is truncated');
      const view = make(data.byteOffset + at, length);
      at += length * bytesEach;
      return view;
    };
    const text = (length: number): string => utf8Decoder.decode(take((o, l) => new Uint8Array(data.buffer, o, l), length, 1));
    const list = (block: string): string[] => (block === '' ? [] : block.slice(0, -1).split(SEPARATOR));
    const sectionIds = list(text(sectionBytes));
    const rowLabels = list(text(labelBytes));
    const idText = text(idBytes);
    const u32 = (length: number): Uint32Array => take((o, l) => new Uint32Array(data.buffer, o, l), length, 4);
    const f64 = (length: number): Float64Array => take((o, l) => new Float64Array(data.buffer, o, l), length, 8);
    return new SeatTable({
      sectionIds,
      rowLabels,
      rowSection: u32(rowCount),
      rowLabel: u32(rowCount),
      seatRow: u32(count),
      number: f64(count),
      x: f64(count),
      y: f64(count),
      category: take((o, l) => new Uint16Array(data.buffer, o, l), count, 2),
      accessible: take((o, l) => new Uint8Array(data.buffer, o, l), count, 1),
      companion: take((o, l) => new Uint8Array(data.buffer, o, l), count, 1),
      idText,
    });
  }
}

const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** Distinct strings in order of first appearance. */
class Dictionary {
  readonly values: string[] = [];
  private readonly indexes = new Map<string, number>();

  index(value: string): number {
    let index = this.indexes.get(value);
    if (index === undefined) {
      index = this.values.length;
      this.values.push(value);
      this.indexes.set(value, index);
    }
    return index;
  }
}

function align(offset: number): number {
  return (offset + 7) & ~7;
}

/** Where each of `count` ids starts in `text` (and, at `count`, the end), from the separators. */
function idStarts(text: string, count: number): Int32Array {
  const starts = new Int32Array(count + 1);
  let seat = 0;
  for (let i = 0; i < text.length && seat < count; i++) {
    if (text.charCodeAt(i) === SEPARATOR_CODE) starts[++seat] = i + 1;
  }
  if (count > 0 && seat !== count) throw new Error(`a seat table of ${count} seats has ${seat} ids`);
  return starts;
}

/** The open-addressing id hash: slot → seat index + 1; throws on a duplicate id. */
function hashIds(text: string, starts: Int32Array): Int32Array {
  const count = starts.length - 1;
  const slots = new Int32Array(slotsFor(count));
  const mask = slots.length - 1;
  for (let i = 0; i < count; i++) {
    const start = starts[i];
    const length = starts[i + 1] - 1 - start;
    let slot = hashOf(text, start, length) & mask;
    while (slots[slot] !== 0) {
      if (sameText(text, starts, slots[slot] - 1, text, start, length)) throw new Error(`duplicate seat id '${text.slice(start, start + length)}'`);
      slot = (slot + 1) & mask;
    }
    slots[slot] = i + 1;
  }
  return slots;
}

/** Whether id `seat` of `ids` equals other[start … start + length). */
function sameText(ids: string, starts: Int32Array, seat: number, other: string, start: number, length: number): boolean {
  const at = starts[seat];
  if (starts[seat + 1] - 1 - at !== length) return false;
  for (let k = 0; k < length; k++) if (ids.charCodeAt(at + k) !== other.charCodeAt(start + k)) return false;
  return true;
}

/** A power of two at least twice `count`, so probes stay short. */
function slotsFor(count: number): number {
  let slots = 2;
  while (slots < count * 2) slots *= 2;
  return slots;
}

/** FNV-1a over UTF-16 code units of text[start … start + length). */
function hashOf(text: string, start: number, length: number): number {
  let hash = 0x811c9dc5;
  for (let k = 0; k < length; k++) hash = Math.imul(hash ^ text.charCodeAt(start + k), 0x01000193);
  return hash >>> 0;
}
