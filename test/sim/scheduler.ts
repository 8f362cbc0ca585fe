// The simulated world's time and turns: one manual clock, and a seeded choice of which ready task runs
// next (a message delivery, a timer, an I/O completion, a deferred turn). Tasks belong to a node
// incarnation (or to the clients, node null); a crashed incarnation's tasks are dropped, a paused
// node's wait until it resumes.
import type { Clock, TimerHandle } from '../../src/actor/clock';
import { Prng, TraceHash } from './prng';

interface Task {
  owner: string | null;
  label: string;
  fn: () => void;
}

interface Timer {
  at: number;
  seq: number;
  task: Task;
  live: boolean;
}

/** Start of simulated time (epoch ms). */
export const SIM_START = 1_900_000_000_000;

/** The scheduler: every callback of the simulated cluster runs from here, one at a time. */
export class Scheduler {
  now = SIM_START;
  readonly rng: Prng;
  readonly trace = new TraceHash();
  private ready: Task[] = [];
  private timers: Timer[] = [];
  private seq = 0;
  private readonly dead = new Set<string>();
  private readonly paused = new Set<string>();
  tasksRun = 0;

  constructor(seed: number) {
    this.rng = new Prng(seed);
  }

  /** A Clock for code of `owner` (a node incarnation): its timers and turns are scheduled here. */
  clockFor(owner: string): Clock {
    return {
      now: () => this.now,
      setTimer: (delayMs, fn) => this.timer(owner, delayMs, 'timer', fn),
      defer: (fn) => this.push(owner, 'turn', fn),
      elapsed: () => this.now,
    };
  }

  push(owner: string | null, label: string, fn: () => void): void {
    if (owner !== null && this.dead.has(owner)) return;
    this.ready.push({ owner, label, fn });
  }

  timer(owner: string | null, delayMs: number, label: string, fn: () => void): TimerHandle {
    const timer: Timer = { at: this.now + Math.max(0, delayMs), seq: this.seq++, task: { owner, label, fn }, live: true };
    if (owner === null || !this.dead.has(owner)) this.timers.push(timer);
    return { cancel: () => void (timer.live = false) };
  }

  /** The incarnation crashed: nothing of it runs again. */
  kill(owner: string): void {
    this.dead.add(owner);
    this.paused.delete(owner);
    this.ready = this.ready.filter((t) => t.owner !== owner);
    this.timers = this.timers.filter((t) => t.task.owner !== owner);
  }

  pause(owner: string): void {
    this.paused.add(owner);
  }

  resume(owner: string): void {
    this.paused.delete(owner);
  }

  /** Runs one ready task chosen by the seed; false when none may run now. */
  runOne(): boolean {
    let index: number;
    if (this.paused.size === 0) {
      // Every ready task may run (the same choice as below, without building the list).
      if (this.ready.length === 0) return false;
      index = Math.floor(this.rng.next() * this.ready.length);
    } else {
      const runnable: number[] = [];
      for (let i = 0; i < this.ready.length; i++) {
        const owner = this.ready[i].owner;
        if (owner === null || !this.paused.has(owner)) runnable.push(i);
      }
      if (runnable.length === 0) return false;
      index = runnable[Math.floor(this.rng.next() * runnable.length)];
    }
    const [task] = this.ready.splice(index, 1);
    this.tasksRun++;
    this.trace.add(`${this.now}|${task.owner}|${task.label};`);
    task.fn();
    return true;
  }

  /** Moves time to the next timer (at most `maxMs` ahead) and readies every timer then due. */
  advance(maxMs: number): void {
    let next = Infinity;
    for (const t of this.timers) if (t.live && t.at < next) next = t.at;
    this.now = Math.max(this.now, Math.min(next, this.now + maxMs));
    if (next > this.now) return;
    const due = this.timers.filter((t) => t.live && t.at <= this.now).sort((a, b) => a.at - b.at || a.seq - b.seq);
    if (due.length === 0) return;
    this.timers = this.timers.filter((t) => t.live && t.at > this.now);
    for (const t of due) this.ready.push(t.task);
  }

  /** Whether anything is ready or timed. */
  get idle(): boolean {
    return this.ready.length === 0 && !this.timers.some((t) => t.live);
  }
}

/** Lets every promise continuation of the task just run settle (deterministic: no real I/O is pending). */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
