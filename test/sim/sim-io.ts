// The I/O of one node incarnation as the scheduler sees it: every call to the store or the journal
// starts in a task of its own (its effect happens then, at once), and its answer comes back in a later
// task, possibly late, possibly failed, possibly lost after the write (in doubt).
import { StoreInDoubtError, StoreUnavailableError } from '../../src/store/event-store';
import type { EventStore } from '../../src/store/event-store';
import type { HoldJournal } from '../../src/actor/hold-journal';
import type { FaultRates } from './faults';
import type { Scheduler } from './scheduler';

/** What a node's store calls report to the checker when they take effect. */
export interface IoObserver {
  committed(node: string, eventId: string, epoch: number, orderIds: string[]): void;
  cancelled(node: string, eventId: string, epoch: number, orderId: string): void;
}

/** Fault options of one call. */
interface CallFaults {
  fail?: number;
  doubt?: number;
}

/** The I/O port of one node incarnation. */
export class NodeIo {
  constructor(
    private readonly sched: Scheduler,
    private readonly node: string,
    private readonly rates: FaultRates,
    /** Shared by every incarnation of every node: what was injected in the whole run. */
    readonly faultsInjected: { failed: number; inDoubt: number; slow: number },
  ) {}

  call<T>(label: string, op: () => Promise<T>, faults: CallFaults = {}): Promise<T> {
    const { sched, node, rates } = this;
    return new Promise<T>((resolve, reject) => {
      sched.push(node, `io:${label}`, () => {
        const deliver = (fn: () => void, what: string): void => {
          if (sched.rng.chance(rates.slowIo)) {
            this.faultsInjected.slow++;
            sched.timer(node, sched.rng.int(1, rates.slowMaxMs), `io-late:${label}:${what}`, fn);
          } else sched.push(node, `io-done:${label}:${what}`, fn);
        };
        if (faults.fail && sched.rng.chance(faults.fail)) {
          this.faultsInjected.failed++;
          deliver(() => reject(new StoreUnavailableError(`simulated: ${label} failed`)), 'failed');
          return;
        }
        const doubt = faults.doubt !== undefined && sched.rng.chance(faults.doubt);
        op().then(
          (value) => {
            if (doubt) {
              this.faultsInjected.inDoubt++;
              deliver(() => reject(new StoreInDoubtError(`simulated: ${label} reply lost`, { pid: 0, backendStart: node })), 'in-doubt');
            } else deliver(() => resolve(value), 'ok');
          },
          (error: unknown) => deliver(() => reject(error), 'error'),
        );
      });
    });
  }

  /** The store as this node sees it: same behaviour, scheduled and faulty. */
  store(inner: EventStore, observer: IoObserver): EventStore {
    const { rates, node } = this;
    const call = this.call.bind(this);
    return new Proxy(inner, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (typeof value !== 'function') return value;
        const method = value as (...args: unknown[]) => Promise<unknown>;
        if (prop === 'commitOrders') {
          return (eventId: string, epoch: number, orders: { orderId: string }[]) =>
            call(
              'commit',
              async () => {
                const result = (await method.call(target, eventId, epoch, orders)) as { ok: boolean };
                if (result.ok) observer.committed(node, eventId, epoch, orders.map((o) => o.orderId));
                return result;
              },
              { fail: rates.commitFails, doubt: rates.commitInDoubt },
            );
        }
        if (prop === 'cancelOrder') {
          return (eventId: string, epoch: number, orderId: string) =>
            call('cancel', async () => {
              const result = await method.call(target, eventId, epoch, orderId);
              if (result === 'cancelled') observer.cancelled(node, eventId, epoch, orderId);
              return result;
            });
        }
        const fail = prop === 'storedAmong' || prop === 'loadEvent' ? rates.commitFails : 0;
        return (...args: unknown[]) => call(String(prop), () => method.apply(target, args), { fail });
      },
    });
  }

  /** The shared journal as this node sees it. */
  journal(inner: HoldJournal): HoldJournal {
    return {
      claim: (eventId, epoch) => this.call('journal-claim', () => inner.claim(eventId, epoch)),
      write: (eventId, epoch, changes) =>
        this.call('journal-write', () => inner.write(eventId, epoch, changes), { fail: this.rates.journalFails }),
    };
  }
}
