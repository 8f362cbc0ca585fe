// Activation and snapshots of 100,000-seat events: the first subscribe after the server started
// activates the event's actor (load from Postgres, claim ownership, build state) and answers with the
// snapshot; its latency is the activation time. Measured for the compact stored layout and, in the
// same run, for the same layout stored as before it (no `layout` column value: the seats are read from
// the definition's JSON, the old path). Snapshot sizes: packed (fresh, and with 30% sold in blocks of
// whole rows plus scattered holds) against the v1 byte-per-seat snapshot of the same state.
import pg from 'pg';
import type { BenchContext } from '../context';
import type { BenchEvent } from '../scenario/bench-events';
import { SEATS_PER_ROW } from '../scenario/bench-events';
import type { BenchServer } from '../system/server-process';
import { ratio } from '../report';
import { round } from '../stats';
import { WireClient } from '../wire/wire-client';

/** Targets of the on-sale work (bytes, ms). */
export const SNAPSHOT_TARGETS = { snapshotBytes100k: 1024, snapshotBytes100kSold30: 16_384, activationMs100k: 200 } as const;
/** Rows sold in blocks: rows whose index mod 10 is below 3, so 30% of the rows. */
const SOLD_BLOCK = 3;
const SOLD_EVERY = 10;
/** Scattered holds over the unsold rows: this many holds of 1..3 seats, from a fixed seed. */
const SCATTERED_HOLDS = 600;
/** Seats one bench user buys or holds (the sold event's maxSeatsPerUser). */
const SEATS_PER_USER = 100;

/** What the snapshot phase measured. */
export interface SnapshotFigures {
  seats: number;
  /** v1 (one byte per seat) snapshot frame of the fresh event: the baseline of the packed sizes. */
  snapshotFrameBytes: number;
  /** Packed snapshot frame of the fresh event. */
  packedFrameBytes: number;
  /** With 30% sold in blocks of whole rows and scattered holds: v1 and packed frames. */
  sold30: { sold: number; held: number; v1FrameBytes: number; packedFrameBytes: number };
  /** First subscribe → snapshot received, compact stored layout: activation plus the snapshot's trip. */
  activationMs: number;
  /** The same for the same layout stored as before compact layouts (seats from the definition's JSON). */
  legacyActivationMs: number;
  /** A second subscribe on a new connection, the actor already active. */
  warmSubscribeMs: number;
}

/** WebSocket header of a server frame of `n` payload bytes (RFC 6455 §5.2). */
function frameHeaderBytes(n: number): number {
  return n < 126 ? 2 : n < 65536 ? 4 : 10;
}

async function timedSubscribe(server: BenchServer, eventId: string, packed: boolean): Promise<{ ms: number; frameBytes: number; seats: number }> {
  const client = await WireClient.connect(server.host, server.port);
  try {
    const started = performance.now();
    const reply = await client.request(packed ? { type: 'subscribe', eventId, encoding: 'packed' } : { type: 'subscribe', eventId });
    const ms = performance.now() - started;
    if (reply.message.type !== 'snapshot') throw new Error(`subscribe to ${eventId} answered ${JSON.stringify(reply.message)}`);
    const seats = packed ? (reply.message.seats as number) : (reply.message.status as Uint8Array).length;
    return { ms, frameBytes: reply.payloadBytes + frameHeaderBytes(reply.payloadBytes), seats };
  } finally {
    client.close();
  }
}

/** Makes `eventId` look as if it was created before compact layouts were stored (its layout NULL). */
export async function storeAsBeforeCompactLayouts(databaseUrl: string, eventId: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('UPDATE events SET layout = NULL WHERE id = $1', [eventId]);
  } finally {
    await client.end();
  }
}

/** Sells rows in blocks (30%) and holds scattered seats of `event` through the API; returns the counts. */
async function sellBlocksAndHold(ctx: BenchContext, server: BenchServer, event: BenchEvent): Promise<{ sold: number; held: number }> {
  const rows = event.seats / SEATS_PER_ROW;
  const seatId = (row: number, number: number): string => `s-${row}-${number}`;
  const soldRows = Array.from({ length: rows }, (_, r) => r + 1).filter((row) => (row - 1) % SOLD_EVERY < SOLD_BLOCK);
  const purchases: string[][] = [];
  for (const row of soldRows) {
    for (let from = 1; from <= SEATS_PER_ROW; from += SEATS_PER_USER) {
      purchases.push(Array.from({ length: SEATS_PER_USER }, (_, k) => seatId(row, from + k)));
    }
  }
  let sold = 0;
  let user = 0;
  const buyer = async (): Promise<void> => {
    for (let seats = purchases.pop(); seats; seats = purchases.pop()) {
      const client = await WireClient.connect(server.host, server.port, await ctx.auth.sign({ userId: `sold30-${user++}`, role: 'customer' }));
      try {
        const held = await client.request({ type: 'hold', eventId: event.id, seats });
        if (held.message.type !== 'held') throw new Error(`sold30 hold: ${JSON.stringify(held.message)}`);
        const order = await client.request({ type: 'buy', eventId: event.id, holdId: held.message.holdId });
        if (order.message.type !== 'order') throw new Error(`sold30 buy: ${JSON.stringify(order.message)}`);
        sold += seats.length;
      } finally {
        client.close();
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, buyer));

  // Scattered holds: a fixed LCG, so every run holds the same seats.
  let seed = 12345;
  const next = (n: number): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n);
  const freeRows = Array.from({ length: rows }, (_, r) => r + 1).filter((row) => !soldRows.includes(row));
  let held = 0;
  let holder: WireClient | null = null;
  let inHolder = 0;
  for (let h = 0; h < SCATTERED_HOLDS; h++) {
    const count = 1 + next(3);
    if (!holder || inHolder + count > SEATS_PER_USER) {
      holder?.close();
      holder = await WireClient.connect(server.host, server.port, await ctx.auth.sign({ userId: `hold30-${h}`, role: 'customer' }));
      inHolder = 0;
    }
    const row = freeRows[next(freeRows.length)];
    const from = 1 + next(SEATS_PER_ROW - count + 1);
    const seats = Array.from({ length: count }, (_, k) => seatId(row, from + k));
    const reply = await holder.request({ type: 'hold', eventId: event.id, seats });
    if (reply.message.type === 'held') {
      held += count;
      inHolder += count;
    }
  }
  holder?.close();
  return { sold, held };
}

/** Measures the events, none of which may have been used since `server` started. */
export async function measureSnapshot(
  ctx: BenchContext,
  server: BenchServer,
  events: { warmup: BenchEvent; fresh: BenchEvent; legacy: BenchEvent; sold: BenchEvent },
): Promise<SnapshotFigures> {
  // The code every activation runs (claim, load, actor) is warmed on a small event first, so neither
  // 100k activation below pays for the process's first one.
  await timedSubscribe(server, events.warmup.id, true);
  const cold = await timedSubscribe(server, events.fresh.id, true);
  const legacy = await timedSubscribe(server, events.legacy.id, true);
  const warm = await timedSubscribe(server, events.fresh.id, false);
  const { sold, held } = await sellBlocksAndHold(ctx, server, events.sold);
  const sold30 = {
    sold,
    held,
    v1FrameBytes: (await timedSubscribe(server, events.sold.id, false)).frameBytes,
    packedFrameBytes: (await timedSubscribe(server, events.sold.id, true)).frameBytes,
  };
  const figures: SnapshotFigures = {
    seats: cold.seats,
    snapshotFrameBytes: warm.frameBytes,
    packedFrameBytes: cold.frameBytes,
    sold30,
    activationMs: round(cold.ms),
    legacyActivationMs: round(legacy.ms),
    warmSubscribeMs: round(warm.ms),
  };
  const n = (x: number): string => x.toLocaleString('en-US');
  const t = SNAPSHOT_TARGETS;
  ctx.log(
    `${n(figures.seats)}-seat event: packed snapshot ${n(figures.packedFrameBytes)} B (target ≤ ${n(t.snapshotBytes100k)}; ` +
      `v1 ${n(figures.snapshotFrameBytes)} B, ${ratio(figures.snapshotFrameBytes, figures.packedFrameBytes)}× smaller)`,
  );
  ctx.log(
    `  30% sold in row blocks + ${n(held)} seats held: packed ${n(sold30.packedFrameBytes)} B (target ≤ ${n(t.snapshotBytes100kSold30)}; ` +
      `v1 ${n(sold30.v1FrameBytes)} B, ${ratio(sold30.v1FrameBytes, sold30.packedFrameBytes)}× smaller)`,
  );
  ctx.log(
    `  activation (first subscribe) ${figures.activationMs} ms (target ≤ ${t.activationMs100k}; layout from the definition's JSON ` +
      `${figures.legacyActivationMs} ms, ${ratio(figures.legacyActivationMs, figures.activationMs)}× faster), warm subscribe ${figures.warmSubscribeMs} ms`,
  );
  return figures;
}
