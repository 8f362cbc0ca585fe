// Fan-out over gateway edges against the single sender, in one run: the same event and viewer
// processes, first with the node's own process sending every frame (GATEWAY_WORKERS=0, the path
// without edges), then with its sockets spread over edge processes. `npm run bench` runs it inside the
// full bench (bench/run.ts); `npm run bench -- --fanout-only` runs only this and writes
// bench/results/fanout.json.
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { mkdirSync, writeFileSync } from 'node:fs';
import type { BenchContext } from '../context';
import { RESULTS_DIR } from '../context';
import type { BenchEvent } from '../scenario/bench-events';
import { benchEvent, createEvents } from '../scenario/bench-events';
import { round } from '../stats';
import type { FanoutFigures, FanoutLevel } from './fanout';
import { measureFanout } from './fanout';

/** Node flags that let the bench run a full GC in the server's processes (SIGUSR2) before reading memory. */
export const GC_ON_SIGNAL = ['--expose-gc', '--require', fileURLToPath(new URL('../system/gc-on-signal.cjs', import.meta.url))];
/** Viewers one edge should hold at most: a process may hold 20,000 file descriptors here. */
const VIEWERS_PER_EDGE = 15_000;
/** The watched event: small, so each viewer's snapshot is small. */
export const FANOUT_EVENT_SEATS = 1_000;
/** Diffs sent per level. */
const QUICK_ROUNDS = 3;
const FULL_ROUNDS = 5;

/** Both fan-out measurements. */
export interface FanoutComparison {
  /** The node's own process sends every frame (GATEWAY_WORKERS=0). */
  single: FanoutFigures;
  /** Gateway edges send them (GATEWAY_WORKERS=edges), every level over the edge count it ran with. */
  edges: FanoutFigures;
  /** Edges at the level compared with the single sender (one per core where they hold its viewers). */
  edgeCount: number;
  /** Edges each level ran over (viewers → edges). */
  edgesByLevel: Record<number, number>;
}

/** The headline figures (latest.json, fanout.json). */
export interface FanoutHeadline {
  /** Viewers of the level both measured (19,000 in a full run). */
  fanoutViewers: number | null;
  /** p99 of one diff to them over the gateway edges. */
  fanoutP99Ms: number | null;
  /** The same with one sending process, and how many times slower that is. */
  fanoutSingleSenderP99Ms: number | null;
  fanoutSpeedup: number | null;
  fanoutEdges: number;
  /** Live bytes per idle viewer over every server process, at the largest level over the edges. */
  bytesPerConnection: number | null;
  /** The same with one process at the compared level. */
  singleSenderBytesPerConnection: number | null;
  /** The most viewers that each got every diff, in order (over the edges), and that level's p99. */
  maxViewersMeasured: number | null;
  maxViewersP99Ms: number | null;
  /** Edges at that level. */
  maxViewersEdges: number | null;
}

/** Edges for `levels`: one per core, and enough that none holds more than VIEWERS_PER_EDGE. */
export function edgeCountFor(levels: number[]): number {
  return Math.max(availableParallelism(), Math.ceil(Math.max(...levels) / VIEWERS_PER_EDGE));
}

/**
 * The levels grouped by the edges they run over: as an operator would run it, one edge per core while
 * those hold the viewers, more only for the levels that need them (more processes than cores cost
 * context switches on every diff).
 */
export function edgeGroups(levels: number[]): { edges: number; levels: number[] }[] {
  const groups = new Map<number, number[]>();
  for (const level of levels) {
    const edges = edgeCountFor([level]);
    groups.set(edges, [...(groups.get(edges) ?? []), level]);
  }
  return [...groups].sort((a, b) => a[0] - b[0]).map(([edges, grouped]) => ({ edges, levels: grouped }));
}

/** Measures the single sender on `single` (already serving `watched`), stops it, then the edges on a node of their own. */
export async function compareFanout(
  ctx: BenchContext,
  single: { server: Awaited<ReturnType<BenchContext['startServer']>>; stop: () => Promise<void> },
  databaseUrl: string,
  env: Record<string, string>,
  watched: BenchEvent,
): Promise<FanoutComparison> {
  const rounds = ctx.options.mode === 'quick' ? QUICK_ROUNDS : FULL_ROUNDS;
  const singleFigures = await measureFanout(ctx, single.server, watched, ctx.options.fanoutViewers, rounds);
  if (singleFigures.stoppedBy) ctx.notes.push(`fan-out (single sender) stopped: ${singleFigures.stoppedBy}`);
  await single.stop();
  const measured: FanoutFigures[] = [];
  const edgesByLevel: Record<number, number> = {};
  for (const group of edgeGroups(ctx.options.edgeViewers)) {
    // One node per database at a time: the single sender (or the previous group's node) has stopped.
    const server = await ctx.startServer(`aisle (fan-out over ${group.edges} gateway edges)`, 'src/main.ts', databaseUrl, { ...env, GATEWAY_WORKERS: String(group.edges) }, GC_ON_SIGNAL, false);
    const figures = await measureFanout(ctx, server, watched, group.levels, rounds);
    await server.stop();
    for (const level of figures.levels) edgesByLevel[level.viewers] = group.edges;
    if (figures.stoppedBy) ctx.notes.push(`fan-out (${group.edges} gateway edges) stopped: ${figures.stoppedBy}`);
    measured.push(figures);
    if (figures.stoppedBy) break;
  }
  // The first group's memory baseline, every group's levels, and why the last one stopped, if it did.
  const edges: FanoutFigures = { ...measured[0]!, levels: measured.flatMap((f) => f.levels), stoppedBy: measured.at(-1)!.stoppedBy };
  const compared = [...edges.levels].reverse().find((e) => singleFigures.levels.some((l) => l.viewers === e.viewers));
  const edgeCount = compared ? edgesByLevel[compared.viewers]! : edgeCountFor(ctx.options.edgeViewers);
  return { single: singleFigures, edges, edgeCount, edgesByLevel };
}

/** The headline figures of a comparison. */
export function fanoutHeadline(c: FanoutComparison): FanoutHeadline {
  const common = [...c.edges.levels].reverse().find((e) => c.single.levels.some((s) => s.viewers === e.viewers)) ?? null;
  const single = common ? (c.single.levels.find((s) => s.viewers === common.viewers) ?? null) : null;
  const complete = c.edges.levels.filter((l: FanoutLevel) => l.gaps === 0);
  const top = complete.at(-1) ?? null;
  return {
    fanoutViewers: common?.viewers ?? null,
    fanoutP99Ms: common?.latency.p99 ?? null,
    fanoutSingleSenderP99Ms: single?.latency.p99 ?? null,
    fanoutSpeedup: single && common && common.latency.p99 > 0 ? round(single.latency.p99 / common.latency.p99) : null,
    fanoutEdges: c.edgeCount,
    bytesPerConnection: c.edges.levels.at(-1)?.bytesPerConnection ?? null,
    singleSenderBytesPerConnection: single?.bytesPerConnection ?? null,
    maxViewersMeasured: top?.viewers ?? null,
    maxViewersP99Ms: top?.latency.p99 ?? null,
    maxViewersEdges: top ? (c.edgesByLevel[top.viewers] ?? null) : null,
  };
}

/** The headline as printed rows: measure, over the edges, single sender, ratio, target. */
export function fanoutRows(h: FanoutHeadline): string[][] {
  const fmt = (x: number | null): string => (x === null ? 'n/a' : x.toLocaleString('en-US'));
  return [
    [`one diff to ${fmt(h.fanoutViewers)} viewers, p99 (ms), ${h.fanoutEdges} edges vs one sender`, fmt(h.fanoutP99Ms), fmt(h.fanoutSingleSenderP99Ms), h.fanoutSpeedup === null ? 'n/a' : `${h.fanoutSpeedup}× faster`, '≤ 160 at 19,000'],
    ['server memory per idle viewer (bytes)', fmt(h.bytesPerConnection), fmt(h.singleSenderBytesPerConnection), '', '≤ 1,024'],
    ['most concurrent viewers, each got every diff in order', fmt(h.maxViewersMeasured), '', `p99 ${fmt(h.maxViewersP99Ms)} ms, ${fmt(h.maxViewersEdges)} edges`, '≥ 50,000'],
  ];
}

/** `npm run bench -- --fanout-only`: the comparison alone, written to bench/results/fanout.json. */
export async function runFanoutOnly(ctx: BenchContext, command: string): Promise<void> {
  const started = Date.now();
  const watched = benchEvent('aisle-fanout', FANOUT_EVENT_SEATS);
  const databaseUrl = await ctx.createDatabase();
  const env = { AISLE_DEMO: '0', ...ctx.options.serverEnv };
  const server = await ctx.startServer('aisle (fan-out, one sender)', 'src/main.ts', databaseUrl, { ...env, GATEWAY_WORKERS: '0' }, GC_ON_SIGNAL, false);
  await createEvents(server.url, ctx.adminToken, [watched]);
  const comparison = await compareFanout(ctx, { server, stop: () => server.stop() }, databaseUrl, env, watched);
  const headline = fanoutHeadline(comparison);
  const result = { ...headline, mode: ctx.options.mode, command, date: new Date().toISOString(), runs: comparison, notes: ctx.notes, elapsedS: Math.round((Date.now() - started) / 1000) };
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(`${RESULTS_DIR}fanout.json`, `${JSON.stringify(result, null, 2)}\n`);
  const rows = fanoutRows(headline).map((cells) => `| ${cells.join(' | ')} |`);
  process.stdout.write(`\n| measure | gateway edges | one sender | ratio | target |\n|---|---:|---:|---:|---|\n${rows.join('\n')}\n\n`);
  for (const note of ctx.notes) process.stdout.write(`note: ${note}\n`);
  ctx.log('wrote bench/results/fanout.json');
}
