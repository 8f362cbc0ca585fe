// Compares each active actor's sold seats and places with what Postgres records for its event, and
// exports the difference (metric and log line). They can differ only through a bug or a write that
// bypassed the actor; an actor with a commit in flight is skipped, since its batch may be committed
// in Postgres and not yet applied in memory.
import type { Logger } from 'pino';
import type { EventActor } from '../actor/event-actor';
import type { JobMetrics } from '../observability/job-metrics';
import type { ScheduleStore } from '../store/outbox-store';

/** One event's difference: actor minus Postgres. */
export interface SoldDifference {
  eventId: string;
  seats: number;
  places: number;
}

/** Reconciles this node's actors. */
export class Reconciler {
  constructor(
    private readonly actors: () => EventActor[],
    private readonly store: ScheduleStore,
    private readonly metrics: JobMetrics | null,
    private readonly log: Logger,
  ) {}

  /** One run; returns the differences found (every actor checked, zeros included). */
  async run(): Promise<SoldDifference[]> {
    const quiet = (actor: EventActor): boolean => !actor.isStopped && actor.commitDepth === 0;
    const actors = this.actors().filter(quiet);
    if (actors.length === 0) return [];
    const stored = await this.store.soldCounts(actors.map((a) => a.eventId));
    const differences: SoldDifference[] = [];
    this.metrics?.reconcileDifference.reset();
    for (const actor of actors) {
      // A purchase may have started while Postgres was read.
      if (!quiet(actor)) continue;
      const mine = actor.soldCounts();
      const theirs = stored.get(actor.eventId) ?? { seats: 0, places: 0 };
      const difference = { eventId: actor.eventId, seats: mine.seats - theirs.seats, places: mine.places - theirs.places };
      differences.push(difference);
      this.metrics?.reconcileDifference.set({ event_id: actor.eventId, kind: 'seats' }, difference.seats);
      this.metrics?.reconcileDifference.set({ event_id: actor.eventId, kind: 'places' }, difference.places);
      if (difference.seats !== 0 || difference.places !== 0) {
        this.metrics?.reconcileMismatches.inc();
        this.log.warn({ ...difference, actor: mine, postgres: theirs }, 'reconciliation: actor and Postgres disagree on sold counts');
      }
    }
    return differences;
  }
}
