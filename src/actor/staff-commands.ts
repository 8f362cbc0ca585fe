// Staff's and admins' commands on one event: pause or resume sales, block or unblock seats, cancel an
// order, edit the event, make or release a staff hold (house seats, comps). They run one at a time (a staff write never interleaves with another), and
// each is fenced by the actor's epoch like an order: a write refused by the epoch check means another
// node owns the event now, and this actor stops.
//
// Order of memory and store: a change that takes something off sale (pause, block) is applied in
// memory first (a staff hold too), so no hold can slip in while it is written, and taken back if the write fails; a
// change that puts something on sale (resume, unblock, release a staff hold) is written first and applied after. So a
// refused or failed request never leaves a row (a blocked seat) that would drop an acknowledged hold
// when the event is next loaded.
import { DefinitionError, getStaffHold, patchDefinition } from '../domain';
import type { EventPatch, EventState } from '../domain';
import { SeatStatus } from '../domain/types';
import type { EventHeader, SalesState } from '../domain/types';
import type { EventStore, FencedWrite } from '../store/event-store';
import type { ActorHost } from './actor-host';
import type { HoldInfo, Outcome, ReleasedView, StaffHoldRequest } from './event-service';
import { fail, ok } from './outcomes';
import type { SalesFigures } from './sales-figures';

/** Persists pause/resume with its announcement (jobs outbox), fenced by the epoch. */
export interface SalesWriter {
  setSales(eventId: string, sales: SalesState, epoch: number): Promise<FencedWrite>;
}

/** Everything staff commands are built from. */
export interface StaffDeps {
  eventId: string;
  epoch: number;
  store: EventStore;
  /** Writes pause/resume with its announcement; none: store.writeSales (no announcement). */
  sales?: SalesWriter;
  /** The actor's state, read for a cancelled order's total and the definition to edit. */
  state: EventState;
  figures: SalesFigures;
  /** A new, unguessable hold id (for staff holds). */
  holdId(): string;
  /** Tells viewers the event changed (a diff carrying the new public fields). */
  announceEvent(definition: EventHeader): void;
}

const MOVED = 'this event moved to another node; retry';
const NOT_STORED = 'the change could not be stored; nothing was changed';

/** Staff's commands on one event. */
export class StaffCommands {
  /** The staff write in progress (or the last one): the next one starts after it. */
  private tail: Promise<unknown> = Promise.resolve();

  /** Staff commands acting through `host`. */
  constructor(
    private readonly deps: StaffDeps,
    private readonly host: ActorHost,
  ) {}

  /** Pauses or resumes sales. */
  setSales(open: boolean): Promise<Outcome<{ open: boolean }>> {
    return this.serial(async () => {
      const probe = this.host.run({ type: 'SetSales', open }, undefined, true);
      if (probe) return probe;
      if ((this.deps.state.sales === 'open') === open) return ok({ open });
      const sales: SalesState = open ? 'open' : 'paused';
      const write = (): Promise<FencedWrite> =>
        this.deps.sales ? this.deps.sales.setSales(this.deps.eventId, sales, this.deps.epoch) : this.deps.store.writeSales(this.deps.eventId, this.deps.epoch, sales);
      if (open) {
        const written = await this.write(write);
        return written ?? this.host.run({ type: 'SetSales', open }) ?? ok({ open });
      }
      const applied = this.host.run({ type: 'SetSales', open });
      if (applied) return applied;
      return (await this.write(write, () => this.host.run({ type: 'SetSales', open: true }))) ?? ok({ open });
    });
  }

  /** Blocks or unblocks seats; a refused request writes nothing. */
  block(seats: string[], blocked: boolean): Promise<Outcome<{ seats: string[] }>> {
    return this.serial(async () => {
      const { eventId, epoch, store } = this.deps;
      let changed: number[] = [];
      const collect = (event: { type: string; seats?: number[] }): void => {
        if (event.type === 'SeatsBlocked') changed = event.seats ?? [];
      };
      if (blocked) {
        // Off sale at once: from here on no hold can take these seats while the rows are written.
        const rejection = this.host.run({ type: 'BlockSeats', seats, blocked: true }, collect);
        if (rejection) return rejection;
        if (changed.length === 0) return ok({ seats: [] });
        const ids = this.host.seatIds(changed);
        const undo = (): void => void this.host.run({ type: 'BlockSeats', seats: ids, blocked: false });
        return (await this.write(() => store.writeBlocked(eventId, epoch, ids, true), undo)) ?? ok({ seats: ids });
      }
      const probe = this.host.run({ type: 'BlockSeats', seats, blocked: false }, undefined, true);
      if (probe) return probe;
      const { status, layout } = this.deps.state;
      const ids = seats.filter((id) => status[layout.seatIndex(id)] === SeatStatus.Blocked);
      if (ids.length === 0) return ok({ seats: [] });
      const written = await this.write(() => store.writeBlocked(eventId, epoch, ids, false));
      if (written) return written;
      // Only staff writes change blocked seats, and they run one at a time: these are still blocked.
      return this.host.run({ type: 'BlockSeats', seats: ids, blocked: false }) ?? ok({ seats: ids });
    });
  }

  /** Cancels a confirmed order; its seats come back on sale. */
  cancelOrder(orderId: string): Promise<Outcome<{ orderId: string }>> {
    return this.serial(async () => {
      const probe = this.host.run({ type: 'CancelOrder', orderId }, undefined, true);
      if (probe) return probe;
      const result = await this.deps.store.cancelOrder(this.deps.eventId, this.deps.epoch, orderId);
      if (result === 'fenced') return this.fenced();
      if (result !== 'cancelled') return fail('not_found', `order ${orderId} is not a confirmed order of this event`);
      const total = this.deps.state.orders.get(orderId)?.total ?? 0;
      const rejection = this.host.run({ type: 'CancelOrder', orderId });
      if (!rejection) this.deps.figures.cancelled(total);
      return rejection ?? ok({ orderId });
    });
  }

  /**
   * Edits the event: checked as a definition, decided against the sale (a sold category keeps its
   * price), stored fenced, then applied and announced to every viewer. Holds and orders stay as they are.
   */
  update(patch: EventPatch): Promise<Outcome<EventHeader>> {
    return this.serial(async () => {
      let definition: EventHeader;
      try {
        definition = patchDefinition(this.deps.state.layout.definition, patch);
      } catch (error) {
        if (error instanceof DefinitionError) return fail('bad_request', error.message);
        throw error;
      }
      const probe = this.host.run({ type: 'UpdateEvent', definition }, undefined, true);
      if (probe) return probe;
      const result = await this.deps.store.updateDefinition(this.deps.epoch, definition);
      if (result === 'fenced') return this.fenced();
      if (result === 'not_found') return fail('not_found', `event ${this.deps.eventId} does not exist`);
      const rejection = this.host.run({ type: 'UpdateEvent', definition });
      if (rejection) return rejection;
      this.deps.announceEvent(definition);
      return ok(definition);
    });
  }

  /**
   * Holds seats and places for the house, made by `userId`, until staff release them: taken off sale
   * in memory first, then stored (fenced); taken back if it cannot be stored.
   */
  placeHold(userId: string, request: StaffHoldRequest): Promise<Outcome<HoldInfo>> {
    return this.serial(async () => {
      const { eventId, epoch, store, state } = this.deps;
      const holdId = this.deps.holdId();
      const rejection = this.host.run({ type: 'PlaceStaffHold', userId, holdId, ...request });
      if (rejection) return rejection;
      const hold = getStaffHold(state, holdId);
      if (!hold) throw new Error(`staff hold '${holdId}' missing right after it was made`);
      const stored = { ...hold, seats: this.host.seatIds(hold.seats) };
      const undo = (): void => void this.host.run({ type: 'ReleaseStaffHold', holdId });
      const failed = await this.write(() => store.writeStaffHold(eventId, epoch, stored), undo);
      return failed ?? ok({ ...stored, expiresAt: null, extensions: 0, buying: false, staff: true });
    });
  }

  /** Releases a staff hold: deleted from the store first, then its seats and places go back on sale. */
  releaseHold(holdId: string): Promise<Outcome<ReleasedView & { userId: string }>> {
    return this.serial(async () => {
      const { eventId, epoch, store } = this.deps;
      const probe = this.host.run({ type: 'ReleaseStaffHold', holdId }, undefined, true);
      if (probe) return probe;
      const failed = await this.write(() => store.deleteStaffHold(eventId, epoch, holdId));
      if (failed) return failed;
      let released = { holdId, userId: '', seats: [] as string[], areas: {} as Record<string, number> };
      // Only staff writes end staff holds, and they run one at a time: this one is still there.
      const rejection = this.host.run({ type: 'ReleaseStaffHold', holdId }, (event) => {
        if (event.type === 'StaffHoldReleased') released = { holdId, userId: event.userId, seats: this.host.seatIds(event.seats), areas: event.areas };
      });
      return rejection ?? ok(released);
    });
  }

  /** Runs `fn` after every staff write before it has finished. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(fn, fn);
    this.tail = run.catch(() => undefined);
    return run;
  }

  /**
   * Writes through `write`; undefined when done. Fenced: the actor stops (`moved`). Failed (the store
   * is down): `undo` takes back what was applied first, and the answer is `unavailable`.
   */
  private async write(write: () => Promise<FencedWrite>, undo?: () => void): Promise<{ ok: false; error: { code: 'moved' | 'unavailable'; message: string } } | undefined> {
    let result: FencedWrite;
    try {
      result = await write();
    } catch (error) {
      undo?.();
      if (error instanceof Error && 'code' in error && error.code === 'unavailable') return { ok: false, error: { code: 'unavailable', message: NOT_STORED } };
      throw error;
    }
    if (result === 'fenced') return this.fenced();
    return undefined;
  }

  private fenced(): { ok: false; error: { code: 'moved'; message: string } } {
    this.host.stop({ code: 'moved', message: MOVED });
    return { ok: false, error: { code: 'moved', message: MOVED } };
  }
}
