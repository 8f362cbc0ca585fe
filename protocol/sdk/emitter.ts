// A minimal typed event emitter: the SDK runs in browsers and Node, so it cannot use node:events.

/** Listener map: event name → payload type. */
export type EventMap = Record<string, unknown>;

/** Subscribe with `on`, get an unsubscribe function back. */
export class Emitter<E extends EventMap> {
  private readonly listeners = new Map<keyof E, Set<(payload: never) => void>>();

  /** Calls `listener` on each `event`; returns a function that removes it. */
  on<K extends keyof E>(event: K, listener: (payload: E[K]) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as (payload: never) => void);
    return () => void set.delete(listener as (payload: never) => void);
  }

  /** Resolves with the next `event` whose payload passes `match`. */
  once<K extends keyof E>(event: K, match: (payload: E[K]) => boolean = () => true): Promise<E[K]> {
    return new Promise((resolve) => {
      const off = this.on(event, (payload) => {
        if (!match(payload)) return;
        off();
        resolve(payload);
      });
    });
  }

  /** Calls every listener of `event`; a throwing listener does not stop the others. */
  protected emit<K extends keyof E>(event: K, payload: E[K]): void {
    const set = this.listeners.get(event);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        (listener as (payload: E[K]) => void)(payload);
      } catch (error) {
        // A listener's bug must not break the connection's message loop; surface it asynchronously.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}
