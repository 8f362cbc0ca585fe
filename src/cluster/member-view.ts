// One node's view of the member list, shared by the Membership implementations: keeps the list sorted
// by nodeId and tells listeners only when it really changed.
import type { Member } from './membership';

function sameMembers(a: readonly Member[], b: readonly Member[]): boolean {
  return a.length === b.length && a.every((member, i) => member.nodeId === b[i].nodeId && member.url === b[i].url);
}

/** The member list as last seen, and who wants to hear when it changes. */
export class MemberView {
  private current: Member[] = [];
  private readonly listeners = new Set<(members: Member[]) => void>();

  /** @param onListenerError receives what a listener threw (the others are still called). */
  constructor(private readonly onListenerError: (error: unknown) => void) {}

  /** The list, sorted by nodeId (a copy). */
  members(): Member[] {
    return this.current.slice();
  }

  /** Adds a listener; returns its removal. */
  onChange(listener: (members: Member[]) => void): () => void {
    const wrapped = (members: Member[]): void => listener(members);
    this.listeners.add(wrapped);
    return () => {
      this.listeners.delete(wrapped);
    };
  }

  /** Replaces the list (any order); calls the listeners, synchronously, if it differs from the last one. */
  update(members: readonly Member[]): Member[] {
    const sorted = members
      .map(({ nodeId, url }) => ({ nodeId, url }))
      .sort((a, b) => (a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : 0));
    if (!sameMembers(sorted, this.current)) {
      this.current = sorted;
      for (const listener of [...this.listeners]) {
        try {
          listener(sorted.slice());
        } catch (error) {
          this.onListenerError(error);
        }
      }
    }
    return this.members();
  }
}
