// The gate page (`/gate`): a staff member types or pastes a ticket code (no camera), the page checks it in
// (`POST /api/tickets/:code/check-in`) or only looks it up (`GET /api/tickets/:code`), and shows VALID,
// USED or VOID in large colours with the seat and the order. The staff token is typed or pasted once and
// kept in sessionStorage (this tab only).
import type { TicketView } from '../../../protocol/ticket-replies';
import { byId } from '../common/dom';
import { obtainToken, signIn, signOut } from '../common/session';


type Verdict = 'valid' | 'used' | 'void' | 'unknown';

const WORDS: Record<Verdict, string> = { valid: 'VALID', used: 'USED', void: 'VOID', unknown: 'NOT A TICKET' };

const errorBox = byId('error');

/** One gate route call: the status and the parsed body (null when it was not JSON). */
async function call(method: 'GET' | 'POST', path: string, token: string | null): Promise<{ status: number; body: Record<string, unknown> | null }> {
  const response = await fetch(path, { method, headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: response.status, body: (await response.json().catch(() => null)) as Record<string, unknown> | null };
}

function place(ticket: TicketView | null): string {
  if (!ticket) return '';
  return `${ticket.seatId ? `Seat ${ticket.seatId}` : `Standing: ${ticket.areaId}`} · Order ${ticket.orderId} · Event ${ticket.eventId}`;
}

function show(verdict: Verdict, ticket: TicketView | null, note: string): void {
  const box = byId('verdict');
  box.dataset.verdict = verdict;
  byId('verdict-word').textContent = WORDS[verdict];
  byId('verdict-detail').textContent = [note, place(ticket)].filter(Boolean).join(' · ');
  box.hidden = false;
}

function fail(text: string): void {
  errorBox.textContent = text;
  errorBox.hidden = false;
}

/** Checks the code in (or only looks it up) and shows the verdict. */
async function scan(token: string | null, code: string, checkIn: boolean): Promise<void> {
  errorBox.hidden = true;
  byId('verdict').hidden = true;
  const path = `/api/tickets/${encodeURIComponent(code)}`;
  const answer = checkIn ? await call('POST', `${path}/check-in`, token) : await call('GET', path, token);
  if (answer.status === 401 || answer.status === 403) {
    byId('signin').hidden = false;
    return fail('This needs a staff token: sign in below the code box first.');
  }
  if (answer.status === 404) return show('unknown', null, 'No ticket has this code: check it was typed correctly.');
  if (answer.status === 200) {
    const ticket = answer.body as unknown as TicketView;
    if (!checkIn) return show(ticket.status, ticket, ticket.status === 'used' ? `Checked in at ${when(ticket.usedAt)}` : 'Looked up, not checked in');
    return show('valid', ticket, 'Checked in now: let them in');
  }
  if (answer.status === 409) {
    // Refused: the reply says why; the lookup adds the seat and the order.
    const error = (answer.body?.error ?? {}) as { status?: string; usedAt?: string };
    const ticket = (await call('GET', path, token)).body as TicketView | null;
    if (error.status === 'void') return show('void', ticket, 'Its order was cancelled: do not admit');
    return show('used', ticket, `Already checked in at ${when(error.usedAt ?? ticket?.usedAt)}`);
  }
  const message = (answer.body?.error as { message?: string } | undefined)?.message;
  fail(`The check did not go through (${answer.status}${message ? `: ${message}` : ''}). Nothing was changed; try again.`);
}

function when(iso: string | undefined): string {
  return iso ? new Date(iso).toLocaleTimeString() : 'an earlier time';
}

async function main(): Promise<void> {
  const token = await obtainToken('staff');
  byId('signin').hidden = token !== null;
  byId('who').textContent = token ? 'Signed in' : 'Not signed in';
  byId<HTMLFormElement>('signin-form').addEventListener('submit', (e) => {
    e.preventDefault();
    signIn('staff', byId<HTMLInputElement>('signin-token').value);
  });
  byId('signout').addEventListener('click', () => signOut('staff'));
  const input = byId<HTMLInputElement>('code');
  const go = (checkIn: boolean): void => {
    const code = input.value.trim();
    if (!code) return;
    void scan(token, code, checkIn)
      .catch(() => fail('The server could not be reached. Nothing was changed; try again.'))
      .finally(() => {
        input.select();
        input.focus();
      });
  };
  byId<HTMLFormElement>('scan-form').addEventListener('submit', (e) => {
    e.preventDefault();
    go(true);
  });
  byId('look-up').addEventListener('click', () => go(false));
  input.focus();
  document.body.dataset.ready = 'true';
}

main().catch(() => fail('The gate page could not start. Reload the page.'));
