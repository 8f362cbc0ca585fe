// Finds or activates the actor of an event. Activation loads the event from the store and claims a
// new ownership epoch, so a previous owner's late commits are refused.
import type { ActorDeps } from './event-actor';
import { EventActor } from './event-actor';

/** The actors this process owns, activated on first use. */
export class ActorRegistry {
  private readonly active = new Map<string, EventActor>();
  private readonly activating = new Map<string, Promise<EventActor | null>>();

  constructor(private readonly deps: ActorDeps) {}

  /** The running actor, without waiting (the hot path), or undefined. */
  peek(eventId: string): EventActor | undefined {
    return this.active.get(eventId);
  }

  /** The actor of `eventId`, activating it if needed; null when the event does not exist. */
  get(eventId: string): Promise<EventActor | null> {
    const running = this.active.get(eventId);
    if (running && !running.isStopped) return Promise.resolve(running);
    let pending = this.activating.get(eventId);
    if (!pending) {
      pending = this.activate(eventId).finally(() => this.activating.delete(eventId));
      this.activating.set(eventId, pending);
    }
    return pending;
  }

  /** Every running actor. */
  all(): EventActor[] {
    return [...this.active.values()];
  }

  /** Forgets a stopped actor so the next command reactivates it from the store. */
  evict(actor: EventActor): void {
    if (this.active.get(actor.eventId) === actor) this.active.delete(actor.eventId);
  }

  private async activate(eventId: string): Promise<EventActor | null> {
    const restore = await this.deps.store.loadEvent(eventId);
    if (!restore) return null;
    const epoch = await this.deps.store.claimOwnership(eventId, this.deps.nodeId);
    const actor = new EventActor(restore, epoch, this.deps);
    this.active.set(eventId, actor);
    return actor;
  }
}
