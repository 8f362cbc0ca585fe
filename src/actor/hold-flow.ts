// The hold commands of one event (hold, release, extend) and their replication: in a cluster a hold
// change is answered only once it is in the journal, so a node failure cannot lose an acknowledged
// hold; a change that cannot be made safe is taken back and answered `unavailable`.
import type { HoldJournal } from './hold-journal';
import type { Clock } from './clock';
import { getHold, holdSeatIds, recallHold, userHolds } from '../domain';
import type { EventState } from '../domain';
import type { HoldCommand } from '../domain/hold-keys';
import type { HoldSnapshot } from '../domain/types';
import type { SeatsHeld } from '../domain/commands';
import type { ActorHost } from './actor-host';
import type { HeldView, HoldInfo, HoldRequest, Outcome, ReleasedView } from './event-service';
import { HoldReplicator } from './hold-replicator';
import type { ReplicationOutcome } from './hold-replicator';
import { fail, ok, refused } from './outcomes';

/** Everything a hold flow is built from. */
export interface HoldFlowDeps {
  eventId: string;
  epoch: number;
  /** The actor's state, read for replies and for the journal. */
  state: EventState;
  holdId(): string;
  /** The actor's clock (epoch ms). */
  now(): number;
  /** The actor's clock, for the journal writer's turns and deadlines (absent: the system clock). */
  clock?: Clock;
  /** Where holds are replicated before they are acknowledged (cluster mode); none: memory only. */
  journal?: HoldJournal;
  onError?(error: unknown): void;
}

/** Holds of one event, from the command to the (replicated) answer. */
export class HoldFlow {
  private readonly replicator: HoldReplicator | null;

  /** Builds the flow and, with a journal, its replicator. */
  constructor(
    private readonly deps: HoldFlowDeps,
    private readonly host: ActorHost,
  ) {
    this.replicator = deps.journal
      ? new HoldReplicator(deps.journal, deps.eventId, deps.epoch, (error) => deps.onError?.(error), deps.clock)
      : null;
  }

  /** Holds seats, the best seats or GA places, in a new hold or added to `holdId`. */
  hold(userId: string, request: HoldRequest, holdId?: string): Outcome<HeldView> | Promise<Outcome<HeldView>> {
    const newHoldId = this.deps.holdId();
    const { holdKey } = request;
    const command: HoldCommand =
      request.kind === 'seats'
        ? { type: 'HoldSeats', userId, newHoldId, holdId, holdKey, seats: request.seats }
        : request.kind === 'best'
          ? { type: 'HoldBest', userId, newHoldId, holdId, holdKey, best: request.best }
          : { type: 'HoldArea', userId, newHoldId, holdId, holdKey, areaId: request.areaId, count: request.count };
    const recalled = recallHold(this.deps.state, command, this.deps.now());
    if (recalled !== undefined) {
      if ('code' in recalled) return refused(recalled);
      // The hold as it is now; in a cluster only once what made it is in the journal (it may be the
      // first request's replication still in flight).
      const answer = (): Outcome<HeldView> =>
        this.deps.state.holds.has(recalled.holdId) ? ok(this.heldView(recalled.holdId)) : fail('hold_expired', 'the hold of this holdKey is gone');
      return this.replicator ? this.afterReplication(answer) : answer();
    }
    let added: SeatsHeld | null = null;
    const rejection = this.host.run(command, (event) => {
      if (event.type === 'SeatsHeld') added = event;
    });
    if (rejection) return rejection;
    const id = holdId ?? newHoldId;
    if (!this.replicator) return ok(this.heldView(id));
    return this.afterReplication(() => ok(this.heldView(id)), () => {
      // Not replicated: take back exactly what this command added, so a refusal changed nothing.
      const event = added as SeatsHeld | null;
      if (!event) return;
      const seats = this.host.seatIds(event.seats);
      this.host.run({ type: 'ReleaseHold', userId, holdId: id, ...(event.created ? {} : { seats, areas: event.areas }) });
    });
  }

  /** Releases named seats and places of a hold, or all of it. */
  release(
    userId: string,
    holdId: string,
    seats?: string[],
    areas?: Record<string, number>,
  ): Outcome<ReleasedView> | Promise<Outcome<ReleasedView>> {
    let released: ReleasedView = { holdId, seats: [], areas: {} };
    const rejection = this.host.run({ type: 'ReleaseHold', userId, holdId, seats, areas }, (event) => {
      if (event.type === 'SeatsReleased') {
        released = { holdId, seats: this.host.seatIds(event.seats), areas: event.areas };
      }
    });
    if (rejection) return rejection;
    return this.replicator ? this.afterReplication(() => ok(released)) : ok(released);
  }

  /** Staff: releases anybody's hold (not one being bought); answered once the journal has it. */
  forceRelease(holdId: string): Outcome<ReleasedView & { userId: string }> | Promise<Outcome<ReleasedView & { userId: string }>> {
    let released = { holdId, userId: '', seats: [] as string[], areas: {} as Record<string, number> };
    const rejection = this.host.run({ type: 'ForceRelease', holdId }, (event) => {
      if (event.type === 'SeatsReleased') {
        released = { holdId, userId: event.userId, seats: this.host.seatIds(event.seats), areas: event.areas };
      }
    });
    if (rejection) return rejection;
    return this.replicator ? this.afterReplication(() => ok(released)) : ok(released);
  }

  /** Every live hold, as staff see it. */
  list(): HoldInfo[] {
    const { state } = this.deps;
    const holds: HoldInfo[] = [];
    for (const hold of state.holds.values()) {
      holds.push({
        holdId: hold.holdId,
        userId: hold.userId,
        seats: holdSeatIds(state, hold),
        areas: Object.fromEntries(hold.areas),
        createdAt: hold.createdAt,
        expiresAt: hold.staffNote === undefined ? hold.expiresAt : null,
        extensions: hold.extensions,
        buying: hold.orderId !== null,
        staff: hold.staffNote !== undefined,
        ...(hold.staffNote !== undefined && { note: hold.staffNote }),
      });
    }
    return holds;
  }

  /** Extends a hold's expiry. */
  extend(userId: string, holdId: string): Outcome<HeldView> | Promise<Outcome<HeldView>> {
    const rejection = this.host.run({ type: 'ExtendHold', userId, holdId });
    if (rejection) return rejection;
    const view = (): Outcome<HeldView> => ok(this.heldView(holdId));
    return this.replicator ? this.afterReplication(view) : view();
  }

  /** The user's live holds, oldest first, as `held` replies describe them. */
  holds(userId: string): HeldView[] {
    return userHolds(this.deps.state, userId, this.deps.now()).map((hold) => this.heldView(hold.holdId));
  }

  /** Records the hold's current state (or its end) for replication. */
  record(holdId: string): void {
    if (!this.replicator) return;
    const hold = getHold(this.deps.state, holdId);
    if (hold) this.replicator.upsert(hold);
    else this.replicator.delete(holdId);
  }

  /** Writes every live hold to the journal again (after the journal was lost and claimed anew). */
  async rewriteJournal(): Promise<boolean> {
    if (!this.replicator) return true;
    return (await this.replicator.rewriteAll(this.liveHolds())) === 'ok';
  }

  /** Waits until every recorded change is in the journal, or definitely is not (hand-off). */
  async settle(): Promise<void> {
    if (this.replicator && (await this.replicator.barrier()) === 'fenced') await this.reclaimJournal();
  }

  /** The customers' holds now live, for rewriting a lost journal (staff holds are stored with the event). */
  private liveHolds(): HoldSnapshot[] {
    const holds: HoldSnapshot[] = [];
    for (const [holdId, record] of this.deps.state.holds) {
      if (record.staffNote !== undefined) continue;
      const hold = getHold(this.deps.state, holdId);
      if (hold) holds.push(hold);
    }
    return holds;
  }

  /** The whole hold, as the `held` reply describes it. */
  private heldView(holdId: string): HeldView {
    const { state } = this.deps;
    const hold = getHold(state, holdId);
    if (!hold) return { holdId, seats: [], areas: {}, expiresAt: 0 };
    return { holdId, seats: holdSeatIds(state, hold), areas: hold.areas, expiresAt: hold.expiresAt };
  }

  /**
   * A refused journal write means a newer epoch claimed it, or the journal was lost (Redis restarted
   * empty). Claiming again with our epoch tells the two apart: it succeeds only in the second case,
   * and then every live hold is written back.
   */
  private async reclaimJournal(): Promise<ReplicationOutcome> {
    if (!this.deps.journal) return 'fenced';
    try {
      const claimed = await this.deps.journal.claim(this.deps.eventId, this.deps.epoch);
      if (!claimed.ok) return 'fenced';
      return await this.replicator!.rewriteAll(this.liveHolds());
    } catch (error) {
      this.deps.onError?.(error);
      return 'unavailable';
    }
  }

  /** Answers once this command's hold changes are in the journal; `undo` runs if they never get there. */
  private async afterReplication<T>(answer: () => Outcome<T>, undo?: () => void): Promise<Outcome<T>> {
    let outcome = await this.replicator!.barrier();
    if (outcome === 'fenced') outcome = await this.reclaimJournal();
    if (outcome === 'ok') return answer();
    if (outcome === 'fenced') {
      this.host.stop({ code: 'moved', message: 'this event moved to another node; retry' });
      return fail('moved', 'this event moved to another node; retry');
    }
    undo?.();
    return fail('unavailable', 'the hold could not be made safe against a node failure; nothing was changed');
  }
}
