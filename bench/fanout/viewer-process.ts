// A child process holding idle viewers: guest connections subscribed to one event that record when
// each diff arrives. Driven by the bench over IPC (see viewer-protocol.ts).
import { Decoder, Encoder } from '@msgpack/msgpack';
import { monotonicMs } from '../load/load-job';
import { WireSocket } from '../wire/ws-wire';
import type { FromViewers, ToViewers } from './viewer-protocol';

/** Connections opening at once (the server's accept backlog is finite). */
const CONNECT_CONCURRENCY = 200;
/** How long closing waits for the server to close its side before dropping the rest. */
const CLOSE_WAIT_MS = 5000;

const encoder = new Encoder();
const decoder = new Decoder();
const sockets: WireSocket[] = [];
/** Arrival times of each diff by seq, one slot per connection, and how many arrived. */
const diffs = new Map<number, { arrivals: Float64Array; count: number }>();
let lastSnapshotBytes = 0;
/** Each connection's last seq (from its snapshot, then each diff), and the diffs out of order. */
const lastSeq: number[] = [];
let gaps = 0;

function send(message: FromViewers): void {
  process.send!(message);
}

/** One viewer: its first frame is the snapshot, every later one a diff. */
function openViewer(host: string, port: number, eventId: string, index: number, localAddress?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onFrame = (payload: Buffer): void => {
      const now = monotonicMs();
      const message = decoder.decode(payload) as { type: string; seq?: number };
      if (message.type === 'snapshot') {
        lastSnapshotBytes = payload.length;
        lastSeq[index] = message.seq ?? -1;
        resolve();
        return;
      }
      if (message.type !== 'diff' || message.seq === undefined) return;
      if (message.seq !== lastSeq[index] + 1) gaps++;
      lastSeq[index] = message.seq;
      let diff = diffs.get(message.seq);
      if (!diff) diffs.set(message.seq, (diff = { arrivals: new Float64Array(sockets.length), count: 0 }));
      diff.arrivals[index] = now;
      if (++diff.count === sockets.length) {
        diffs.delete(message.seq);
        send({ type: 'diff', seq: message.seq, arrivals: diff.arrivals, gaps });
      }
    };
    WireSocket.connect(host, port, '/ws', onFrame, 30_000, localAddress).then((socket) => {
      sockets[index] = socket;
      socket.send(encoder.encode({ type: 'subscribe', rid: 1, eventId }));
    }, reject);
  });
}

async function open(message: Extract<ToViewers, { type: 'open' }>): Promise<void> {
  const first = sockets.length;
  const last = first + message.count;
  // Reserve the slots first so every round array is sized for all of them.
  sockets.length = last;
  let next = first;
  const opener = async (): Promise<void> => {
    while (next < last) await openViewer(message.host, message.port, message.eventId, next++, message.localAddress);
  };
  await Promise.all(Array.from({ length: Math.min(CONNECT_CONCURRENCY, message.count) }, opener));
  send({ type: 'opened', total: sockets.length, snapshotBytes: lastSnapshotBytes });
}

async function closeAll(): Promise<void> {
  // Slots of connections that failed to open are empty.
  const open = sockets.filter((socket): socket is WireSocket => socket !== undefined);
  for (const socket of open) socket.sendClose();
  await Promise.race([Promise.all(open.map((s) => s.closed)), new Promise((r) => setTimeout(r, CLOSE_WAIT_MS))]);
  for (const socket of open) socket.destroy();
  process.exit(0);
}

process.on('message', (message: ToViewers) => {
  if (message.type === 'open') {
    open(message).catch((error: unknown) => send({ type: 'failed', message: String(error) }));
  } else {
    void closeAll();
  }
});
process.on('disconnect', () => process.exit(0));
