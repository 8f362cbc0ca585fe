// The waiting room of one event: who waits in which order, who is admitted until when, and whom to
// admit next given the live inventory. Pure: time, supply and randomness come in; the actor applies
// what it returns (replies, pushes, persistence). Every change of a place goes through room-changes.ts,
// so a recorder sees each one (replication) and a new owner can replay them on the last save.
// Docs: docs/protocol.md, "Waiting room".
import type { RandomSource } from './lottery';
import { QueueLine } from './queue-line';
import type { QueueClosedReason, QueueSettings } from './queue-settings';
import { applyChange, type RoomChange, type RoomChangeBody, type RoomParts, type RoomStatus } from './room-changes';

export type { RoomStatus } from './room-changes';

/** What the room needs to know of the event at a step. */
export interface QueueSupply {
  /** Seats plus GA places neither sold, held nor blocked. */
  available: number;
  /** Whether holds are accepted now (on sale, not paused, inside the sales window). */
  salesOpen: boolean;
  /** Sales are over for good (past `salesCloseAt`): the room closes. */
  salesEnded: boolean;
  /** Whether the user has a live hold (an admitted shopper already served by the inventory). */
  holding(userId: string): boolean;
}

/** One admission: the user may hold until `expiresAt` (epoch ms). */
export interface Admission {
  userId: string;
  expiresAt: number;
}

/** A waiting user's place, as the `queued` reply and the `queue` push carry it. */
export interface QueuePlace {
  userId: string;
  /** 1 is next. */
  position: number;
  ahead: number;
  /** From the measured admission rate; null until there is one to measure (and no pacing to go by). */
  etaSeconds: number | null;
  /** True while the place is only provisional: the lottery at `openAt` has not been drawn. */
  lottery?: boolean;
}

/** What a step changed: whom to tell what. */
export interface QueueStep {
  admitted: Admission[];
  /** Admissions that ran out. */
  ended: string[];
  /** The room closed (sold out: the waiting stay on as a waitlist) and these users must be told. */
  closed?: { reason: QueueClosedReason; users: string[] };
  /** Sold-out waitlist turned back into a live queue: seats came back. */
  reopened?: boolean;
  /** The lottery was drawn at this step. */
  drawn?: boolean;
}

/** The outcome of a join. */
export type JoinOutcome =
  | { kind: 'queued'; place: QueuePlace; waitlist: boolean }
  | { kind: 'admitted'; expiresAt: number }
  | { kind: 'closed' };

/** Everything needed to rebuild a room after a restart or failover (settings come from the definition). */
export interface RoomSnapshot {
  status: RoomStatus;
  drawn: boolean;
  /** Joined before `openAt`, in arrival order (not yet drawn). */
  early: string[];
  /** Waiting, first in line first. */
  line: string[];
  admitted: Array<[userId: string, expiresAt: number]>;
  /** Admission times of the last minute (pacing and the measured rate). */
  recent: number[];
  /** Orders and units sold so far (demand per shopper). */
  orders: number;
  units: number;
  /** The last change this snapshot contains (absent in saves from before changes were numbered: 0). */
  seq?: number;
}

const MINUTE_MS = 60_000;

/** One event's waiting room. */
export class WaitingRoom {
  private readonly p: RoomParts;
  /** Told every change the room makes (replication); none: not recorded. */
  private recorder: ((change: RoomChange) => void) | null = null;

  constructor(
    private settings: QueueSettings,
    private readonly random: RandomSource,
    now: number,
  ) {
    const drawn = settings.openAt === undefined || now >= settings.openAt;
    this.p = { status: 'open', drawn, early: new Set(), line: new QueueLine(), admitted: new Map(), recent: [], orders: 0, units: 0, seq: 0 };
  }

  /** Rebuilds a room from its snapshot. */
  static restore(settings: QueueSettings, random: RandomSource, snapshot: RoomSnapshot): WaitingRoom {
    const room = new WaitingRoom(settings, random, 0);
    const { p } = room;
    p.status = snapshot.status;
    p.drawn = snapshot.drawn;
    for (const userId of snapshot.early) p.early.add(userId);
    for (const userId of snapshot.line) p.line.append(userId);
    for (const [userId, expiresAt] of snapshot.admitted) p.admitted.set(userId, expiresAt);
    p.recent = snapshot.recent.slice();
    p.orders = snapshot.orders;
    p.units = snapshot.units;
    p.seq = snapshot.seq ?? 0;
    return room;
  }

  /** The state to persist. */
  snapshot(): RoomSnapshot {
    const { p } = this;
    return {
      status: p.status,
      drawn: p.drawn,
      early: [...p.early.keys()],
      line: p.line.users(),
      admitted: [...p.admitted],
      recent: p.recent.slice(),
      orders: p.orders,
      units: p.units,
      seq: p.seq,
    };
  }

  /** The number of the last change made or replayed (a snapshot taken now contains it). */
  get seq(): number {
    return this.p.seq;
  }

  /** Hands every change made from now on to `recorder` (the replication of a live room). */
  record(recorder: (change: RoomChange) => void): void {
    this.recorder = recorder;
  }

  /** Applies recorded changes this room does not contain yet (numbered after its own), in order. */
  replay(changes: readonly RoomChange[]): number {
    let applied = 0;
    for (const change of [...changes].sort((a, b) => a.seq - b.seq)) {
      if (change.seq <= this.p.seq) continue;
      applyChange(this.p, change);
      applied += 1;
    }
    return applied;
  }

  /** Whether holds need an admission. */
  get on(): boolean {
    return this.settings.mode === 'on';
  }

  /** The room's settings. */
  get config(): QueueSettings {
    return this.settings;
  }

  /** Open, sold out (a waitlist) or closed. */
  get state(): RoomStatus {
    return this.p.status;
  }

  /** Users waiting (the lottery's entrants included). */
  get waitingCount(): number {
    return this.p.line.size + this.p.early.size;
  }

  /** Admitted shoppers whose admission has not run out (as of the last step). */
  get activeCount(): number {
    return this.p.admitted.size;
  }

  /** Admissions in the 60 s before `now`. */
  admittedLastMinute(now: number): number {
    this.trim(now);
    return this.p.recent.length;
  }

  /** The user's admission expiry if admitted now, else null. */
  admissionOf(userId: string, now: number): number | null {
    const expiresAt = this.p.admitted.get(userId);
    return expiresAt !== undefined && expiresAt > now ? expiresAt : null;
  }

  /** Whether the user may hold now: the room is off, or the user is admitted. */
  mayHold(userId: string, now: number): boolean {
    return !this.on || this.admissionOf(userId, now) !== null;
  }

  /** Takes (or finds again) the user's one place; admission happens at the next step. */
  join(userId: string, now: number): JoinOutcome {
    if (this.p.status === 'closed') return { kind: 'closed' };
    const expiresAt = this.admissionOf(userId, now);
    if (expiresAt !== null) return { kind: 'admitted', expiresAt };
    if (!this.p.drawn) {
      if (!this.p.early.has(userId)) this.change({ kind: 'early', userId });
      return { kind: 'queued', place: this.lotteryPlace(userId, now), waitlist: false };
    }
    if (!this.p.line.has(userId)) this.change({ kind: 'line', userId });
    return { kind: 'queued', place: this.placeOf(userId, now)!, waitlist: this.p.status === 'sold_out' };
  }

  /** Gives the place (or the admission) up; false when the user had neither. */
  leave(userId: string): boolean {
    const { p } = this;
    if (!p.admitted.has(userId) && !p.early.has(userId) && !p.line.has(userId)) return false;
    this.change({ kind: 'leave', userId });
    return true;
  }

  /** A confirmed order: the buyer's admission ends, and the demand estimate learns from it. */
  recordOrder(userId: string, units: number): void {
    this.change({ kind: 'order', userId, units });
  }

  /** Seeds the demand estimate from the orders already sold (at activation; not a recorded change). */
  seedDemand(orders: number, units: number): void {
    this.p.orders = orders;
    this.p.units = units;
  }

  /** Estimated seats and places one shopper takes: the mean of the orders so far, 1 before any. */
  demandPerShopper(): number {
    return this.p.orders === 0 ? 1 : this.p.units / this.p.orders;
  }

  /** New settings (staff); the queue keeps its places. Turning it off admits everyone waiting. */
  reconfigure(settings: QueueSettings): void {
    // A moved openAt takes effect at the next step (the lottery is drawn then if it is now past).
    this.settings = settings;
  }

  /** The earliest time a step may change something without any other input, or null. */
  nextDeadline(now: number): number | null {
    let at = Infinity;
    if (!this.p.drawn && this.settings.openAt !== undefined) at = this.settings.openAt;
    for (const expiresAt of this.p.admitted.values()) if (expiresAt < at) at = expiresAt;
    const limit = this.settings.admitPerMinute;
    if (limit !== undefined && this.p.line.size > 0) {
      this.trim(now);
      if (this.p.recent.length >= limit && this.p.recent.length > 0) at = Math.min(at, this.p.recent[0] + MINUTE_MS);
    }
    return at === Infinity ? null : at;
  }

  /** Draws the lottery when due, ends expired admissions, closes or reopens, and admits whom it can. */
  step(now: number, supply: QueueSupply): QueueStep {
    const out: QueueStep = { admitted: [], ended: [] };
    if (this.p.status === 'closed') return out;
    // Ended admissions are not recorded: a replayed room drops them by the same rule at its first step.
    for (const [userId, expiresAt] of this.p.admitted) {
      if (expiresAt <= now) {
        this.p.admitted.delete(userId);
        out.ended.push(userId);
      }
    }
    if (supply.salesEnded) {
      out.closed = { reason: 'closed', users: this.close() };
      return out;
    }
    if (!this.p.drawn && (this.settings.openAt === undefined || now >= this.settings.openAt)) this.draw(out);
    if (!this.on) {
      // The room was switched off: nobody waits any more; everyone goes to the seat map.
      for (const userId of [...this.p.early, ...this.p.line.users()]) out.admitted.push(this.admit(userId, now));
      if (this.p.status !== 'open') this.change({ kind: 'status', status: 'open' });
      return out;
    }
    if (supply.available === 0) {
      if (this.p.status === 'open') {
        this.change({ kind: 'status', status: 'sold_out' });
        out.closed = { reason: 'sold_out', users: [...this.p.early, ...this.p.line.users()] };
      }
      return out;
    }
    if (this.p.status === 'sold_out') {
      this.change({ kind: 'status', status: 'open' });
      out.reopened = true;
    }
    if (!this.p.drawn || !supply.salesOpen) return out;
    this.admitFromLine(now, supply, out);
    return out;
  }

  /** Positions that changed since they were last reported, each user at most once per call. */
  positionUpdates(now: number): QueuePlace[] {
    const updates: QueuePlace[] = [];
    if (!this.p.drawn) return updates;
    const rate = this.ratePerSecond(now);
    this.p.line.forEachPosition((entry, position) => {
      if (entry.pushed === position) return;
      entry.pushed = position;
      updates.push({ userId: entry.userId, position, ahead: position - 1, etaSeconds: eta(position, rate) });
    });
    return updates;
  }

  /** The user's place now, or null when not waiting. */
  placeOf(userId: string, now: number): QueuePlace | null {
    if (this.p.early.has(userId)) return this.lotteryPlace(userId, now);
    const position = this.p.line.positionOf(userId, true);
    if (position === 0) return null;
    return { userId, position, ahead: position - 1, etaSeconds: eta(position, this.ratePerSecond(now)) };
  }

  /** For how long the last in line is expected to wait (staff), or null. */
  lastInLineEta(now: number): number | null {
    return eta(this.waitingCount, this.ratePerSecond(now));
  }

  // ------------------------------------------------------------------ internals

  private admitFromLine(now: number, supply: QueueSupply, out: QueueStep): void {
    const { maxActive, admitPerMinute } = this.settings;
    const demand = this.demandPerShopper();
    let pending = 0;
    for (const userId of this.p.admitted.keys()) if (!supply.holding(userId)) pending += 1;
    this.trim(now);
    while (this.p.line.size > 0) {
      if (maxActive !== undefined && this.p.admitted.size >= maxActive) return;
      if (admitPerMinute !== undefined && this.p.recent.length >= admitPerMinute) return;
      // Admit only while the inventory left after the demand of the admitted who hold nothing yet can
      // still serve one more shopper: the last one admitted may find only part of what they want.
      if (demand * pending + 1 > supply.available) return;
      out.admitted.push(this.admit(this.p.line.first()!, now));
      pending += 1;
    }
  }

  /** Makes one change (numbered next) and hands it to the recorder. */
  private change(body: RoomChangeBody): void {
    const change = { ...body, seq: this.p.seq + 1 } as RoomChange;
    applyChange(this.p, change);
    this.recorder?.(change);
  }

  private admit(userId: string, now: number): Admission {
    const expiresAt = now + this.settings.admissionTtlSeconds * 1000;
    this.change({ kind: 'admit', userId, expiresAt, at: now });
    return { userId, expiresAt };
  }

  private draw(out: QueueStep): void {
    out.drawn = true;
    // The seed, not the drawn line, is recorded: replaying it over the same entrants draws the same line.
    this.change({ kind: 'draw', seed: Math.floor(this.random() * 0x1_0000_0000) });
  }

  private close(): string[] {
    const users = [...this.p.early, ...this.p.line.users()];
    this.change({ kind: 'status', status: 'closed' });
    return users;
  }

  private lotteryPlace(userId: string, now: number): QueuePlace {
    // Before the draw every entrant's place is unknown: report the worst case and the wait until openAt.
    const position = this.p.early.size;
    const openAt = this.settings.openAt ?? now;
    return { userId, position, ahead: position - 1, etaSeconds: Math.max(0, Math.ceil((openAt - now) / 1000)), lottery: true };
  }

  private trim(now: number): void {
    let drop = 0;
    while (drop < this.p.recent.length && this.p.recent[drop] <= now - MINUTE_MS) drop++;
    if (drop > 0) this.p.recent = this.p.recent.slice(drop);
  }

  /** Admissions per second, measured over the last minute; the pacing limit before any. */
  private ratePerSecond(now: number): number {
    this.trim(now);
    if (this.p.recent.length > 0) {
      const span = Math.max(1_000, Math.min(MINUTE_MS, now - this.p.recent[0]));
      return (this.p.recent.length * 1000) / span;
    }
    return this.settings.admitPerMinute !== undefined ? this.settings.admitPerMinute / 60 : 0;
  }
}

function eta(position: number, ratePerSecond: number): number | null {
  if (ratePerSecond <= 0) return null;
  return Math.ceil(position / ratePerSecond);
}
