// Wire encodings (docs/protocol.md: binary frames are MessagePack, text frames JSON). A snapshot's `status`
// (one byte per seat) is a msgpack `bin` or, in JSON, a string of digits '0'..'3'; a packed snapshot's
// (deflated 2-bit statuses, docs/protocol.md) is a `bin` or base64 text, and decodes to its bytes still
// deflated: inflating is asynchronous in the browser, so the SDK does it (see unpackSnapshot).
import { Decoder, Encoder } from '@msgpack/msgpack';
import type { ClientMessage } from './client-messages';
import { decodeBase64, encodeBase64 } from './base64';
import { AisleError } from './error-codes';
import { MessageWriter } from './msgpack-writer';
import { SEAT_STATUS } from './seat-status';
import type { ServerMessage } from './server-messages';

/** The two wire encodings. */
export type Encoding = 'msgpack' | 'json';

/** Turns messages into frames and frames into untrusted values (validate them before use). */
export interface Codec {
  /** Which encoding this is; msgpack frames are sent binary, JSON frames as text. */
  readonly encoding: Encoding;
  /** Encodes one message; the result is the caller's to keep. */
  encode(message: ServerMessage | ClientMessage | object): Uint8Array | string;
  /**
   * Encodes one message for a send made at once (a socket's send that copies it, as uWS does): bytes
   * are a view into the codec's own buffer, overwritten by its next `encodeToSend`, so no copy is made.
   */
  encodeToSend(message: ServerMessage | ClientMessage | object): Uint8Array | string;
  /** Decodes one frame; throws an AisleError `bad_request` when it cannot. */
  decode(data: ArrayBuffer | Uint8Array | string): unknown;
}

/** The MessagePack codec: always encodes to bytes. */
export interface MsgpackCodec extends Codec {
  readonly encoding: 'msgpack';
  /** Encodes one message to a fresh byte array. */
  encode(message: ServerMessage | ClientMessage | object): Uint8Array;
  encodeToSend(message: ServerMessage | ClientMessage | object): Uint8Array;
}

/** The JSON codec: always encodes to text. */
export interface JsonCodec extends Codec {
  readonly encoding: 'json';
  /** Encodes one message to JSON text. */
  encode(message: ServerMessage | ClientMessage | object): string;
  encodeToSend(message: ServerMessage | ClientMessage | object): string;
}

const ZERO = 48; // '0'
const MAX_STATUS: number = SEAT_STATUS.blocked;
const ascii = new TextDecoder();
const utf8Bytes = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** A snapshot's status bytes as the JSON digit string ('0'..'3' per seat). */
export function encodeSnapshotStatus(status: Uint8Array): string {
  const digits = new Uint8Array(status.length);
  for (let i = 0; i < status.length; i++) {
    const code = status[i];
    if (code > MAX_STATUS) throw new RangeError(`seat ${i} has status ${code}, not 0..${MAX_STATUS}`);
    digits[i] = code + ZERO;
  }
  return ascii.decode(digits);
}

/** A JSON snapshot's digit string back to status bytes; throws AisleError bad_request on other text. */
export function decodeSnapshotStatus(text: string): Uint8Array {
  const bytes = utf8Bytes.encode(text);
  // A non-ASCII character takes several bytes, so the lengths differ: not a digit string.
  if (bytes.length !== text.length) throw new AisleError('bad_request', 'snapshot status must be digits 0..3');
  for (let i = 0; i < bytes.length; i++) {
    const code = bytes[i] - ZERO;
    if (code < 0 || code > MAX_STATUS) throw new AisleError('bad_request', 'snapshot status must be digits 0..3');
    bytes[i] = code;
  }
  return bytes;
}

type Snapshot = { type: 'snapshot'; status: unknown; encoding?: unknown };

function isSnapshot(value: unknown): value is Snapshot {
  return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'snapshot';
}

// One Encoder and one Decoder for the process: the top-level encode()/decode() build new ones per call.
// Encoder#encode returns a copy of its internal buffer (encodeSharedRef would return a view that the next
// call overwrites), so frames may be kept, queued or published. ignoreUndefined: `rid: undefined`
// vanishes as it does in JSON instead of arriving as nil.
const encoder = new Encoder({ ignoreUndefined: true });
// encodeToSend's own writer and encoder: their views are overwritten only by encodeToSend, never by a
// kept frame. The writer takes the frequent replies (the same bytes, less work); the encoder the rest.
const sendWriter = new MessageWriter();
const sendEncoder = new Encoder({ ignoreUndefined: true });
const decoder = new Decoder();

/** MessagePack; a snapshot's status travels as `bin` and decodes to a Uint8Array. */
export const msgpackCodec: MsgpackCodec = {
  encoding: 'msgpack',
  encode(message: object): Uint8Array {
    return encoder.encode(message);
  },
  encodeToSend(message: object): Uint8Array {
    return sendWriter.write(message) ?? sendEncoder.encodeSharedRef(message);
  },
  decode(data: ArrayBuffer | Uint8Array | string): unknown {
    if (typeof data === 'string') throw new AisleError('bad_request', 'a MessagePack frame must be binary');
    let value: unknown;
    try {
      value = decoder.decode(data);
    } catch (cause) {
      throw new AisleError('bad_request', 'the frame is not valid MessagePack', undefined, { cause });
    }
    // Decoded bins are views into `data`, which the transport may reuse (uWS does): keep a copy.
    if (isSnapshot(value) && value.status instanceof Uint8Array) value.status = value.status.slice();
    return value;
  },
};

/** JSON; a snapshot's status travels as a string of digits and decodes to a Uint8Array. */
export const jsonCodec: JsonCodec = {
  encoding: 'json',
  encode(message: object): string {
    if (isSnapshot(message) && message.status instanceof Uint8Array) {
      const status = message.encoding === 'packed' ? encodeBase64(message.status) : encodeSnapshotStatus(message.status);
      return JSON.stringify({ ...message, status });
    }
    return JSON.stringify(message);
  },
  encodeToSend(message: object): string {
    return jsonCodec.encode(message);
  },
  decode(data: ArrayBuffer | Uint8Array | string): unknown {
    let value: unknown;
    try {
      value = JSON.parse(typeof data === 'string' ? data : strictUtf8.decode(data));
    } catch (cause) {
      throw new AisleError('bad_request', 'the frame is not valid UTF-8 JSON', undefined, { cause });
    }
    if (isSnapshot(value) && typeof value.status === 'string') {
      value.status = value.encoding === 'packed' ? decodeBase64(value.status) : decodeSnapshotStatus(value.status);
    }
    return value;
  },
};

/** The codec of an encoding. */
export function codecFor(encoding: Encoding): Codec {
  return encoding === 'msgpack' ? msgpackCodec : jsonCodec;
}
