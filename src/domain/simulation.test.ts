// Seeded random schedules of every command against one small event, checking the invariants of
// docs/architecture.md after each command. 8 seeds × 12,500 commands = 100,000 commands per run.
import { describe, it } from 'vitest';
import { expandDefinition } from './definition';
import { createState, decide, handle, nextExpiry } from './event-state';
import type { EventState } from './event-state';
import { fingerprint, testDefinition } from './test-scenario';
import type { BestRequest, EventDefinition } from './types';
import type { Command, Decision } from './commands';
import { SeatStatus } from './types';
import { seededRandom } from './lottery';

const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];
const STEPS_PER_SEED = 12_500;
const USERS = ['u0', 'u1', 'u2', 'u3', 'u4', 'u5', 'u6', 'u7', 'u8', 'u9'];
const START = 1_700_000_000_000;
const TTL_MS = 60_000;

/** 3 sections × 4 rows × 8 seats (section A vip, row 1 of A and B accessible) + 2 areas; categories as in testDefinition. */
const definition: EventDefinition = expandDefinition(
  testDefinition({
    id: 'sim',
    holdTtlSeconds: TTL_MS / 1000,
    sections: [
      { id: 'A', category: 'vip', rows: 4, seatsPerRow: 8, accessibleRows: [1] },
      { id: 'B', category: 'std', rows: 4, seatsPerRow: 8, accessibleRows: [1] },
      { id: 'C', category: 'std', rows: 4, seatsPerRow: 8 },
    ],
    areas: [
      { id: 'floor', name: 'Floor', capacity: 6, category: 'std' },
      { id: 'box', name: 'Box', capacity: 3, category: 'vip' },
    ],
  }),
);

/** Rows front first, computed from the definition independently of EventLayout: (row, section order). */
const sectionOrder = ['A', 'B', 'C'];
const rows: number[][] = [];
for (let row = 1; row <= 4; row++) {
  for (const section of sectionOrder) {
    rows.push(
      definition.seats
        .map((seat, i) => ({ seat, i }))
        .filter(({ seat }) => seat.section === section && seat.row === String(row))
        .sort((a, b) => a.seat.number - b.seat.number)
        .map(({ i }) => i),
    );
  }
}

class Simulation {
  readonly state: EventState = createState({ definition, sales: 'open', blocked: [], orders: [], holds: [] });
  readonly random: () => number;
  now = START;
  step = 0;
  private holdCounter = 0;
  private orderCounter = 0;
  /** seat → order that sold it, for "a sold seat is never held or sold again unless cancelled". */
  private readonly soldBy = new Map<number, string>();
  private readonly blocked = new Set<number>();
  /** holdId → its content when its purchase started: a pending hold must stay frozen until confirmed or failed. */
  private readonly frozen = new Map<string, string>();

  constructor(readonly seed: number) {
    this.random = seededRandom(seed);
  }

  private int(n: number): number {
    return Math.floor(this.random() * n);
  }

  private pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  private chance(p: number): boolean {
    return this.random() < p;
  }

  private fail(message: string, command?: Command): never {
    throw new Error(`seed ${this.seed} step ${this.step} at +${this.now - START} ms: ${message}\n${JSON.stringify(command)}`);
  }

  private check(condition: boolean, message: string, command?: Command): void {
    if (!condition) this.fail(message, command);
  }

  /** A hold id: usually a live one (usually the user's own), sometimes unknown. */
  private someHoldId(user: string): string | undefined {
    const holds = [...this.state.holds.values()];
    if (holds.length === 0 || this.chance(0.05)) return this.chance(0.5) ? 'h-unknown' : undefined;
    const own = holds.filter((h) => h.userId === user);
    return (own.length > 0 && this.chance(0.85) ? this.pick(own) : this.pick(holds)).holdId;
  }

  private someSeatIds(max: number): string[] {
    const ids: string[] = [];
    const n = 1 + this.int(max);
    for (let i = 0; i < n; i++) ids.push(this.pick(definition.seats).id);
    if (this.chance(0.03)) ids.push('no-such-seat');
    // Duplicates come naturally from `pick`; dedupe most of the time so most commands are valid.
    return this.chance(0.9) ? [...new Set(ids)] : ids;
  }

  nextCommand(): Command {
    this.now += this.chance(0.02) ? TTL_MS + this.int(TTL_MS) : this.int(2_000);
    let user = this.pick(USERS);
    const newHoldId = `h${this.seed}-${++this.holdCounter}`;
    const r = this.random();
    const withHold = (): string | undefined => (this.chance(0.3) ? this.someHoldId(user) : undefined);
    if (r < 0.2) return { type: 'HoldSeats', userId: user, newHoldId, holdId: withHold(), seats: this.someSeatIds(3) };
    if (r < 0.32) {
      const best: BestRequest = { count: this.chance(0.02) ? 0 : 1 + this.int(4) };
      if (this.chance(0.3)) best.category = this.pick(['std', 'vip']);
      if (this.chance(0.3)) best.section = this.pick(sectionOrder);
      if (this.chance(0.2)) best.accessible = this.chance(0.5);
      return { type: 'HoldBest', userId: user, newHoldId, holdId: withHold(), best };
    }
    if (r < 0.4) {
      const areaId = this.chance(0.05) ? 'no-such-area' : this.pick(['floor', 'box']);
      return { type: 'HoldArea', userId: user, newHoldId, holdId: withHold(), areaId, count: this.chance(0.05) ? 0 : 1 + this.int(3) };
    }
    // Commands about an existing hold mostly come from its owner, so they mostly get past the lookup.
    const holds = [...this.state.holds.values()];
    if (r >= 0.4 && r < 0.75 && holds.length > 0 && this.chance(0.9)) user = this.pick(holds).userId;
    if (r < 0.5) return this.releaseCommand(user);
    if (r < 0.55) return { type: 'ExtendHold', userId: user, holdId: this.someHoldId(user) ?? 'h-unknown' };
    if (r < 0.65) return { type: 'ExpireHolds' };
    if (r < 0.75) {
      const holdId = this.someHoldId(user) ?? 'h-unknown';
      return { type: 'StartPurchase', userId: user, holdId, orderId: `o${this.seed}-${++this.orderCounter}` };
    }
    if (r < 0.89) {
      const pendingIds = [...this.state.holds.values()].filter((h) => h.orderId !== null).map((h) => h.holdId);
      const holdId = pendingIds.length > 0 && this.chance(0.9) ? this.pick(pendingIds) : (this.someHoldId(user) ?? 'h-unknown');
      return this.chance(0.75) ? { type: 'ConfirmPurchase', holdId } : { type: 'FailPurchase', holdId };
    }
    if (r < 0.92) {
      const orderIds = [...this.state.orders.keys()];
      return { type: 'CancelOrder', orderId: orderIds.length > 0 && this.chance(0.9) ? this.pick(orderIds) : 'o-unknown' };
    }
    if (r < 0.97) return { type: 'BlockSeats', seats: this.someSeatIds(3), blocked: this.chance(0.5) };
    // Mostly open: a paused event rejects every hold, which would hide the rest of the schedule.
    return { type: 'SetSales', open: this.chance(0.9) };
  }

  private releaseCommand(user: string): Command {
    const holdId = this.someHoldId(user) ?? 'h-unknown';
    const hold = this.state.holds.get(holdId);
    const userId = hold !== undefined && this.chance(0.95) ? hold.userId : user;
    if (hold === undefined || this.chance(0.4)) return { type: 'ReleaseHold', userId, holdId };
    const seats = hold.seats.filter(() => this.chance(0.5)).map((seat) => definition.seats[seat].id);
    if (this.chance(0.05)) seats.push(this.pick(definition.seats).id);
    const areas: Record<string, number> = {};
    for (const [areaId, places] of hold.areas) if (this.chance(0.5)) areas[areaId] = this.int(places + (this.chance(0.05) ? 2 : 1));
    return { type: 'ReleaseHold', userId, holdId, seats, areas };
  }

  run(command: Command): void {
    const { state, now } = this;
    const before = fingerprint(state);
    const preStatus = Uint8Array.from(state.status);
    const preHold = command.type === 'StartPurchase' ? state.holds.get(command.holdId) : undefined;
    const preExpiresAt = preHold?.expiresAt;
    const decided = decide(state, command, now);
    this.check(fingerprint(state) === before, 'decide mutated the state', command);
    const decision = handle(state, command, now);
    this.check(JSON.stringify(decision) === JSON.stringify(decided), 'handle decided differently from decide', command);
    if (!decision.ok) {
      this.check(fingerprint(state) === before, `rejected command (${decision.rejection.code}) changed the state`, command);
    } else {
      this.afterAccepted(command, decision, preStatus, preExpiresAt);
    }
    this.checkInvariants(command);
  }

  private afterAccepted(command: Command, decision: Extract<Decision, { ok: true }>, preStatus: Uint8Array, preExpiresAt: number | undefined): void {
    for (const event of decision.events) {
      if (event.type === 'SeatsHeld') {
        for (const seat of event.seats) this.check(!this.soldBy.has(seat), `sold seat ${seat} became held`, command);
      } else if (event.type === 'PurchaseStarted') {
        this.frozen.set(event.holdId, this.holdContent(event.holdId));
      } else if (event.type === 'PurchaseFailed') {
        this.frozen.delete(event.holdId);
      } else if (event.type === 'OrderConfirmed') {
        this.frozen.delete(event.holdId);
        for (const seat of event.seats) {
          this.check(!this.soldBy.has(seat), `seat ${seat} sold twice`, command);
          this.soldBy.set(seat, event.orderId);
        }
      } else if (event.type === 'OrderCancelled') {
        for (const seat of event.seats) this.soldBy.delete(seat);
      } else if (event.type === 'SeatsBlocked') {
        for (const seat of event.seats) {
          if (event.blocked) this.blocked.add(seat);
          else this.blocked.delete(seat);
        }
      }
    }
    if (command.type === 'StartPurchase') {
      this.check(preExpiresAt !== undefined && preExpiresAt > this.now, 'a hold was bought at or past its expiry', command);
    }
    if (command.type === 'ExpireHolds') {
      for (const hold of this.state.holds.values()) {
        this.check(hold.orderId !== null || hold.expiresAt > this.now, `hold ${hold.holdId} outlived ExpireHolds`, command);
      }
    }
    if (command.type === 'HoldBest') {
      const [event] = decision.events;
      if (event.type !== 'SeatsHeld') this.fail('HoldBest emitted no SeatsHeld', command);
      const grown = command.holdId === undefined ? undefined : this.state.holds.get(command.holdId);
      const before = grown ? grown.seats.filter((seat) => !event.seats.includes(seat)) : [];
      this.checkBest(command.best, preStatus, event.seats, command, before);
    }
  }

  private holdContent(holdId: string): string {
    const hold = this.state.holds.get(holdId);
    return JSON.stringify(hold && [hold.userId, hold.seats, [...hold.areas], hold.expiresAt, hold.extensions, hold.orderId]);
  }

  /** Best-available against a brute force over the pre-command statuses. */
  private checkBest(best: BestRequest, status: Uint8Array, chosen: number[], command: Command, near: number[]): void {
    const matches = (seat: number): boolean => {
      const s = definition.seats[seat];
      return (
        status[seat] === SeatStatus.Available &&
        (best.category === undefined || s.category === best.category) &&
        (best.section === undefined || s.section === best.section) &&
        (best.accessible === undefined || s.accessible === best.accessible)
      );
    };
    this.check(chosen.length === best.count && chosen.every(matches), 'best-available chose non-matching seats', command);
    const free = (row: number[], p: number): boolean => p >= 0 && p < row.length && status[row[p]] === SeatStatus.Available;
    let firstAny = -1;
    let firstClean = -1;
    rows.forEach((row, r) => {
      for (let start = 0; start + best.count <= row.length; start++) {
        if (!row.slice(start, start + best.count).every(matches)) continue;
        const end = start + best.count - 1;
        const clean = !(free(row, start - 1) && !free(row, start - 2)) && !(free(row, end + 1) && !free(row, end + 2));
        if (firstAny < 0) firstAny = r;
        if (clean && firstClean < 0) firstClean = r;
      }
    });
    if (firstAny < 0) return;
    const r = rows.findIndex((row) => row.includes(chosen[0]));
    const row = rows[r];
    const start = row.indexOf(chosen[0]);
    this.check(chosen.every((seat, i) => row[start + i] === seat), 'best-available split a block although one fit', command);
    const end = start + chosen.length - 1;
    const clean = !(free(row, start - 1) && !free(row, start - 2)) && !(free(row, end + 1) && !free(row, end + 2));
    // Seats added to a hold go beside it when a clean block fits there.
    const beside = near.includes(row[start - 1]) || near.includes(row[end + 1]);
    if (clean && beside) return;
    if (firstClean >= 0) {
      this.check(clean && r === firstClean, `best-available picked row ${r} (clean ${clean}), first clean row is ${firstClean}`, command);
    } else {
      this.check(r === firstAny, `best-available picked row ${r}, first row with a block is ${firstAny}`, command);
    }
  }

  checkInvariants(command: Command): void {
    const { state } = this;
    const { layout } = state;
    const n = layout.seatCount;
    const owner = new Array<string | undefined>(n);
    const users = new Map<string, number>();
    const areaUsed = new Int32Array(layout.areaCount);
    const addUser = (user: string, k: number): void => {
      users.set(user, (users.get(user) ?? 0) + k);
    };
    let earliest: number | undefined;
    for (const hold of state.holds.values()) {
      this.check(state.holdSlots[hold.slot] === hold, `hold ${hold.holdId} not in its slot`, command);
      let places = 0;
      for (const [areaId, count] of hold.areas) {
        this.check(count > 0, `hold ${hold.holdId} keeps an empty area entry`, command);
        areaUsed[layout.areaIndex(areaId)] += count;
        places += count;
      }
      this.check(hold.seats.length + places > 0, `empty hold ${hold.holdId} kept`, command);
      for (const seat of hold.seats) {
        this.check(owner[seat] === undefined, `seat ${seat} in two places (${owner[seat]}, ${hold.holdId})`, command);
        owner[seat] = hold.holdId;
        this.check(state.status[seat] === SeatStatus.Held && state.seatHold[seat] === hold.slot, `held seat ${seat} inconsistent`, command);
      }
      addUser(hold.userId, hold.seats.length + places);
      if (hold.orderId === null && (earliest === undefined || hold.expiresAt < earliest)) earliest = hold.expiresAt;
    }
    this.check(nextExpiry(state) === earliest, `nextExpiry ${nextExpiry(state)} but earliest hold expires at ${earliest}`, command);
    for (const order of state.orders.values()) {
      for (const seat of order.seats) {
        this.check(owner[seat] === undefined, `seat ${seat} in two places (${owner[seat]}, ${order.orderId})`, command);
        owner[seat] = order.orderId;
        this.check(state.status[seat] === SeatStatus.Sold && this.soldBy.get(seat) === order.orderId, `sold seat ${seat} inconsistent`, command);
      }
      let places = 0;
      for (const [areaId, count] of Object.entries(order.areas)) {
        areaUsed[layout.areaIndex(areaId)] += count;
        places += count;
      }
      addUser(order.userId, order.seats.length + places);
    }
    const counts = [0, 0, 0, 0];
    const rowAvailable = new Int32Array(layout.rowCount);
    for (let seat = 0; seat < n; seat++) {
      const code = state.status[seat];
      counts[code]++;
      if (code === SeatStatus.Available) rowAvailable[layout.seatRow[seat]]++;
      if (owner[seat] === undefined) {
        const expected = this.blocked.has(seat) ? SeatStatus.Blocked : SeatStatus.Available;
        this.check(code === expected && state.seatHold[seat] === -1, `seat ${seat} is ${code}, expected ${expected}`, command);
      } else {
        this.check(!this.blocked.has(seat), `seat ${seat} blocked and taken`, command);
      }
    }
    this.check(counts.join() === Array.from(state.statusCounts).join(), `status counts ${state.statusCounts} vs ${counts}`, command);
    this.check(counts[0] + counts[1] + counts[2] + counts[3] === n, 'counts do not sum to seatCount', command);
    this.check(rowAvailable.join() === state.rowAvailable.join(), 'per-row available counts drifted', command);
    for (let a = 0; a < layout.areaCount; a++) {
      const available = state.areaAvailable[a];
      this.check(available >= 0 && available <= layout.areaCapacity[a], `area ${a} at ${available}`, command);
      this.check(available === layout.areaCapacity[a] - areaUsed[a], `area ${a} count drifted`, command);
    }
    this.check(users.size === [...users.values()].filter((k) => k > 0).length, 'zero user entry', command);
    for (const [user, count] of users) {
      this.check(state.userCounts.get(user) === count, `user ${user} count ${state.userCounts.get(user)} vs ${count}`, command);
      this.check(count <= layout.maxSeatsPerUser, `user ${user} over the limit with ${count}`, command);
    }
    this.check(state.userCounts.size === users.size, 'stale user counts', command);
    const holders = new Map<string, number>();
    for (const hold of state.holds.values()) holders.set(hold.userId, (holders.get(hold.userId) ?? 0) + 1);
    this.check(state.holdsPerUser.size === holders.size, 'stale holds per user', command);
    for (const [user, live] of holders) this.check(state.holdsPerUser.get(user) === live, `user ${user} live holds ${state.holdsPerUser.get(user)} vs ${live}`, command);
    for (const [holdId, content] of this.frozen) {
      this.check(this.holdContent(holdId) === content, `pending hold ${holdId} changed`, command);
    }
  }
}

describe('simulation', () => {
  it.each(SEEDS)('seed %i: invariants hold after every one of 12,500 random commands', (seed) => {
    const sim = new Simulation(seed);
    const outcomes = new Map<string, number>();
    for (sim.step = 0; sim.step < STEPS_PER_SEED; sim.step++) {
      const command = sim.nextCommand();
      sim.run(command);
      const key = `${command.type}`;
      outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    }
    // Every command type was exercised; a schedule that never confirms or cancels proves little.
    for (const type of ['HoldSeats', 'HoldBest', 'HoldArea', 'ReleaseHold', 'ExtendHold', 'ExpireHolds', 'StartPurchase',
      'ConfirmPurchase', 'FailPurchase', 'CancelOrder', 'BlockSeats', 'SetSales']) {
      if (!outcomes.has(type)) throw new Error(`seed ${seed}: no ${type} was run`);
    }
  });
});
