// Prometheus metrics of one node, in one registry (no global default registry: tests run several
// servers in one process).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The node's metrics. */
export class Metrics {
  readonly registry = new Registry();
  readonly commands = new Counter({
    name: 'aisle_commands_total',
    help: 'Commands decided by actors, by type and outcome (ok or an error code)',
    labelNames: ['type', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly requests = new Counter({
    name: 'aisle_ws_requests_total',
    help: 'WebSocket requests by type and outcome',
    labelNames: ['type', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly requestSeconds = new Histogram({
    name: 'aisle_ws_request_seconds',
    help: 'Time from a WebSocket request frame to its reply',
    labelNames: ['type'] as const,
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
  readonly connections = new Gauge({
    name: 'aisle_ws_connections',
    help: 'Open WebSocket connections',
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

  // Hot-path helpers: prom-client hashes the label set on every call; these keep one child per label
  // combination instead (a handful of types × outcomes).
  private readonly children = new Map<string, { inc(): void }>();
  private readonly timers = new Map<string, { observe(value: number): void }>();

  /** Counts one WebSocket request by type and outcome. */
  countRequest(type: string, outcome: string): void {
    this.child(this.requests, 'r', type, outcome).inc();
  }

  /** Counts one actor command by type and outcome. */
  countCommand(type: string, outcome: string): void {
    this.child(this.commands, 'c', type, outcome).inc();
  }

  /** Records how long a WebSocket request took, in seconds. */
  timeRequest(type: string, seconds: number): void {
    let timer = this.timers.get(type);
    if (!timer) {
      timer = this.requestSeconds.labels({ type });
      this.timers.set(type, timer);
    }
    timer.observe(seconds);
  }

  private child(counter: Counter<'type' | 'outcome'>, kind: string, type: string, outcome: string): { inc(): void } {
    const key = `${kind}\0${type}\0${outcome}`;
    let child = this.children.get(key);
    if (!child) {
      child = counter.labels({ type, outcome });
      this.children.set(key, child);
    }
    return child;
  }
}
