// What an actor's parts (hold flow, purchase flow, staff commands) need of the actor itself: its
// single-writer step, so every state change still goes through one place, and its stop.
import type { Command, DomainEvent } from '../domain/commands';
import type { Failure } from './event-service';
import type { Refused } from './outcomes';

/** The actor, as its parts see it. */
export interface ActorHost {
  /**
   * Decides and applies one command (with its diff, journal and figure effects); the rejection, or
   * undefined. `onEvent` sees each applied event; `dryRun` decides without applying.
   */
  run(command: Command, onEvent?: (event: DomainEvent) => void, dryRun?: boolean): Refused | undefined;
  isStopped(): boolean;
  /** Stops serving: pending purchases and later commands fail with `failure`. */
  stop(failure: Failure): void;
  /** Seat ids of seat indexes. */
  seatIds(indexes: readonly number[]): string[];
}
