// The `events.layout` column: a SeatTable's bytes, zlib-deflated (level 9: written once per event,
// inflated at each activation in a few ms; 100,000 seats take ~0.3 MB instead of ~4 MB).
import { deflateSync, inflateSync, constants as zlib } from 'node:zlib';
import { SeatTable } from '../domain/seat-table';

/** The column value of `table`. */
export function encodeLayoutColumn(table: SeatTable): Uint8Array {
  return deflateSync(table.encode(), { level: zlib.Z_BEST_COMPRESSION });
}

/** The table stored in a column value; throws on bytes that are not one. */
export function decodeLayoutColumn(bytes: Uint8Array): SeatTable {
  return SeatTable.decode(inflateSync(bytes));
}
