// An event's live availability over HTTP (`GET /api/events/:id/snapshot`): the snapshot a `subscribe`
// gets, packed, in MessagePack. A page draws its first frame from it while its WebSocket is still
// opening, then hands it to `subscribe` as the view's seed (the subscription takes over from it).
import { msgpackCodec } from '../codec';
import { AisleError } from '../error-codes';
import type { PackedSnapshotMessage, SnapshotMessage } from '../server-messages';
import { fetchFromServer, httpError } from './reply-errors';
import type { SnapshotOptions } from './snapshot-reader';
import { SnapshotReader } from './snapshot-reader';

/** The element id of a page's `<link rel="preload">` of its event's snapshot (the server's event pages carry one when the event has no waiting room). */
export const SNAPSHOT_PRELOAD_ID = 'aisle-snapshot';

/** How to load a snapshot. */
export interface SnapshotLoadOptions extends Pick<SnapshotOptions, 'inflate'> {
  /** The server's origin ('' in a page: same origin). */
  baseUrl?: string;
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
}

/** The URL of an event's snapshot (packed, MessagePack). */
export function snapshotUrl(eventId: string, baseUrl = ''): string {
  return `${baseUrl}/api/events/${encodeURIComponent(eventId)}/snapshot`;
}

/** Fetches the event's snapshot and reads it to one byte per seat; errors as AisleError with the server's code. */
export async function loadSnapshot(eventId: string, options: SnapshotLoadOptions = {}): Promise<SnapshotMessage> {
  const doFetch = options.fetch ?? fetch;
  // Where nothing can inflate, one byte per seat (~100 KB for 100,000 seats instead of ~1 KB).
  const reader = new SnapshotReader({ inflate: options.inflate });
  const url = snapshotUrl(eventId, options.baseUrl ?? '');
  const response = await fetchFromServer(doFetch, reader.packing === 'packed' ? url : `${url}?packing=bytes`);
  if (!response.ok) throw httpError(response.status, await response.json().catch(() => undefined), 'snapshot');
  let message: SnapshotMessage | PackedSnapshotMessage;
  try {
    message = msgpackCodec.decode(new Uint8Array(await response.arrayBuffer())) as SnapshotMessage | PackedSnapshotMessage;
  } catch (cause) {
    throw new AisleError('internal', 'the snapshot response is not MessagePack', undefined, { cause });
  }
  if (message === null || typeof message !== 'object' || message.type !== 'snapshot' || message.eventId !== eventId) {
    throw new AisleError('internal', 'the snapshot response is not a snapshot of this event');
  }
  return reader.read(message);
}
