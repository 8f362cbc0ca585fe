// The cluster bench's results: bench/results/cluster.json and the markdown table it prints.
import type { Machine } from '../report';
import type { DiffFigures, ForwardingFigures } from './probes';
import type { FailoverTrial } from './failover';
import type { SpreadFigures } from './spread-load';

/** The cluster's targets (what the cluster bench must show). */
export const TARGETS = { forwardingAddsP99Ms: 2, crossNodeDiffP99Ms: 100, failoverMs: 5000 } as const;

/** Everything measured on one topology (1 node, or a cluster). */
export interface TopologyFigures {
  nodes: number;
  /** Spread events activated per node. */
  eventsPerNode: Record<string, number>;
  spread: SpreadFigures;
  forwardingIdle: ForwardingFigures;
  forwardingUnderLoad: ForwardingFigures;
  diffsIdle: DiffFigures;
  diffsUnderLoad: DiffFigures;
  failover: FailoverTrial[];
}

/** cluster.json. */
export interface ClusterResult {
  /** Headline figures, flat. */
  holdOpsPerSec1Node: number;
  holdOpsPerSec3Nodes: number;
  /** 3 nodes / 1 node on the same 2 cores (see notes: it cannot be 3×). */
  scaling: number;
  forwardingAddsP99MsIdle: number | null;
  forwardingAddsP99MsUnderLoad: number | null;
  crossNodeDiffP99Ms: number;
  crossNodeDiffP99MsUnderLoad: number;
  failoverMs: number | null;
  targets: typeof TARGETS;
  machine: Machine;
  date: string;
  mode: 'full' | 'quick';
  command: string;
  /** What was measured: HEAD and the server files that differed from it. */
  source: { commit: string; uncommittedSrc: string[] };
  settings: { events: number; connections: number; depth: number; lanes: number; warmupS: number; durationS: number };
  topologies: { oneNode: TopologyFigures; threeNodes: TopologyFigures };
  notes: string[];
  elapsedS: number;
}

const fmt = (x: number | null | undefined, unit = ''): string => (x === null || x === undefined ? 'n/a' : `${x.toLocaleString('en-US')}${unit}`);
const cores = (cpu: Record<string, number>): string =>
  Object.entries(cpu)
    .map(([id, c]) => `${id} ${c}`)
    .join(', ');

/** The markdown table of `r`, with the command that produced it. */
export function clusterTable(r: ClusterResult): string {
  const one = r.topologies.oneNode;
  const three = r.topologies.threeNodes;
  const worstFailover = three.failover.length > 0 ? Math.max(...three.failover.map((t) => t.servedMs)) : null;
  const pass = (ok: boolean | null): string => (ok === null ? '' : ok ? ' ✓' : ' ✗');
  const rows: string[][] = [
    [`hold+release over ${r.settings.events} events (commands/s)`, fmt(r.holdOpsPerSec1Node), `${fmt(r.holdOpsPerSec3Nodes)} (${r.scaling}×)`, 'more than 1 node; not 3× on 2 cores'],
    ['  worst lane p50 / p99 (ms)', `${one.spread.p50Ms} / ${one.spread.p99Ms}`, `${three.spread.p50Ms} / ${three.spread.p99Ms}`, ''],
    ['  CPU per command (µs): all nodes / Redis', `${one.spread.nodeCpuUsPerCommand} / ${one.spread.redisCpuUsPerCommand}`, `${three.spread.nodeCpuUsPerCommand} / ${three.spread.redisCpuUsPerCommand}`, ''],
    ['  CPU cores: Aisle nodes', cores(one.spread.cpu.nodes), cores(three.spread.cpu.nodes), ''],
    ['  CPU cores: load generator / Postgres / Redis / other processes', cpuRest(one.spread), cpuRest(three.spread), ''],
    ['  machine busy (%)', fmt(one.spread.cpu.machineBusyPct), fmt(three.spread.cpu.machineBusyPct), ''],
    ['hold or release, client on the owner, idle: p50 / p99 (ms)', pct(one.forwardingIdle.local), pct(three.forwardingIdle.local), ''],
    ['  client on another node (forwarded), idle', 'n/a', pct(three.forwardingIdle.forwarded), ''],
    ['  forwarding adds, p99 idle (ms)', 'n/a', fmt(r.forwardingAddsP99MsIdle) + pass(r.forwardingAddsP99MsIdle === null ? null : r.forwardingAddsP99MsIdle <= TARGETS.forwardingAddsP99Ms), `≤ ${TARGETS.forwardingAddsP99Ms}`],
    ['  owner / forwarded during the hold load: p99 (ms)', fmt(one.forwardingUnderLoad.local.p99), `${fmt(three.forwardingUnderLoad.local.p99)} / ${fmt(three.forwardingUnderLoad.forwarded?.p99)}`, ''],
    ['  forwarding adds, p99 during the hold load (ms)', 'n/a', fmt(r.forwardingAddsP99MsUnderLoad), ''],
    ['purchase → diff on a viewer of another node, p99 (ms)', `${fmt(one.diffsIdle.buyToDiff.p99)} (same node)`, fmt(r.crossNodeDiffP99Ms) + pass(r.crossNodeDiffP99Ms <= TARGETS.crossNodeDiffP99Ms), `≤ ${TARGETS.crossNodeDiffP99Ms}`],
    ['  order received → diff received, p99 (ms)', fmt(one.diffsIdle.orderToDiff.p99), fmt(three.diffsIdle.orderToDiff.p99), ''],
    ['  purchase → diff during the hold load, p99 (ms)', fmt(one.diffsUnderLoad.buyToDiff.p99), fmt(r.crossNodeDiffP99MsUnderLoad), ''],
    ['failover: kill -9 of the owner → served again (ms)', 'n/a', three.failover.map((t) => t.servedMs).join(', ') + pass(worstFailover === null ? null : worstFailover <= TARGETS.failoverMs), `≤ ${TARGETS.failoverMs}`],
    ['  ring dropped the node / lease let go (ms)', 'n/a', three.failover.map((t) => `${fmt(t.ringMs)} / ${fmt(t.leaseMs)}`).join(', '), ''],
    ['  acknowledged hold survived', 'n/a', three.failover.map((t) => (t.holdSurvived ? 'yes' : 'NO')).join(', '), 'yes'],
  ];
  const lines = ['| measure | 1 node | 3 nodes | target |', '|---|---:|---:|---|', ...rows.map((cells) => `| ${cells.join(' | ')} |`)];
  const m = r.machine;
  const s = r.settings;
  return (
    `${lines.join('\n')}\n\n` +
    `\`${r.command}\` (${r.mode}: ${s.events} events, ${s.connections} connections × depth ${s.depth} in ${s.lanes} load threads, ` +
    `${s.durationS} s after ${s.warmupS} s warm-up; ${m.cpus} × ${m.model}, ${m.memGb} GB, Node ${m.node}; every node, Postgres, ` +
    `Redis and the load generator on the same machine; ${r.date})`
  );
}

function pct(p: { p50: number; p99: number } | null): string {
  return p ? `${p.p50} / ${p.p99}` : 'n/a';
}

function cpuRest(spread: SpreadFigures): string {
  return `${spread.cpu.bench} / ${spread.cpu.postgres} / ${spread.cpu.redis} / ${spread.cpu.other}`;
}
