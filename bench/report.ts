// The bench's results: the JSON written to bench/results/latest.json and the markdown table printed
// for README.md.
import { cpus, totalmem } from 'node:os';
import type { LoadStats } from './load/load-driver';
import { round } from './stats';

/** The machine the figures were measured on. */
export interface Machine {
  cpus: number;
  model: string;
  memGb: number;
  node: string;
}

/** The machine this process runs on. */
export function describeMachine(): Machine {
  return {
    cpus: cpus().length,
    model: cpus()[0]?.model.trim() ?? 'unknown',
    memGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  };
}

/** latest.json: the headline figures flat (issue 6's fields), the details below them. */
export interface BenchResult {
  holdOpsPerSec: number;
  holdP50Ms: number;
  holdP99Ms: number;
  holdP999Ms: number;
  pingOpsPerSec: number;
  holdVsPingRatio: number;
  holdOpsPerSec100Events: number;
  holdP99Ms100Events: number;
  baselineHoldOpsPerSec: number | null;
  baselineHoldP99Ms: number | null;
  holdRatio: number | null;
  purchasesPerSec: number;
  purchaseP99Ms: number;
  purchaseTotalP99Ms: number;
  baselinePurchasesPerSec: number | null;
  baselinePurchaseP99Ms: number | null;
  purchaseRatio: number | null;
  fanoutViewers: number | null;
  fanoutP99Ms: number | null;
  bytesPerConnection: number | null;
  snapshotBytes100k: number | null;
  activationMs100k: number | null;
  cpuMsPer1000Commands: number;
  machine: Machine;
  date: string;
  mode: 'full' | 'quick';
  command: string;
  settings: { connections: number; depth: number; workers: number; warmupS: number; durationS: number; serverEnv: Record<string, string> };
  /** Every measured run in full, for whoever wants more than the headline. */
  runs: Record<string, LoadStats | LoadStats[] | object>;
  /** What was not measured or did not go as planned. */
  notes: string[];
  elapsedS: number;
}

/** `a / b` to two decimals, or null when either is missing or b is 0. */
export function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a === null || a === undefined || b === null || b === undefined || b === 0) return null;
  return round(a / b);
}

const fmt = (x: number | null, unit = ''): string => (x === null ? 'n/a' : `${x.toLocaleString('en-US')}${unit}`);
const times = (x: number | null): string => (x === null ? 'n/a' : `${x}×`);

/** The results as a markdown table, with the command that produced them. */
export function markdownTable(r: BenchResult): string {
  const rows: string[][] = [
    ['hold+release, one hot event (commands/s)', fmt(r.holdOpsPerSec), fmt(r.baselineHoldOpsPerSec), times(r.holdRatio), '≥ 40,000; ≥ 15× baseline'],
    ['  p50 / p99 / p999 (ms)', `${r.holdP50Ms} / ${r.holdP99Ms} / ${r.holdP999Ms}`, fmt(r.baselineHoldP99Ms, ' (p99)'), '', 'p99 ≤ 10, below baseline'],
    ['ping/pong floor, same connections (/s)', fmt(r.pingOpsPerSec), '', `hold/ping ${r.holdVsPingRatio}`, ''],
    ['hold+release, 100 events (commands/s)', fmt(r.holdOpsPerSec100Events), '', `p99 ${r.holdP99Ms100Events} ms`, ''],
    ['durable purchases (hold+buy)/s', fmt(r.purchasesPerSec), fmt(r.baselinePurchasesPerSec), times(r.purchaseRatio), '≥ 10,000; ≥ 12× baseline'],
    ['  buy p99 (ms)', fmt(r.purchaseP99Ms), fmt(r.baselinePurchaseP99Ms), '', '≤ 30, below baseline'],
    [`one diff to ${fmt(r.fanoutViewers)} viewers, p99 (ms)`, fmt(r.fanoutP99Ms), '', '', '≤ 300 at 19,000'],
    ['server RSS per idle viewer (bytes)', fmt(r.bytesPerConnection), '', '', '≤ 2,048'],
    ['100k-seat snapshot (bytes)', fmt(r.snapshotBytes100k), '', '', '≤ 40,960'],
    ['100k-seat activation (ms)', fmt(r.activationMs100k), '', '', '≤ 500'],
    ['server CPU per 1,000 hold/release (ms)', fmt(r.cpuMsPer1000Commands), '', '', ''],
  ];
  const lines = [
    '| measure | Aisle | conventional baseline | ratio | target |',
    '|---|---:|---:|---:|---|',
    ...rows.map((cells) => `| ${cells.join(' | ')} |`),
  ];
  const m = r.machine;
  return (
    `${lines.join('\n')}\n\n` +
    `\`${r.command}\` (${r.mode}: ${r.settings.connections} connections × depth ${r.settings.depth}, ` +
    `${r.settings.durationS} s per scenario after ${r.settings.warmupS} s warm-up; ` +
    `${Object.keys(r.settings.serverEnv).length > 0 ? `Aisle with ${Object.entries(r.settings.serverEnv).map(([k, v]) => `${k}=${v}`).join(' ')}; ` : ''}` +
    `${m.cpus} × ${m.model}, ${m.memGb} GB, ` +
    `Node ${m.node}, load generator on the same machine; ${r.date})`
  );
}
