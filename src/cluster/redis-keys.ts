// Every Redis key and channel the cluster uses, built in one place from one prefix, so tests run with a
// random prefix each and two clusters can share one Redis.

/** The prefix of a production cluster's keys. */
export const DEFAULT_KEY_PREFIX = 'aisle:';

/** Names of the cluster's keys and channels under one prefix. */
export class RedisKeys {
  constructor(readonly prefix: string = DEFAULT_KEY_PREFIX) {}

  /** Sorted set: nodeId scored by the Redis-clock millisecond its heartbeat expires. */
  members(): string {
    return `${this.prefix}members`;
  }

  /** Hash: nodeId → advertised URL of each member. */
  memberUrls(): string {
    return `${this.prefix}member-urls`;
  }

  /** Channel: a member joined, left or expired (payload: the nodeId); receivers re-read the list. */
  membersChannel(): string {
    return `${this.prefix}members-changed`;
  }

  /** String: the nodeId holding `eventId`'s ownership lease, with the lease's TTL. */
  lease(eventId: string): string {
    return `${this.prefix}lease:${eventId}`;
  }

  /** String: the epoch that last claimed `eventId`'s hold journal. */
  journalEpoch(eventId: string): string {
    return `${this.prefix}journal-epoch:${eventId}`;
  }

  /** Hash: holdId → encoded HoldSnapshot of `eventId`'s replicated holds. */
  journalHolds(eventId: string): string {
    return `${this.prefix}journal-holds:${eventId}`;
  }

  /** String: the epoch that last claimed `eventId`'s room journal (the waiting room's changes). */
  queueJournalEpoch(eventId: string): string {
    return `${this.prefix}queue-journal-epoch:${eventId}`;
  }

  /** Sorted set: `eventId`'s encoded waiting-room changes scored by their number. */
  queueJournalChanges(eventId: string): string {
    return `${this.prefix}queue-journal:${eventId}`;
  }

  /** Channel: `eventId`'s coalesced diffs. */
  diffChannel(eventId: string): string {
    return `${this.prefix}diff:${eventId}`;
  }

  /** The event id of a diff channel name, or undefined for any other channel. */
  eventOfDiffChannel(channel: string): string | undefined {
    const head = this.diffChannel('');
    return channel.startsWith(head) ? channel.slice(head.length) : undefined;
  }

  /** Channel: hold expiries of every event (every node receives all of them). */
  expiredChannel(): string {
    return `${this.prefix}expired`;
  }

  /** The channel of every waiting-room push (to users on any node). */
  queueChannel(): string {
    return `${this.prefix}queue-push`;
  }
}
