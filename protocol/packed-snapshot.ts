// From a packed snapshot (deflated 2-bit statuses) to the v1 form (one byte per seat), given a raw
// inflater: the browser's DecompressionStream('deflate-raw') or Node's zlib, chosen by the caller so that
// this file stays free of both.
import { AisleError } from './error-codes';
import { packedLength, unpackStatus } from './packed-status';
import type { PackedSnapshotMessage, SnapshotMessage } from './server-messages';

/**
 * Inflates raw DEFLATE bytes (RFC 1951). `maxBytes` is what the caller expects at most: an inflater
 * may stop and throw past it, so a corrupt frame cannot make it allocate without bound.
 */
export type InflateRaw = (deflated: Uint8Array, maxBytes: number) => Uint8Array | Promise<Uint8Array>;

/** Whether a decoded snapshot is the packed form. */
export function isPackedSnapshot(message: SnapshotMessage | PackedSnapshotMessage): message is PackedSnapshotMessage {
  return message.encoding === 'packed';
}

/**
 * The v1 form of a snapshot: packed ones are inflated and unpacked, v1 ones returned as they are.
 * Throws AisleError `bad_request` when the packed bytes do not inflate to `seats` statuses.
 */
export async function unpackSnapshot(
  message: SnapshotMessage | PackedSnapshotMessage,
  inflate: InflateRaw,
): Promise<SnapshotMessage> {
  if (!isPackedSnapshot(message)) return message;
  const { encoding: _encoding, seats, status, ...rest } = message;
  if (!(status instanceof Uint8Array)) throw new AisleError('bad_request', 'a packed snapshot carries bytes');
  let packed: Uint8Array;
  try {
    packed = await inflate(status, packedLength(seats));
  } catch (cause) {
    throw new AisleError('bad_request', 'a packed snapshot did not inflate', undefined, { cause });
  }
  return { ...rest, status: unpackStatus(packed, seats) };
}
