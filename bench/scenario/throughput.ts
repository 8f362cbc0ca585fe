// The closed-loop throughput scenarios against one server: ping (the floor), hold + release, purchases.
import type { Auth } from '../../src/gateway/auth';
import type { ConnectionPlan, LoadKind } from '../load/load-job';
import type { LoadStats } from '../load/load-driver';
import { runLoad } from '../load/load-driver';
import type { BenchServer } from '../system/server-process';
import type { BenchEvent } from './bench-events';
import type { Shape } from './plans';
import { connectionTokens, holdPlan, pingPlan, purchasePlan } from './plans';

/** Timing and load generator settings shared by every scenario of a run. */
export interface LoadSettings {
  warmupMs: number;
  durationMs: number;
  workers: number;
  /** Longest wait for other processes to leave the CPUs before a run. */
  quietWaitMs: number;
}

/** Runs the scenarios of one server; `users` prefixes its user ids so servers never share users. */
export class ThroughputScenarios {
  private tokens: string[] = [];

  constructor(
    private readonly server: BenchServer,
    private readonly auth: Auth,
    private readonly users: string,
    private readonly settings: LoadSettings,
  ) {}

  /** ping → pong on `shape`. */
  async ping(shape: Shape): Promise<LoadStats> {
    return this.run('ping', pingPlan(shape, await this.connectionTokens(shape)), 1);
  }

  /** hold one seat → release it, per chain, spread over `events`. */
  async hold(shape: Shape, events: BenchEvent[]): Promise<LoadStats> {
    return this.run('hold', holdPlan(shape, await this.connectionTokens(shape), events), events[0].maxSeatsPerUser);
  }

  /** hold one seat → buy it, each chain through its own seats of `events`. */
  async purchase(shape: Shape, events: BenchEvent[], round: number): Promise<LoadStats> {
    const plan = await purchasePlan(shape, this.auth, `${this.users}-buy${round}`, events);
    return this.run('purchase', plan, events[0].maxSeatsPerUser);
  }

  private async connectionTokens(shape: Shape): Promise<string[]> {
    if (this.tokens.length < shape.connections) this.tokens = await connectionTokens(this.auth, this.users, shape.connections);
    return this.tokens;
  }

  private run(kind: LoadKind, connections: ConnectionPlan[], maxSeatsPerUser: number): Promise<LoadStats> {
    return runLoad({
      host: this.server.host,
      port: this.server.port,
      kind,
      connections,
      maxSeatsPerUser,
      warmupMs: this.settings.warmupMs,
      durationMs: this.settings.durationMs,
      workers: this.settings.workers,
      serverPid: this.server.pid,
      quietWaitMs: this.settings.quietWaitMs,
    });
  }
}
