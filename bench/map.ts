// `npm run bench -- --map`: the 100,000-seat stadium's map on the wire, from a real server. Prints and
// writes to bench/results/map.json (or `--json file`) the bytes of each form and coding — the v1 JSON
// uncompressed as the baseline, `mapBytes100k` for gzip and br of both forms — and the server's CPU per
// request (from /proc, over many requests) serving the page's path (compact, br, from memory) against
// the baseline of the v1 JSON without compression, with the targets beside them. Also the live snapshot
// the event's page preloads beside the map (`/api/events/:id/snapshot`): its bytes, packed and one byte
// per seat, and the server's CPU per request (the shared frame of the current state).
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { Auth } from '../src/gateway/auth';
import { createTestDatabase } from '../test/support/database';
import { startServer } from '../test/support/server-process';
import { stadiumDefinition } from '../test/support/venues';
import { round } from './stats';

const EVENT_ID = 'map-100k';
/** Targets: the 100,000-seat map on the wire, and server CPU per request served from memory. */
const BYTES_TARGET = 300 * 1024;
const CPU_TARGET_MS = 1;
/** Linux reports process CPU in clock ticks of 10 ms: enough requests make that a small error. */
const TICK_MS = 10;

/** What the map bench reports. */
export interface MapFigures {
  seats: number;
  /** Bytes on the wire per form and coding. */
  bytes: Record<'v1' | 'compact', Record<'identity' | 'gzip' | 'br', number>>;
  /** The headline: the smallest gzip and br body a client can ask for (the compact form). */
  mapBytes100k: { gzip: number; br: number };
  mapBytesTarget: number;
  /** Server CPU per request (user + system), ms: the page's path and the v1 uncompressed baseline. */
  cpuMsPerRequest: { compactBr: number; v1Identity: number; snapshotPacked: number };
  cpuTargetMs: number;
  requests: { compactBr: number; v1Identity: number; snapshotPacked: number };
  /** Bytes of the live snapshot over HTTP (all seats available), packed and one byte per seat. */
  snapshotBytes: { packed: number; bytes: number };
}

function get(url: string, headers: Record<string, string>): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers, agent: false }, (res) => {
      let bytes = 0;
      res.on('data', (c: Buffer) => (bytes += c.length));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** User + system CPU of a process so far, in ms. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

async function cpuPerRequest(pid: number, url: string, headers: Record<string, string>, count: number, parallel = 8): Promise<number> {
  const before = cpuMs(pid);
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < count) {
        next++;
        const reply = await get(url, headers);
        if (reply.status !== 200) throw new Error(`${url}: ${reply.status}`);
      }
    }),
  );
  return (cpuMs(pid) - before) / count;
}

/** Runs the map bench. */
export async function measureMap(options: { requests?: number } = {}): Promise<MapFigures> {
  const requests = options.requests ?? 5000;
  const db = await createTestDatabase();
  const secret = 'map-bench-secret-not-for-production-use';
  const server = await startServer({ DATABASE_URL: db.url, AUTH_SECRET: secret }, 180_000);
  try {
    const admin = await Auth.create(secret).sign({ userId: 'bench', role: 'admin' });
    const created = await fetch(`${server.url}/api/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify(stadiumDefinition(EVENT_ID)),
    });
    if (created.status !== 201) throw new Error(`creating the event: ${created.status} ${await created.text()}`);
    const info = (await (await fetch(`${server.url}/api/events/${EVENT_ID}`)).json()) as { seats: number; mapVersion: string };
    const base = `${server.url}/api/events/${EVENT_ID}/map/v/${info.mapVersion}`;
    const bytes = { v1: { identity: 0, gzip: 0, br: 0 }, compact: { identity: 0, gzip: 0, br: 0 } };
    for (const form of ['v1', 'compact'] as const) {
      for (const coding of ['identity', 'gzip', 'br'] as const) {
        const reply = await get(`${base}?form=${form}`, { 'accept-encoding': coding });
        bytes[form][coding] = reply.bytes;
      }
    }
    const snapshotUrl = `${server.url}/api/events/${EVENT_ID}/snapshot`;
    const snapshotBytes = { packed: (await get(snapshotUrl, {})).bytes, bytes: (await get(`${snapshotUrl}?packing=bytes`, {})).bytes };
    const pid = server.child.pid!;
    // Warm: every body is made and compressed before CPU is counted.
    const v1Requests = Math.max(20, Math.round(requests / 100));
    const compactBr = await cpuPerRequest(pid, `${base}?form=compact`, { 'accept-encoding': 'br' }, requests);
    const v1Identity = await cpuPerRequest(pid, `${base}?form=v1`, {}, v1Requests, 2);
    const snapshotPacked = await cpuPerRequest(pid, snapshotUrl, {}, requests);
    return {
      seats: info.seats,
      bytes,
      mapBytes100k: { gzip: bytes.compact.gzip, br: bytes.compact.br },
      mapBytesTarget: BYTES_TARGET,
      cpuMsPerRequest: { compactBr: round(compactBr), v1Identity: round(v1Identity), snapshotPacked: round(snapshotPacked) },
      cpuTargetMs: CPU_TARGET_MS,
      requests: { compactBr: requests, v1Identity: v1Requests, snapshotPacked: requests },
      snapshotBytes,
    };
  } finally {
    await server.stop();
    await db.drop();
  }
}

/** The figures as printed. */
export function mapReport(f: MapFigures): string {
  const kb = (n: number): string => `${(n / 1024).toFixed(1)} KiB`;
  const ratio = (n: number): string => `${((n / f.bytes.v1.identity) * 100).toFixed(2)} % of v1 uncompressed`;
  return [
    `Map on the wire: ${f.seats.toLocaleString('en')} seats (stadium of curved stands)`,
    '| figure | value |',
    '|---|---|',
    `| baseline: v1 JSON, uncompressed | ${kb(f.bytes.v1.identity)} |`,
    `| v1 JSON, gzip / br | ${kb(f.bytes.v1.gzip)} / ${kb(f.bytes.v1.br)} |`,
    `| compact, uncompressed | ${kb(f.bytes.compact.identity)} (${ratio(f.bytes.compact.identity)}) |`,
    `| mapBytes100k: compact gzip / br (target ≤ ${kb(f.mapBytesTarget)}) | ${kb(f.mapBytes100k.gzip)} / ${kb(f.mapBytes100k.br)} (br ${ratio(f.mapBytes100k.br)}) |`,
    `| server CPU per request, compact br from memory (target ≤ ${f.cpuTargetMs} ms), over ${f.requests.compactBr} requests | ${f.cpuMsPerRequest.compactBr} ms |`,
    `| baseline: server CPU per request, v1 uncompressed, over ${f.requests.v1Identity} requests | ${f.cpuMsPerRequest.v1Identity} ms (compact br / v1 = ${round(f.cpuMsPerRequest.compactBr / f.cpuMsPerRequest.v1Identity)}) |`,
    `| live snapshot over HTTP (the page's second preload), packed / one byte per seat | ${f.snapshotBytes.packed} B / ${kb(f.snapshotBytes.bytes)} |`,
    `| server CPU per snapshot request, packed, shared frame, over ${f.requests.snapshotPacked} requests | ${f.cpuMsPerRequest.snapshotPacked} ms (/ compact br map request = ${round(f.cpuMsPerRequest.snapshotPacked / f.cpuMsPerRequest.compactBr)}) |`,
  ].join('\n');
}

/** `npm run bench -- --map [--requests n] [--json file]` (default bench/results/map.json). */
export async function runMapBench(args: string[]): Promise<void> {
  const value = (name: string): string | undefined => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const figures = await measureMap({ requests: Number(value('--requests') ?? 5000) });
  process.stdout.write(`${mapReport(figures)}\n`);
  const json = value('--json') ?? fileURLToPath(new URL('./results/map.json', import.meta.url));
  writeFileSync(json, `${JSON.stringify({ ...figures, measuredAt: new Date().toISOString() }, null, 2)}\n`);
  process.stdout.write(`written to ${json}\n`);
}
