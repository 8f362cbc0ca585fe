// Prometheus metrics of one node, in one registry (no global default registry: tests run several
// servers in one process).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { BatchedHistogram } from './batched-histogram';

/** The node's metrics. */
export class Metrics {
  readonly registry = new Registry();
  readonly commands: Counter<'type' | 'outcome'> = new Counter({
    name: 'aisle_commands_total',
    help: 'Commands decided by actors, by type and outcome (ok or an error code)',
    labelNames: ['type', 'outcome'] as const,
    registers: [this.registry],
    // Counted in plain numbers on the hot path, added to the counter when it is read (a scrape).
    collect: (): void => this.flush(this.pendingCommands, this.commands),
  });
  readonly requests: Counter<'type' | 'outcome'> = new Counter({
    name: 'aisle_ws_requests_total',
    help: 'WebSocket requests by type and outcome',
    labelNames: ['type', 'outcome'] as const,
    registers: [this.registry],
    collect: (): void => this.flush(this.pendingRequests, this.requests),
  });
  // Observed once per request: a histogram without prom-client's per-observation label hashing.
  readonly requestSeconds = new BatchedHistogram({
    name: 'aisle_ws_request_seconds',
    help: 'Time from a WebSocket request frame to its reply',
    labelName: 'type',
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });
  readonly commitBatchSize = new Histogram({
    name: 'aisle_commit_batch_size',
    help: 'Orders per group-commit transaction',
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000],
    registers: [this.registry],
  });
  readonly commitSeconds = new Histogram({
    name: 'aisle_commit_seconds',
    help: 'Duration of one group-commit transaction',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });
  readonly commitEpochRefusals = new Counter({
    name: 'aisle_commit_epoch_refusals_total',
    help: 'Orders whose commit the epoch check refused: a newer owner had claimed the event (a paused or partitioned old owner)',
    registers: [this.registry],
  });
  readonly connections = new Gauge({
    name: 'aisle_ws_connections',
    help: 'Open WebSocket connections',
    registers: [this.registry],
  });
  readonly uwsBuild = new Gauge({
    name: 'aisle_uws_build',
    help: 'The uWebSockets.js build serving this process (1), by package, version and Node ABI',
    labelNames: ['package', 'version', 'node_abi'] as const,
    registers: [this.registry],
  });
  readonly uwsBuildSkipped = new Gauge({
    name: 'aisle_uws_build_skipped',
    help: 'uWebSockets.js builds tried first and not used (1), with the reason',
    labelNames: ['package', 'version', 'reason'] as const,
    registers: [this.registry],
  });
  readonly slowConsumersDropped = new Counter({
    name: 'aisle_ws_slow_consumers_dropped_total',
    help: 'Connections closed because they stopped reading (backpressure limit)',
    registers: [this.registry],
  });
  readonly rateLimited = new Counter({
    name: 'aisle_rate_limited_total',
    help: 'Requests refused with rate_limited, by the limit that refused them (connection or user)',
    labelNames: ['scope'] as const,
    registers: [this.registry],
  });
  readonly connectionsRefused = new Counter({
    name: 'aisle_ws_connections_refused_total',
    help: 'WebSocket upgrades and auth messages refused, by reason (per_ip, per_user cap; unauthorized token)',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly userRateFallbacks = new Counter({
    name: 'aisle_user_rate_limiter_fallbacks_total',
    help: 'Per-user rate decisions made on this node alone because Redis could not answer in time',
    registers: [this.registry],
  });
  readonly leaseRenewals = new Counter({
    name: 'aisle_lease_renewals_total',
    help: 'Ownership leases by renewal outcome: renewed, failed (lease store unreachable or lease not found), recovered (taken back after a lease store restart)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly leaseLosses = new Counter({
    name: 'aisle_lease_losses_total',
    help: 'Events whose actor stopped because this node lost their ownership lease',
    registers: [this.registry],
  });
  /** Where the actors gauge reads its value at scrape time (set by the composition root). */
  countActors: () => number = () => 0;
  readonly actorsActive: Gauge = new Gauge({
    name: 'aisle_actors_active',
    help: 'Event actors running on this node',
    registers: [this.registry],
    collect: (): void => this.actorsActive.set(this.countActors()),
  });
  readonly errors = new Counter({
    name: 'aisle_internal_errors_total',
    help: 'Unexpected errors, by where they happened',
    labelNames: ['context'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  // Hot-path counting in batches: prom-client hashes the label set on every inc, so requests and
  // commands are counted in plain numbers per type and outcome (no allocation once both were seen)
  // and added to the counters in one go when the registry is read.
  private readonly pendingRequests = new Map<string, Map<string, number>>();
  private readonly pendingCommands = new Map<string, Map<string, number>>();

  /** Counts one WebSocket request by type and outcome. */
  countRequest(type: string, outcome: string): void {
    bump(this.pendingRequests, type, outcome);
  }

  /** Counts one actor command by type and outcome. */
  countCommand(type: string, outcome: string): void {
    bump(this.pendingCommands, type, outcome);
  }

  /** Records which uWebSockets.js build serves this process and which were tried before it. */
  recordUwsBuild(
    build: { package: string; version: string },
    skipped: readonly { package: string; version: string; reason: string }[],
  ): void {
    this.uwsBuild.set({ package: build.package, version: build.version, node_abi: process.versions.modules }, 1);
    for (const { package: name, version, reason } of skipped) this.uwsBuildSkipped.set({ package: name, version, reason }, 1);
  }

  /** Records how long a WebSocket request took, in seconds. */
  timeRequest(type: string, seconds: number): void {
    this.requestSeconds.observe(type, seconds);
  }

  /** Adds what was counted since the last read to `counter`. */
  private flush(pending: Map<string, Map<string, number>>, counter: Counter<'type' | 'outcome'>): void {
    for (const [type, outcomes] of pending) {
      for (const [outcome, n] of outcomes) {
        if (n === 0) continue;
        counter.labels({ type, outcome }).inc(n);
        outcomes.set(outcome, 0);
      }
    }
  }
}

function bump(counts: Map<string, Map<string, number>>, type: string, outcome: string): void {
  let outcomes = counts.get(type);
  if (!outcomes) {
    outcomes = new Map();
    counts.set(type, outcomes);
  }
  outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
}
