// Forwarded operations are typed per operation: a wrong argument list is a compile error (the lines
// marked as expected errors fail `tsc --noEmit` the day they stop being errors), and every EventService
// operation, `holds` included, is accepted off the wire while anything else is refused.
import { describe, expect, it } from 'vitest';
import type { PeerArgs, PeerRequest } from './peer-protocol';
import { PEER_OPS, isPeerOp } from './peer-protocol';

describe('peer protocol', () => {
  it('types each operation’s arguments as the EventService method’s, after the event id', () => {
    const hold: PeerArgs<'hold'> = ['ann', { kind: 'seats', seats: ['s-1-1'] }, undefined];
    const buy: PeerArgs<'buy'> = ['ann', 'h_1'];
    const stats: PeerArgs<'stats'> = [];
    const request: PeerRequest = { id: 1, op: 'block', eventId: 'e', args: [['s-1-1'], true] };
    // @ts-expect-error a hold needs the user and what to hold
    const noRequest: PeerArgs<'hold'> = ['ann'];
    // @ts-expect-error setSales takes a boolean, not a string
    const wrongType: PeerArgs<'setSales'> = ['yes'];
    // @ts-expect-error the arguments must be those of the operation named
    const mismatched: PeerRequest = { id: 2, op: 'buy', eventId: 'e', args: [['s-1-1'], true] };
    expect([hold, buy, stats, request, noRequest, wrongType, mismatched]).toHaveLength(7);
  });

  it('accepts every operation by name and refuses anything else', () => {
    for (const op of Object.keys(PEER_OPS)) expect(isPeerOp(op)).toBe(true);
    expect(isPeerOp('holds')).toBe(true);
    for (const bad of ['toString', 'constructor', '__proto__', '', 'HOLD', 1, null, undefined, ['hold']]) expect(isPeerOp(bad)).toBe(false);
  });
});
