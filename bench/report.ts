// The bench's results: the JSON written to bench/results/latest.json and the markdown table printed
// for README.md.
import { cpus, totalmem } from 'node:os';
import type { FanoutHeadline } from './fanout/fanout-bench';
import { fanoutRows } from './fanout/fanout-bench';
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

/** latest.json: the headline figures flat, the details below them. */
export interface BenchResult extends FanoutHeadline {
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
  /** Packed snapshot frame of a fresh 100,000-seat event. */
  snapshotBytes100k: number | null;
  /** Its v1 (byte per seat) frame: the baseline. */
  snapshotBytes100kV1?: number | null;
  /** Packed, with 30% sold in blocks of whole rows and scattered holds. */
  snapshotBytes100kSold30?: number | null;
  /** The same state's v1 frame. */
  snapshotBytes100kSold30V1?: number | null;
  activationMs100k: number | null;
  /** Activation of the same layout stored as before compact layouts (seats from the definition's JSON). */
  activationMs100kLegacy?: number | null;
  /** Targets of the snapshot figures. */
  snapshotTargets?: Record<string, number>;
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
    ['hold+release, one hot event (commands/s)', fmt(r.holdOpsPerSec), fmt(r.baselineHoldOpsPerSec), times(r.holdRatio), '≥ 50,000; ≥ 15× baseline'],
    ['  p50 / p99 / p999 (ms)', `${r.holdP50Ms} / ${r.holdP99Ms} / ${r.holdP999Ms}`, fmt(r.baselineHoldP99Ms, ' (p99)'), '', 'p99 ≤ 8, below baseline'],
    ['ping/pong floor, same connections (/s)', fmt(r.pingOpsPerSec), '', `hold/ping ${r.holdVsPingRatio}`, ''],
    ['hold+release, 100 events (commands/s)', fmt(r.holdOpsPerSec100Events), '', `p99 ${r.holdP99Ms100Events} ms`, ''],
    ['durable purchases (hold+buy)/s', fmt(r.purchasesPerSec), fmt(r.baselinePurchasesPerSec), times(r.purchaseRatio), '≥ 10,000; ≥ 10× baseline'],
    ['  buy p99 (ms)', fmt(r.purchaseP99Ms), fmt(r.baselinePurchaseP99Ms), '', '≤ 20, below baseline'],
    // Fan-out: the baseline column is the same node with one process sending every frame.
    ...fanoutRows(r),
    // Snapshots: the baseline column is the v1 snapshot (one byte per seat) of the same state.
    ['100k-seat snapshot, packed, fresh (bytes)', fmt(r.snapshotBytes100k), fmt(r.snapshotBytes100kV1 ?? null), times(ratio(r.snapshotBytes100kV1, r.snapshotBytes100k)), '≤ 1,024'],
    ['  30% sold in row blocks + holds (bytes)', fmt(r.snapshotBytes100kSold30 ?? null), fmt(r.snapshotBytes100kSold30V1 ?? null), times(ratio(r.snapshotBytes100kSold30V1, r.snapshotBytes100kSold30)), '≤ 16,384'],
    // Activation: the baseline column is the same layout read from the definition's JSON (the old path).
    ['100k-seat activation (ms)', fmt(r.activationMs100k), fmt(r.activationMs100kLegacy ?? null), times(ratio(r.activationMs100kLegacy, r.activationMs100k)), '≤ 200'],
    ['server CPU per 1,000 hold/release (ms)', fmt(r.cpuMsPer1000Commands), '', '', '≤ 12'],
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
