// Membership without Redis: the single process is the whole cluster. Several LocalMemberships can
// share one LocalMemberGroup to run a multi-node cluster inside one process (tests, simulations);
// members there leave only by leave(), as a crash takes the whole process down.
import { MemberView } from './member-view';
import type { Member, Membership } from './membership';

/** The members of one in-process cluster. */
export class LocalMemberGroup {
  private readonly members = new Map<string, Member>();
  private readonly views = new Set<MemberView>();

  /** The members, in no particular order. */
  list(): Member[] {
    return [...this.members.values()];
  }

  /** Adds `member` and shows every joined view the new list. */
  add(member: Member, view: MemberView): void {
    this.members.set(member.nodeId, { nodeId: member.nodeId, url: member.url });
    this.views.add(view);
    this.publish();
  }

  /** Removes `nodeId` and shows every view (including the leaver's) the new list. */
  remove(nodeId: string, view: MemberView): void {
    this.members.delete(nodeId);
    this.publish();
    this.views.delete(view);
  }

  private publish(): void {
    const list = this.list();
    for (const view of [...this.views]) view.update(list);
  }
}

/** An in-process Membership; by default alone in its own group ("just self"). */
export class LocalMembership implements Membership {
  private readonly view: MemberView;
  private self: Member | null = null;

  /** @param group the in-process cluster to join (default: a new one, this node alone). */
  constructor(private readonly group: LocalMemberGroup = new LocalMemberGroup(), onListenerError: (error: unknown) => void = () => undefined) {
    this.view = new MemberView(onListenerError);
  }

  async join(self: Member): Promise<void> {
    if (this.self) throw new Error(`already joined as ${this.self.nodeId}`);
    this.self = { nodeId: self.nodeId, url: self.url };
    this.group.add(this.self, this.view);
  }

  async leave(): Promise<void> {
    if (!this.self) return;
    const { nodeId } = this.self;
    this.self = null;
    this.group.remove(nodeId, this.view);
  }

  members(): Member[] {
    return this.view.members();
  }

  async refresh(): Promise<Member[]> {
    return this.view.update(this.group.list());
  }

  onChange(listener: (members: Member[]) => void): () => void {
    return this.view.onChange(listener);
  }

  healthy(): boolean {
    return true;
  }
}
