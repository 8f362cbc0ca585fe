// How the SDK asks for snapshots and turns them into one byte per seat. Packed snapshots (2-bit
// statuses, raw DEFLATE: ~1 KB instead of 100 KB for 100,000 free seats) are the default wherever the
// platform can inflate them: DecompressionStream('deflate-raw') in browsers and Node 20, or an inflater
// the caller passes (Node's zlib). Without either, the client asks for v1 byte snapshots.
import type { InflateRaw } from '../packed-snapshot';
import { unpackSnapshot } from '../packed-snapshot';
import type { PackedSnapshotMessage, SnapshotMessage, SnapshotPacking } from '../server-messages';

/** What to ask for; `packed` falls back to `bytes` when nothing can inflate. */
export interface SnapshotOptions {
  /** Default `packed`. */
  packing?: SnapshotPacking;
  /** Raw DEFLATE inflater; default: the platform's DecompressionStream. */
  inflate?: InflateRaw;
}

/** Inflates with DecompressionStream('deflate-raw'), or null where the platform has none. */
export function streamInflater(): InflateRaw | null {
  if (typeof DecompressionStream !== 'function') return null;
  try {
    // Browsers from before 2023 know the class but not the format: they throw here.
    new DecompressionStream('deflate-raw');
  } catch {
    return null;
  }
  return inflateWithStream;
}

// The bytes are written straight into the stream: a Blob's stream would be read back through the
// browser's blob registry, a round trip to another process that a fresh page waits tens of ms for.
async function inflateWithStream(deflated: Uint8Array, maxBytes: number): Promise<Uint8Array> {
  const stream = new DecompressionStream('deflate-raw');
  const writer = stream.writable.getWriter();
  // Errors (corrupt input) surface through the reader below; these promises only settle with them.
  writer.write(deflated as Uint8Array<ArrayBuffer>).catch(() => undefined);
  writer.close().catch(() => undefined);
  const reader = stream.readable.getReader();
  const out = new Uint8Array(maxBytes);
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return out.subarray(0, length);
    if (length + value.length > maxBytes) {
      await reader.cancel();
      throw new RangeError(`inflates to more than ${maxBytes} bytes`);
    }
    out.set(value, length);
    length += value.length;
  }
}

/** Chooses the snapshot packing once and reads every snapshot back to one byte per seat. */
export class SnapshotReader {
  /** What `subscribe` asks for. */
  readonly packing: SnapshotPacking;
  private readonly inflate: InflateRaw | null;

  constructor(options: SnapshotOptions = {}) {
    this.inflate = options.inflate ?? streamInflater();
    this.packing = options.packing === 'bytes' || !this.inflate ? 'bytes' : 'packed';
  }

  /** The `subscribe` request's fields: v1 requests (no `encoding`) when asking for bytes. */
  request(eventId: string): { type: 'subscribe'; eventId: string; encoding?: 'packed' } {
    return this.packing === 'packed' ? { type: 'subscribe', eventId, encoding: 'packed' } : { type: 'subscribe', eventId };
  }

  /** A snapshot reply with one byte per seat, whichever form it came in. */
  read(message: SnapshotMessage | PackedSnapshotMessage): Promise<SnapshotMessage> {
    return unpackSnapshot(message, this.inflate ?? refuse);
  }
}

function refuse(): never {
  throw new Error('a packed snapshot arrived, but nothing here can inflate it');
}
