// Frees the memory of events nobody uses: an actor idle for `idleMs` is passivated (it stops taking
// commands, lets purchases in flight commit, publishes its last diff and is dropped; the next command
// reactivates it from Postgres). An actor with live holds is left alone: in single-node mode holds
// live only in memory, so passivating it would drop holds that were acknowledged, and even with a
// journal the expiry timers of its holds run in the actor.
import type { Logger } from 'pino';
import type { Clock } from '../actor/clock';
import type { EventActor } from '../actor/event-actor';
import type { JobMetrics } from '../observability/job-metrics';

/** What passivation needs of the actor registry. */
export interface PassivationTarget {
  all(): EventActor[];
  passivate(actor: EventActor): Promise<boolean>;
}

/** Whether an actor may be passivated at `now`. */
export function isIdle(actor: EventActor, now: number, idleMs: number): boolean {
  return !actor.isStopped && now - actor.lastActivity >= idleMs && actor.holdCount === 0 && actor.commitDepth === 0;
}

/** Passivates the idle actors of this node. */
export class Passivator {
  constructor(
    private readonly registry: PassivationTarget,
    private readonly clock: Clock,
    private readonly idleMs: number,
    private readonly metrics: JobMetrics | null,
    private readonly log: Logger,
  ) {}

  /** One sweep; returns the events passivated. */
  async sweep(): Promise<string[]> {
    const passivated: string[] = [];
    for (const actor of this.registry.all()) {
      // Checked again for each actor: the sweep awaits between them.
      if (!isIdle(actor, this.clock.now(), this.idleMs)) continue;
      if (await this.registry.passivate(actor)) {
        passivated.push(actor.eventId);
        this.metrics?.passivated.inc();
      }
    }
    if (passivated.length > 0) this.log.info({ events: passivated }, 'passivated idle actors');
    return passivated;
  }
}
