// A child process holding waiting users: one authenticated connection per user, each joining one
// event's waiting room and then idle, counting the position pushes it gets and reporting each
// admission the moment it arrives. Driven by the queue bench over IPC (see waiter-protocol.ts).
import { Decoder, Encoder } from '@msgpack/msgpack';
import { monotonicMs } from '../load/load-job';
import { WireSocket } from '../wire/ws-wire';
import type { FromWaiters, ToWaiters, WaiterCounts } from './waiter-protocol';

/** Connections opening at once per process (the server's accept backlog is finite). */
const CONNECT_CONCURRENCY = 100;
/** A crowd connecting to a busy node: a dropped SYN is retried after 1, 2, 4, 8, 16 s. */
const HANDSHAKE_TIMEOUT_MS = 120_000;
/** How long closing waits for the server to close its side before dropping the rest. */
const CLOSE_WAIT_MS = 5000;

/** A frame as far as the waiters look at it. */
interface Frame {
  type: string;
  rid?: number;
  position?: number;
  code?: string;
}

const encoder = new Encoder();
const decoder = new Decoder();
const sockets: WireSocket[] = [];
/** Each user's last known position (Infinity before any). */
const positions: number[] = [];
const counts: WaiterCounts = { positionPushes: 0, positionRises: 0, admitted: 0, closed: 0, errors: {} };
let join: { pending: number; firstSentAt: number; lastReplyAt: number; queued: number; admitted: number; errors: Record<string, number> } | null = null;

function send(message: FromWaiters): void {
  process.send!(message);
}

function countError(errors: Record<string, number>, code: string | undefined): void {
  const key = code ?? 'unknown';
  errors[key] = (errors[key] ?? 0) + 1;
}

function onJoinReply(index: number, message: Frame, now: number): void {
  if (!join) return;
  if (message.type === 'queued') {
    join.queued++;
    positions[index] = Math.min(positions[index], message.position ?? Infinity);
  } else if (message.type === 'admitted') {
    join.admitted++;
  } else {
    countError(join.errors, message.code ?? message.type);
  }
  join.lastReplyAt = now;
  if (--join.pending === 0) {
    const { pending: _pending, ...done } = join;
    send({ type: 'joined', ...done });
    join = null;
  }
}

function onFrame(index: number, payload: Buffer): void {
  const now = monotonicMs();
  const message = decoder.decode(payload) as Frame;
  if (message.rid !== undefined) return onJoinReply(index, message, now);
  switch (message.type) {
    case 'queue': {
      counts.positionPushes++;
      const position = message.position ?? Infinity;
      if (position > positions[index]) counts.positionRises++;
      positions[index] = position;
      return;
    }
    case 'admitted':
      counts.admitted++;
      send({ type: 'admitted', at: now, lastPosition: positions[index] });
      return;
    case 'queue_closed':
      counts.closed++;
      return;
    case 'error':
      countError(counts.errors, message.code);
      return;
    default:
  }
}

async function open(message: Extract<ToWaiters, { type: 'open' }>): Promise<void> {
  const first = sockets.length;
  let next = 0;
  const opener = async (): Promise<void> => {
    while (next < message.tokens.length) {
      const index = first + next;
      const token = message.tokens[next++];
      positions[index] = Infinity;
      const path = `/ws?token=${encodeURIComponent(token)}`;
      sockets[index] = await WireSocket.connect(message.host, message.port, path, (payload) => onFrame(index, payload), HANDSHAKE_TIMEOUT_MS, message.localAddress);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONNECT_CONCURRENCY, message.tokens.length) }, opener));
  send({ type: 'opened', total: sockets.length });
}

function joinAll(eventId: string): void {
  join = { pending: sockets.length, firstSentAt: monotonicMs(), lastReplyAt: 0, queued: 0, admitted: 0, errors: {} };
  const frame = encoder.encode({ type: 'join', rid: 1, eventId });
  for (const socket of sockets) socket.send(frame);
}

async function closeAll(): Promise<void> {
  // Slots of connections that failed to open are empty.
  const open = sockets.filter((socket): socket is WireSocket => socket !== undefined);
  for (const socket of open) socket.sendClose();
  await Promise.race([Promise.all(open.map((s) => s.closed)), new Promise((r) => setTimeout(r, CLOSE_WAIT_MS))]);
  for (const socket of open) socket.destroy();
  process.exit(0);
}

process.on('message', (message: ToWaiters) => {
  switch (message.type) {
    case 'open':
      open(message).catch((error: unknown) => send({ type: 'failed', message: String(error) }));
      return;
    case 'join':
      joinAll(message.eventId);
      return;
    case 'count':
      send({ type: 'counts', ...counts });
      return;
    case 'close':
      void closeAll();
  }
});
process.on('disconnect', () => process.exit(0));
