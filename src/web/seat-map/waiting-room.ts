// The waiting room on the seat-map page. When the event's line is on, the user joins it (the SDK's `join`)
// and sees their place, the people ahead, the expected wait and a progress bar, kept current by the
// `queue` pushes; `admitted` turns the page into the seat map with the admission's countdown. Sold out
// keeps the place as a waitlist and says so; sales closing ends the line. A hold refused with
// `queue_required` (the admission ran out, or the line was switched on meanwhile) sends the user back to
// the line. The protocol is in docs/protocol.md, "Waiting room".
import type { AisleClient } from '../../../protocol/sdk/aisle-client';
import type { QueuePositionMessage } from '../../../protocol/queue-messages';
import { byId, clock, grouped } from '../common/dom';
import { describeError } from '../common/messages';

/** What the page shows: the line, one of its ends, or the seat map (`admitted`). */
export type RoomState = 'waiting' | 'lottery' | 'sold_out' | 'closed' | 'signin' | 'admitted';

type Place = Pick<QueuePositionMessage, 'position' | 'ahead' | 'etaSeconds' | 'lottery'>;

/** The expected wait on the waitlist: nothing is for sale until seats come back. */
const SEATS_BACK = 'When seats come back';
const KEEP_OPEN = 'Keep this page open: it turns into the seat map by itself when it is your turn.';
/** The heading and the sentence under it, per state of the line. */
const WORDS: Record<Exclude<RoomState, 'admitted'>, [string, string]> = {
  waiting: ['You are in line', `Many people want seats right now, so we let them in a few at a time, in order of arrival. ${KEEP_OPEN}`],
  lottery: ['You are in the waiting room', `Everyone who arrives before the line opens gets a place drawn at random, so there is no need to refresh. ${KEEP_OPEN}`],
  sold_out: [
    'Sold out for now',
    'Every seat is sold or held by someone buying right now. You keep your place on the waitlist: if seats come back (a hold runs out or an order is cancelled), people on the list are let in in turn, and this page turns into the seat map by itself.',
  ],
  closed: ['Sales have closed', 'Sales for this event have closed, so the waiting room is closed too and places in line are no longer kept.'],
  signin: ['This sale has a waiting room', 'Sign in to take your place in line.'],
};

/** The expected wait in words (null: no admissions measured yet). */
export function waitWords(seconds: number | null): string {
  if (seconds === null) return 'Working it out…';
  if (seconds < 60) return 'Under a minute';
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return `About ${minutes} minute${minutes === 1 ? '' : 's'}`;
  return `About ${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** The line and the admission, as the page shows them. */
export class WaitingRoomScreen {
  /** Where the page is now (also on `body[data-queue]`). */
  state: RoomState | null = null;
  private client: AisleClient | null = null;
  private expiresAt: number | null = null;
  /** The worst position seen, where the progress bar starts. */
  private start = 0;
  private admittedNow: (() => void) | null = null;
  private ticking: ReturnType<typeof setInterval> | null = null;
  private openAt: string | null = null;
  /** The page's own title, given back when the user is admitted. */
  private title = '';

  constructor(private readonly options: { eventId: string; announce(text: string): void }) {
    byId('rejoin').addEventListener('click', () => void this.enter(this.client!));
  }

  /** Joins the line and shows it; resolves once the user is admitted (at once when there is room).
   * `openAt` is when the line opens (joiners before it are drawn by lottery). */
  enter(client: AisleClient, openAt = this.openAt): Promise<void> {
    if (!this.client) this.listen(client);
    this.client = client;
    this.openAt = openAt;
    if (this.state === null || this.state === 'admitted') this.title = document.title;
    this.start = 0;
    for (const id of ['queue-position', 'queue-ahead', 'queue-eta', 'wait-note']) byId(id).textContent = '';
    this.show(this.state === 'sold_out' ? 'sold_out' : 'waiting');
    const admitted = new Promise<void>((resolve) => (this.admittedNow = resolve));
    client.join(this.options.eventId).then(
      (reply) => (reply.type === 'admitted' ? this.admit(reply.expiresAt) : this.place(reply)),
      (error: { code?: string }) => {
        // The line was switched off meanwhile: straight to the seat map, no admission to count down.
        if (error.code === 'conflict') this.admit(null);
        else if (error.code === 'sales_closed') this.show('closed');
        else if (error.code === 'unauthorized') this.show('signin');
        else byId('wait-note').textContent = describeError(error);
      },
    );
    return admitted;
  }

  /** The user bought: that ends the admission (holding more means joining the line again). */
  bought(): void {
    this.stopCountdown();
    byId('admission').hidden = true;
  }

  private listen(client: AisleClient): void {
    const mine = (e: { eventId: string }): boolean => e.eventId === this.options.eventId;
    client.on('queue', (e) => mine(e) && this.place(e));
    client.on('admitted', (e) => mine(e) && this.admit(e.expiresAt));
    client.on('queue_closed', (e) => {
      if (!mine(e)) return;
      if (this.state !== 'admitted') this.show(e.reason);
      else if (e.reason === 'closed') this.ended('Sales have closed.');
      this.options.announce(WORDS[e.reason].join(' '));
    });
  }

  private place(place: Place): void {
    if (this.state === 'admitted') return;
    if (this.state !== 'sold_out' && this.state !== 'closed') this.show(place.lottery ? 'lottery' : 'waiting');
    this.start = Math.max(this.start, place.position);
    byId('queue-position').textContent = place.lottery ? `≤ ${grouped(place.position)}` : grouped(place.position);
    byId('queue-ahead').textContent = grouped(place.ahead);
    byId('queue-eta').textContent = this.state === 'sold_out' ? SEATS_BACK : place.lottery && this.openAt ? `Line opens ${new Date(this.openAt).toLocaleTimeString()}` : waitWords(place.etaSeconds);
    const bar = byId<HTMLProgressElement>('queue-progress');
    bar.max = this.start + 1;
    bar.value = this.start - place.position + 1;
    document.title = `${grouped(place.position)} in line · Aisle`;
  }

  /** Admitted until `expiresAt` (server time), or with no limit (null): the seat map. */
  private admit(expiresAt: number | null): void {
    const first = this.state !== 'admitted';
    if (first) document.title = this.title;
    this.show('admitted');
    this.expiresAt = expiresAt;
    byId('admission').hidden = expiresAt === null;
    byId('admission-open').hidden = false;
    byId('admission-ended').hidden = true;
    byId('rejoin').hidden = true;
    this.stopCountdown();
    if (expiresAt !== null) {
      this.tick();
      this.ticking = setInterval(() => this.tick(), 1000);
    }
    if (first) this.options.announce(expiresAt === null ? 'Choose your seats.' : `It is your turn. Choose your seats within ${clock(expiresAt - this.client!.now())}.`);
    this.admittedNow?.();
    this.admittedNow = null;
  }

  private tick(): void {
    const left = this.expiresAt! - this.client!.now();
    byId('admission-countdown').textContent = clock(left);
    if (left <= 0) this.ended('Your turn to choose has ended. Seats you hold stay yours until their hold runs out, and you can still buy them; to hold more, join the line again.');
  }

  private ended(text: string): void {
    this.stopCountdown();
    byId('admission-open').hidden = true;
    const ended = byId('admission-ended');
    ended.textContent = text;
    ended.hidden = false;
    byId('rejoin').hidden = false;
    this.options.announce(text);
  }

  private stopCountdown(): void {
    if (this.ticking) clearInterval(this.ticking);
    this.ticking = null;
  }

  private show(state: RoomState): void {
    this.state = state;
    document.body.dataset.queue = state;
    byId('seat-page').hidden = state !== 'admitted';
    byId('waiting-room').hidden = state === 'admitted';
    if (state === 'admitted') return;
    const [title, lead] = WORDS[state];
    byId('wait-h').textContent = title;
    byId('wait-lead').textContent = lead;
    byId('wait-card').dataset.state = state;
    byId('wait-figures').hidden = state === 'closed' || state === 'signin';
    byId('queue-progress').hidden = state !== 'waiting' && state !== 'lottery';
    if (state === 'sold_out') byId('queue-eta').textContent = SEATS_BACK;
    // A guest signs in from the line (the same form as on the seat map).
    if (state === 'signin') byId('wait-card').append(byId('signin'));
    byId('signin').hidden = state !== 'signin';
  }
}
