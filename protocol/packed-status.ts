// The packed form of a snapshot's seat statuses (docs/protocol.md, "Snapshot packing"): 2 bits per
// seat, seat i in byte i >> 2 at bits 2 * (i & 3) and up. The wire carries it raw-DEFLATEd; this file
// is only the bit packing, so it runs unchanged in the browser and in Node (compression is the caller's).
import { AisleError } from './error-codes';
import { SEAT_STATUS } from './seat-status';

/** Seats per packed byte. */
const SEATS_PER_BYTE = 4;
const MAX_STATUS: number = SEAT_STATUS.blocked;

/** Bytes of the packed form of `seats` statuses. */
export function packedLength(seats: number): number {
  return (seats + SEATS_PER_BYTE - 1) >> 2;
}

/** Packs one-byte-per-seat statuses (0..3) into 2 bits each; throws RangeError on another status. */
export function packStatus(status: Uint8Array): Uint8Array {
  const packed = new Uint8Array(packedLength(status.length));
  for (let i = 0; i < status.length; i++) {
    const code = status[i];
    if (code > MAX_STATUS) throw new RangeError(`seat ${i} has status ${code}, not 0..${MAX_STATUS}`);
    packed[i >> 2] |= code << ((i & 3) << 1);
  }
  return packed;
}

/**
 * Unpacks `seats` statuses from their packed form; throws AisleError `bad_request` when the length does
 * not fit `seats` or the padding bits after the last seat are not zero (a corrupt or foreign frame).
 */
export function unpackStatus(packed: Uint8Array, seats: number): Uint8Array {
  if (!Number.isInteger(seats) || seats < 0 || packed.length !== packedLength(seats)) {
    throw new AisleError('bad_request', `a packed status of ${seats} seats is ${packedLength(seats)} bytes, not ${packed.length}`);
  }
  const status = new Uint8Array(seats);
  for (let i = 0; i < seats; i++) status[i] = (packed[i >> 2] >> ((i & 3) << 1)) & 3;
  if (seats % SEATS_PER_BYTE !== 0 && packed[packed.length - 1] >> ((seats % SEATS_PER_BYTE) << 1) !== 0) {
    throw new AisleError('bad_request', 'a packed status has bits set past its last seat');
  }
  return status;
}
