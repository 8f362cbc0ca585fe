// Activation and snapshot of a 100,000-seat event (issue 6): the first subscribe after the server
// started activates the event's actor (load from Postgres, claim ownership, build state) and answers
// with the snapshot; its latency is the activation time, its frame the snapshot's size on the wire.
import type { BenchContext } from '../context';
import type { BenchEvent } from '../scenario/bench-events';
import type { BenchServer } from '../system/server-process';
import { round } from '../stats';
import { WireClient } from '../wire/wire-client';

/** What the first and a second subscribe measured. */
export interface SnapshotFigures {
  seats: number;
  /** Payload of the snapshot frame (MessagePack). */
  snapshotBytes: number;
  /** The whole frame on the wire: payload plus the WebSocket header. */
  snapshotFrameBytes: number;
  /** First subscribe → snapshot received: activation plus the snapshot's trip. */
  activationMs: number;
  /** A second subscribe on a new connection, the actor already active. */
  warmSubscribeMs: number;
}

/** WebSocket header of a server frame of `n` payload bytes (RFC 6455 §5.2). */
function frameHeaderBytes(n: number): number {
  return n < 126 ? 2 : n < 65536 ? 4 : 10;
}

async function timedSubscribe(server: BenchServer, eventId: string): Promise<{ ms: number; bytes: number; seats: number }> {
  const client = await WireClient.connect(server.host, server.port);
  try {
    const started = performance.now();
    const reply = await client.request({ type: 'subscribe', eventId });
    const ms = performance.now() - started;
    if (reply.message.type !== 'snapshot') throw new Error(`subscribe to ${eventId} answered ${JSON.stringify(reply.message)}`);
    const status = reply.message.status as Uint8Array;
    return { ms, bytes: reply.payloadBytes, seats: status.length };
  } finally {
    client.close();
  }
}

/** Measures `event`, which must not have been used since `server` started. */
export async function measureSnapshot(ctx: BenchContext, server: BenchServer, event: BenchEvent): Promise<SnapshotFigures> {
  const cold = await timedSubscribe(server, event.id);
  const warm = await timedSubscribe(server, event.id);
  const figures: SnapshotFigures = {
    seats: cold.seats,
    snapshotBytes: cold.bytes,
    snapshotFrameBytes: cold.bytes + frameHeaderBytes(cold.bytes),
    activationMs: round(cold.ms),
    warmSubscribeMs: round(warm.ms),
  };
  ctx.log(
    `${event.seats.toLocaleString('en-US')}-seat event: activation (first subscribe) ${figures.activationMs} ms, ` +
      `snapshot ${figures.snapshotBytes.toLocaleString('en-US')} bytes, warm subscribe ${figures.warmSubscribeMs} ms`,
  );
  return figures;
}
