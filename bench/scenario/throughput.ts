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
  /** Runs repeated when other processes took CPU in the window (the machine is shared). */
  noisyRetries: number;
}

/** Other processes' CPU (cores) in a window above which the run counts as noisy. */
export const NOISY_OTHER_CORES = 0.15;

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
    const tokens = await this.connectionTokens(shape);
    return this.leastNoisy(() => this.run('ping', pingPlan(shape, tokens), 1));
  }

  /** hold one seat → release it, per chain, spread over `events`. */
  async hold(shape: Shape, events: BenchEvent[]): Promise<LoadStats> {
    const tokens = await this.connectionTokens(shape);
    return this.leastNoisy(() => this.run('hold', holdPlan(shape, tokens, events), events[0].maxSeatsPerUser));
  }

  /** hold one seat → buy it, each chain through its own seats of `events`; every attempt buys other
   * seats as other users. */
  async purchase(shape: Shape, events: BenchEvent[]): Promise<LoadStats> {
    const attempts = this.settings.noisyRetries + 1;
    let attempt = 0;
    return this.leastNoisy(async () => {
      const plan = await purchasePlan(shape, this.auth, `${this.users}-buy${attempt}`, events, attempt++, attempts);
      return this.run('purchase', plan, events[0].maxSeatsPerUser);
    });
  }

  /** Runs `measure` again (up to noisyRetries times) while other processes took CPU in its window,
   * and keeps the quietest run. */
  private async leastNoisy(measure: () => Promise<LoadStats>): Promise<LoadStats> {
    let best = await measure();
    for (let retry = 0; retry < this.settings.noisyRetries && best.cpu.otherCores > NOISY_OTHER_CORES; retry++) {
      process.stderr.write(`[bench]   other processes took ${best.cpu.otherCores} cores: measuring again\n`);
      const again = await measure();
      if (again.cpu.otherCores < best.cpu.otherCores) best = again;
    }
    return best;
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
