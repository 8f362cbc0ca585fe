// The node-cron schedules of a node. A `cluster` schedule runs once per cron slot in the whole cluster:
// node-cron asks its run coordinator before each slot, and ours claims the slot in Postgres under
// pg_try_advisory_xact_lock (ScheduleStore.claimRun), so it works the same with one node or many,
// before any cluster membership exists. A `node` schedule runs on every node over what that node owns
// (its actors): once per event, by the event's owner.
import cron from 'node-cron';
import type { RunCoordinator, ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import type { Clock } from '../actor/clock';
import type { JobMetrics } from '../observability/job-metrics';
import type { ScheduleStore } from '../store/outbox-store';

/** One schedule. */
export interface ScheduleSpec {
  name: string;
  /** 6 fields, with seconds. */
  cron: string;
  scope: 'cluster' | 'node';
  /** How long a cluster run may take before another node may run the next slot (ms). */
  leaseMs: number;
  /** One run; `slot` is the cron time it runs for. */
  run(slot: Date): Promise<void>;
}

/** node-cron's key for a slot is `<task name>:<slot ISO>`. */
function slotOf(key: string, name: string): number {
  return Date.parse(key.slice(name.length + 1));
}

/** Elects one node per cluster schedule slot through Postgres. */
class PostgresRunCoordinator implements RunCoordinator {
  constructor(
    private readonly name: string,
    private readonly store: ScheduleStore,
    private readonly clock: Clock,
    private readonly nodeId: string,
  ) {}

  shouldRun(key: string, ttlMs: number): Promise<boolean> {
    const now = this.clock.now();
    return this.store.claimRun(this.name, slotOf(key, this.name), this.nodeId, now, now + ttlMs);
  }

  async onComplete(key: string): Promise<void> {
    await this.store.finishRun(this.name, slotOf(key, this.name), this.clock.now());
  }
}

/** The schedules of this node. */
export class Schedules {
  private readonly tasks: ScheduledTask[] = [];
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly store: ScheduleStore,
    private readonly clock: Clock,
    private readonly nodeId: string,
    private readonly metrics: JobMetrics | null,
    private readonly log: Logger,
  ) {}

  /** Creates and starts a schedule. */
  add(spec: ScheduleSpec): void {
    const task = cron.createTask(spec.cron, (context) => this.runOnce(spec, context.date), {
      name: spec.name,
      // A slow run on this node is skipped over rather than stacked.
      noOverlap: true,
      distributed: spec.scope === 'cluster',
      runCoordinator: spec.scope === 'cluster' ? new PostgresRunCoordinator(spec.name, this.store, this.clock, this.nodeId) : undefined,
      distributedLease: spec.leaseMs,
      // Schedules never keep a draining process alive.
      unref: true,
      logger: {
        info: () => undefined,
        debug: () => undefined,
        warn: (message) => this.log.debug({ schedule: spec.name }, message),
        error: (message) => this.log.warn({ schedule: spec.name, err: message }, 'schedule error'),
      },
    });
    task.on('execution:skipped', () => this.metrics?.scheduleRuns.inc({ schedule: spec.name, outcome: 'skipped' }));
    task.on('execution:overlap', () => this.metrics?.scheduleRuns.inc({ schedule: spec.name, outcome: 'skipped' }));
    void task.start();
    this.tasks.push(task);
  }

  /** Stops every schedule and waits for the runs in progress. */
  async stop(): Promise<void> {
    await Promise.all(this.tasks.map((task) => task.destroy()));
    this.tasks.length = 0;
    await Promise.all(this.running);
  }

  /** One run of a schedule on this node, measured and never throwing. */
  private async runOnce(spec: ScheduleSpec, slot: Date): Promise<void> {
    const started = this.clock.now();
    const run = spec.run(slot).then(
      () => this.metrics?.scheduleRuns.inc({ schedule: spec.name, outcome: 'ran' }),
      (error: unknown) => {
        this.metrics?.scheduleRuns.inc({ schedule: spec.name, outcome: 'failed' });
        this.log.warn({ err: error, schedule: spec.name }, 'schedule run failed');
      },
    );
    this.running.add(run);
    try {
      await run;
    } finally {
      this.running.delete(run);
      const ended = this.clock.now();
      this.metrics?.scheduleSeconds.observe({ schedule: spec.name }, Math.max(0, ended - started) / 1000);
      this.metrics?.scheduleLastRun.set({ schedule: spec.name }, ended / 1000);
    }
  }
}
