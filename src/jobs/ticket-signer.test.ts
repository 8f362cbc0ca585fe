import { describe, expect, it } from 'vitest';
import { TicketSigner } from './ticket-signer';

describe('ticket signer', () => {
  const claims = { code: 'ABCDEFGHJKMNPQRSTVWXYZ0123', eventId: 'gig', orderId: 'o_1', seatId: 's-1-1' };

  it('signs a compact payload that verifies back to its claims', () => {
    const signer = new TicketSigner('secret');
    const payload = signer.sign(claims);
    expect(payload).toMatch(/^AT1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    expect(signer.verify(payload)).toEqual(claims);
    expect(new TicketSigner('secret').verify(payload)).toEqual(claims);
  });

  it('refuses other secrets, edits and junk', () => {
    const payload = new TicketSigner('secret').sign({ ...claims, seatId: undefined, areaId: 'floor' });
    expect(new TicketSigner('other').verify(payload)).toBeNull();
    const [prefix, body, mac] = payload.split('.');
    const forged = Buffer.from(JSON.stringify({ ...claims, orderId: 'o_2' })).toString('base64url');
    expect(new TicketSigner('secret').verify(`${prefix}.${forged}.${mac}`)).toBeNull();
    expect(new TicketSigner('secret').verify(`${prefix}.${body}`)).toBeNull();
    expect(new TicketSigner('secret').verify('not a ticket')).toBeNull();
  });
});
