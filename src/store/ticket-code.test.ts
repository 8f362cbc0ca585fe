import { describe, expect, it } from 'vitest';
import { devTicketSecret, MAX_TICKET_CODE_LENGTH, TicketCodes } from './ticket-code';
import type { TicketPlace } from './ticket-code';

const codes = new TicketCodes('gate-secret');
const seat: TicketPlace = { kind: 'seat', seatId: 'A-1-7' };
const place: TicketPlace = { kind: 'area', areaId: 'floor', index: 3 };

describe('ticket codes', () => {
  it('verify back to their order and seat, or their order and standing place', () => {
    const seatCode = codes.code('o_2bM9x-Qw_e1', seat);
    expect(seatCode).toMatch(/^t1\.o_2bM9x-Qw_e1\.s[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    expect(codes.verify(seatCode)).toEqual({ orderId: 'o_2bM9x-Qw_e1', place: seat });
    expect(codes.verify(codes.code('o1', place))).toEqual({ orderId: 'o1', place });
    // The same secret elsewhere (another node, after a restart) derives the same code.
    expect(new TicketCodes('gate-secret').code('o_2bM9x-Qw_e1', seat)).toBe(seatCode);
  });

  it('fail for any other seat, place, order or secret', () => {
    const code = codes.code('o1', seat);
    const mac = code.split('.')[3];
    const other = (orderId: string, p: TicketPlace): string => {
      const [version, , token] = codes.code(orderId, p).split('.');
      return `${version}.${orderId}.${token}.${mac}`;
    };
    expect(codes.verify(other('o1', { kind: 'seat', seatId: 'A-1-8' }))).toBeNull();
    expect(codes.verify(other('o2', seat))).toBeNull();
    expect(codes.verify(other('o1', { kind: 'area', areaId: 'A-1-7', index: 0 }))).toBeNull();
    const areaCode = codes.code('o1', place);
    const areaMac = areaCode.split('.')[3];
    for (const p of [{ ...place, index: 4 }, { ...place, areaId: 'balcony' }]) {
      const [version, orderId, token] = codes.code('o1', p).split('.');
      expect(codes.verify(`${version}.${orderId}.${token}.${areaMac}`)).toBeNull();
    }
    expect(new TicketCodes('another-secret').verify(code)).toBeNull();
    expect(codes.verify(code)).not.toBeNull();
  });

  it('refuse junk, edits and non-canonical spellings without throwing', () => {
    const code = codes.code('o1', seat);
    const [version, orderId, token, mac] = code.split('.');
    // Flips a bit the MAC keeps (the last character also carries 4 spare bits) and one it does not.
    const flipped = (mac[0] === 'A' ? 'B' : 'A') + mac.slice(1);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const spare = mac.slice(0, -1) + alphabet[alphabet.indexOf(mac[21]) ^ 1];
    for (const junk of [
      '', 'not a ticket', `${version}.${orderId}.${token}`, `${code}.x`, `t2.${orderId}.${token}.${mac}`,
      `${version}.${orderId}.${token}.${flipped}`, `${version}.${orderId}.${token}.${spare}`, `${version}.${orderId}.${token}=.${mac}`,
      `${version}.o/1.${token}.${mac}`, `${version}.${orderId}.a03~Zmxvb3I.${mac}`, `${version}.${orderId}.x.${mac}`,
      `${version}.${orderId}.a99999999999~Zmxvb3I.${mac}`, 't1.o1.s.' + mac, 'x'.repeat(MAX_TICKET_CODE_LENGTH + 1),
    ]) {
      expect(codes.verify(junk)).toBeNull();
    }
  });

  it('carry any seat id, even one with dots, slashes or non-ASCII', () => {
    for (const seatId of ['Parkett.links/3', 'Rang 2 – Platz 1', '席-1']) {
      const code = codes.code('o1', { kind: 'seat', seatId });
      expect(code).toMatch(/^[A-Za-z0-9_.~-]+$/);
      expect(codes.verify(code)).toEqual({ orderId: 'o1', place: { kind: 'seat', seatId } });
    }
  });

  it('refuse to encode an order id that is not URL-safe, and an empty secret', () => {
    expect(() => codes.code('o.1', seat)).toThrow(/order id/);
    expect(() => new TicketCodes('')).toThrow(/secret/);
  });

  it('dev secrets are stable for one data location and differ between two', () => {
    expect(devTicketSecret('/srv/data')).toBe(devTicketSecret('/srv/data'));
    expect(devTicketSecret('/srv/data')).not.toBe(devTicketSecret('/srv/other'));
  });
});
