// Sending dead-lettered webhooks again (staff): one by its id, or all of them (of one event). A letter
// sent again is pending with a fresh attempt count; one that is not dead (already sent again, or
// delivered) is left alone, so repeating a request queues nothing twice. Each letter sent again is
// recorded in the audit trail.
import { parseResendBody } from '../../protocol';
import type { ResentLetter } from '../store/outbox-store';
import type { Identity } from './auth';
import { HttpError, jsonBody } from './http';
import type { Routes } from './http-routes';
import { json } from './http-routes';

/** Outbox ids are positive bigints. */
const OUTBOX_ID = /^[1-9][0-9]{0,18}$/;

/** Registers POST /api/webhooks/dead/:id/resend and POST /api/webhooks/dead/resend. */
export function registerDeadLetterRoutes({ deps, post, caller, audit }: Routes): void {
  const jobs = (): NonNullable<typeof deps.jobs> => {
    if (!deps.jobs) throw new HttpError('not_found', 'webhooks are not configured on this server');
    return deps.jobs;
  };
  const recorded = async (who: Identity | null, resent: ResentLetter[]): Promise<ReturnType<typeof json>> => {
    for (const letter of resent) await audit(who, 'webhook.resend', letter.eventId, letter.id, { type: letter.type });
    return json(200, { requeued: resent.map((letter) => letter.id) });
  };

  post('/api/webhooks/dead/:id/resend', async (request) => {
    const who = await caller(request, 'staff');
    const id = request.params[0];
    if (!OUTBOX_ID.test(id)) throw new HttpError('not_found', 'no such dead letter');
    return recorded(who, await jobs().resendDead([id]));
  }, 1024, 'staff');

  post('/api/webhooks/dead/resend', async (request) => {
    const who = await caller(request, 'staff');
    const eventId = eventFilter(request.body && request.body.byteLength > 0 ? jsonBody(request) : {});
    return recorded(who, await jobs().resendAllDead(eventId));
  }, 1024, 'staff');
}

/** `{eventId?}` (protocol's ResendBodySchema): which event's letters; none for all. */
function eventFilter(body: unknown): string | undefined {
  const parsed = parseResendBody(body);
  if (!parsed.ok) throw new HttpError('bad_request', parsed.message);
  return parsed.value.eventId;
}
