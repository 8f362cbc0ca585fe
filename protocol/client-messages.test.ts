import { describe, expect, it } from 'vitest';
import { CLIENT_MESSAGE_TYPES, type ClientMessage } from './client-messages';
import { parseClientMessage } from './validate';

const E = 'rock-2025';
const TEXT_RULE = 'must not contain control characters or unpaired surrogates';
const ID_RULE = `${TEXT_RULE}, nor be __proto__, constructor or prototype`;
const KEY_RULE = 'is not a valid id (1..128 characters, no control characters)';
const EXCLUSIVE = 'a hold takes exactly one of seats, best or area';
const EVENT_RULE = 'eventId: must match ^[a-z0-9][a-z0-9-]{0,63}$';
const ids = (n: number, prefix = 's'): string[] => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

function accepts(value: unknown): ClientMessage {
  const result = parseClientMessage(value);
  if (!result.ok) throw new Error(`refused: ${result.message}`);
  return result.message;
}

function refusal(value: unknown): { rid?: string | number; message: string } {
  const result = parseClientMessage(value);
  if (result.ok) throw new Error(`accepted: ${JSON.stringify(value)}`);
  const { ok: _ok, ...rest } = result;
  return rest;
}

describe('parseClientMessage: valid requests', () => {
  it.each<[string, Record<string, unknown>]>([
    ['auth', { type: 'auth', rid: 1, token: 'eyJ.a.b' }],
    ['subscribe', { type: 'subscribe', rid: 'r1', eventId: E }],
    ['unsubscribe', { type: 'unsubscribe', eventId: E }],
    ['hold seats', { type: 'hold', rid: 2, eventId: E, seats: ['A-1-1', 'A-1-2'] }],
    ['hold seats into a hold', { type: 'hold', eventId: E, seats: ['A-1-1'], holdId: 'h1' }],
    ['hold best', { type: 'hold', eventId: E, best: { count: 4, category: 'vip', section: 'A', accessible: true } }],
    ['hold best, count only', { type: 'hold', eventId: E, best: { count: 1 } }],
    ['hold area', { type: 'hold', eventId: E, area: { id: 'floor', count: 100 }, holdId: 'h1' }],
    ['release all', { type: 'release', eventId: E, holdId: 'h1' }],
    ['release part', { type: 'release', eventId: E, holdId: 'h1', seats: ['A-1-1'], areas: { floor: 2 } }],
    ['extend', { type: 'extend', eventId: E, holdId: 'h1' }],
    ['buy', { type: 'buy', eventId: E, holdId: 'h1' }],
    ['buy with key', { type: 'buy', eventId: E, holdId: 'h1', idempotencyKey: '3f1c0a1e-6a4b-4bd9-9a43-0f3b2d1c9e77' }],
    ['watch', { type: 'watch', eventId: E }],
    ['holds', { type: 'holds', rid: 3, eventId: E }],
    ['hold with a holdKey', { type: 'hold', eventId: E, seats: ['A-1-1'], holdKey: 'k'.repeat(64) }],
    ['ping', { type: 'ping' }],
    ['join', { type: 'join', rid: 1, eventId: E }],
    ['leave', { type: 'leave', eventId: E }],
    ['ping with a 64-character rid', { type: 'ping', rid: 'r'.repeat(64) }],
    ['ping with a fractional rid', { type: 'ping', rid: -1.5 }],
    ['a maximal hold', { type: 'hold', eventId: 'a'.repeat(64), seats: ids(100).map((s) => s.padEnd(128, 'x')) }],
  ])('accepts %s as given', (_name, message) => {
    expect(accepts(message)).toEqual(message);
  });

  it('covers every request type', () => {
    expect(CLIENT_MESSAGE_TYPES).toEqual([
      'auth', 'subscribe', 'unsubscribe', 'hold', 'release', 'extend', 'buy', 'watch', 'ping', 'holds', 'join', 'leave',
    ]);
  });

  it('drops unknown fields, at the top and nested, and never returns the input object', () => {
    const input = {
      type: 'hold', rid: 7, eventId: E, best: { count: 2, extra: { deep: true } }, userId: 'mallory', role: 'admin',
    };
    const message = accepts(input);
    expect(message).toEqual({ type: 'hold', rid: 7, eventId: E, best: { count: 2 } });
    expect(message).not.toBe(input);
    expect((message as { best: object }).best).not.toBe(input.best);
  });

  it('copies the seats array, so later changes to the input do not leak in', () => {
    const seats = ['a', 'b'];
    const message = accepts({ type: 'hold', eventId: E, seats }) as { seats: string[] };
    seats.push('c');
    expect(message.seats).toEqual(['a', 'b']);
  });

  it('ignores a __proto__ field (JSON.parse makes it an own property) and does not pollute', () => {
    const input = JSON.parse(`{"type":"ping","rid":1,"__proto__":{"polluted":true,"type":"buy"}}`);
    const message = accepts(input);
    expect(message).toEqual({ type: 'ping', rid: 1 });
    expect(Object.getPrototypeOf(message)).toBe(Object.prototype);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it('a nested __proto__ cannot supply a required field', () => {
    const input = JSON.parse(`{"type":"hold","eventId":"${E}","best":{"__proto__":{"count":2}}}`);
    expect(refusal(input)).toEqual({ message: 'best.count: required' });
  });
});

describe('parseClientMessage: what is not a message', () => {
  it.each([null, undefined, 0, 42, 'ping', true, [], [{ type: 'ping' }], new Uint8Array(2)])('refuses %j', (value) => {
    // A typed array is an object to JSON Schema, but has no `type`.
    const expected = value instanceof Uint8Array ? 'type: required' : 'a message must be an object';
    expect(refusal(value)).toEqual({ message: expected });
  });

  it.each<[unknown, string]>([
    [{}, 'type: required'],
    [{ type: 5 }, 'type: expected a string'],
    [{ type: null }, 'type: expected a string'],
    [{ type: 'book' }, 'unknown message type "book"'],
    [{ type: '' }, 'unknown message type ""'],
    [{ type: 'constructor' }, 'unknown message type "constructor"'],
    [{ type: '__proto__' }, 'unknown message type "__proto__"'],
    [{ type: 'toString' }, 'unknown message type "toString"'],
    [{ type: 'HOLD' }, 'unknown message type "HOLD"'],
    [{ type: 'x'.repeat(1000) }, `unknown message type "${'x'.repeat(64)}…"`],
  ])('refuses %j', (value, message) => {
    expect(refusal(value)).toEqual({ message });
  });
});

describe('parseClientMessage: rid', () => {
  const validRids: Array<[unknown]> = [[0], [''], ['r'.repeat(64)], [Number.MAX_SAFE_INTEGER], [-3.25]];
  it.each(validRids)('echoes a valid rid %j with errors', (rid) => {
    expect(refusal({ type: 'nope', rid })).toEqual({ rid, message: 'unknown message type "nope"' });
    const message = 'a hold needs one of seats, best or area';
    expect(refusal({ type: 'hold', rid, eventId: E })).toEqual({ rid, message });
  });

  it.each<[unknown]>([[null], [true], [{}], [[1]], ['r'.repeat(65)], [Number.NaN], [Infinity], [-Infinity]])(
    'refuses rid %j and does not echo it',
    (rid) => {
      expect(refusal({ type: 'ping', rid })).toEqual({
        message: 'rid: must be a string of at most 64 characters or a finite number',
      });
    },
  );
});

describe('parseClientMessage: per-type errors name the field', () => {
  const h = { type: 'hold', rid: 9, eventId: E };
  const r = { type: 'release', rid: 9, eventId: E, holdId: 'h' };
  const b = { type: 'buy', rid: 9, eventId: E, holdId: 'h' };
  it.each<[string, Record<string, unknown>, string]>([
    // auth
    ['auth without token', { type: 'auth', rid: 9 }, 'token: required'],
    ['auth with a number token', { type: 'auth', rid: 9, token: 1 }, 'token: expected a string'],
    ['auth with an empty token', { type: 'auth', rid: 9, token: '' }, 'token: must not be empty'],
    ['auth with a huge token',
      { type: 'auth', rid: 9, token: 't'.repeat(4097) }, 'token: must be at most 4096 characters'],
    // subscribe, unsubscribe, watch, extend
    ['subscribe without eventId', { type: 'subscribe', rid: 9 }, 'eventId: required'],
    ['subscribe with an upper-case id', { type: 'subscribe', rid: 9, eventId: 'Rock' }, EVENT_RULE],
    ['subscribe with a leading dash', { type: 'subscribe', rid: 9, eventId: '-rock' }, EVENT_RULE],
    ['subscribe with 65 characters', { type: 'subscribe', rid: 9, eventId: 'a'.repeat(65) }, EVENT_RULE],
    ['subscribe with a number', { type: 'subscribe', rid: 9, eventId: 7 }, 'eventId: expected a string'],
    ['unsubscribe with null', { type: 'unsubscribe', rid: 9, eventId: null }, 'eventId: expected a string'],
    ['watch with an array', { type: 'watch', rid: 9, eventId: [E] }, 'eventId: expected a string'],
    ['extend without holdId', { type: 'extend', rid: 9, eventId: E }, 'holdId: required'],
    ['extend with an empty holdId', { type: 'extend', rid: 9, eventId: E, holdId: '' }, 'holdId: must not be empty'],
    // hold: seats
    ['hold with no form', h, 'a hold needs one of seats, best or area'],
    ['hold with seats and best',
      { ...h, seats: ['a'], best: { count: 1 } }, `best: ${EXCLUSIVE}`],
    ['hold with best and area',
      { ...h, best: { count: 1 }, area: { id: 'f', count: 1 } }, `area: ${EXCLUSIVE}`],
    ['hold with seats and area',
      { ...h, seats: ['a'], area: { id: 'f', count: 1 } }, `area: ${EXCLUSIVE}`],
    ['hold with an empty seat list', { ...h, seats: [] }, 'seats: must not be empty'],
    ['hold with 101 seats', { ...h, seats: ids(101) }, 'seats: must have at most 100 items'],
    ['hold with 100,000 seats', { ...h, seats: ids(100_000) }, 'seats: must have at most 100 items'],
    ['hold with seats as a string', { ...h, seats: 'A-1-1' }, 'seats: expected an array'],
    ['hold with seats as an object', { ...h, seats: { 0: 'a' } }, 'seats: expected an array'],
    ['hold with a number seat', { ...h, seats: ['a', 'b', 3] }, 'seats[2]: expected a string'],
    ['hold with an empty seat id', { ...h, seats: ['a', ''] }, 'seats[1]: must not be empty'],
    ['hold with a 129-character seat id',
      { ...h, seats: ['a', 'b', 'c'.repeat(129)] }, 'seats[2]: must be at most 128 characters'],
    ['hold with a duplicate seat', { ...h, seats: ['a', 'b', 'c', 'b'] }, 'seats[3]: duplicates seats[1]'],
    ['hold with a NUL in a seat id', { ...h, seats: ['a\u0000'] }, `seats[0]: ${ID_RULE}`],
    ['hold with an unpaired surrogate', { ...h, seats: ['a\ud800'] }, `seats[0]: ${ID_RULE}`],
    ['hold with a __proto__ seat id', { ...h, seats: ['__proto__'] }, `seats[0]: ${ID_RULE}`],
    ['hold with a bad holdId', { ...h, seats: ['a'], holdId: 5 }, 'holdId: expected a string'],
    ['hold with a bad eventId', { ...h, eventId: '', seats: ['a'] }, EVENT_RULE],
    // hold: best
    ['best without count', { ...h, best: {} }, 'best.count: required'],
    ['best with count 0', { ...h, best: { count: 0 } }, 'best.count: must be at least 1'],
    ['best with count 101', { ...h, best: { count: 101 } }, 'best.count: must be at most 100'],
    ['best with a fractional count', { ...h, best: { count: 1.5 } }, 'best.count: expected an integer'],
    ['best with a string count', { ...h, best: { count: '2' } }, 'best.count: expected an integer'],
    ['best with NaN', { ...h, best: { count: Number.NaN } }, 'best.count: expected an integer'],
    ['best with a number category', { ...h, best: { count: 2, category: 1 } }, 'best.category: expected a string'],
    ['best with a long section',
      { ...h, best: { count: 2, section: 's'.repeat(129) } }, 'best.section: must be at most 128 characters'],
    ['best with accessible "yes"',
      { ...h, best: { count: 2, accessible: 'yes' } }, 'best.accessible: expected true or false'],
    ['best as an array', { ...h, best: [2] }, 'best: expected an object'],
    ['best as null', { ...h, best: null }, 'best: expected an object'],
    // hold: area
    ['area without id', { ...h, area: { count: 2 } }, 'area.id: required'],
    ['area without count', { ...h, area: { id: 'floor' } }, 'area.count: required'],
    ['area with count 1000', { ...h, area: { id: 'floor', count: 1000 } }, 'area.count: must be at most 100'],
    ['area as a string', { ...h, area: 'floor' }, 'area: expected an object'],
    // release
    ['release without holdId', { type: 'release', rid: 9, eventId: E }, 'holdId: required'],
    ['release with an empty seat list', { ...r, seats: [] }, 'seats: must not be empty'],
    ['release with a duplicate seat', { ...r, seats: ['a', 'a'] }, 'seats[1]: duplicates seats[0]'],
    ['release with empty areas', { ...r, areas: {} }, 'areas: must not be empty'],
    ['release with areas as an array', { ...r, areas: [1] }, 'areas: expected an object'],
    ['release with a zero area count', { ...r, areas: { floor: 0 } }, 'areas.floor: must be at least 1'],
    ['release with a string area count', { ...r, areas: { 'floor b': '1' } }, 'areas["floor b"]: expected an integer'],
    ['release with an empty area id', { ...r, areas: { '': 1 } }, `areas[""]: ${KEY_RULE}`],
    ['release with a long area id',
      { ...r, areas: { ['k'.repeat(129)]: 1 } }, `areas["${'k'.repeat(64)}…"]: ${KEY_RULE}`],
    ['release with 101 areas',
      { ...r, areas: Object.fromEntries(ids(101).map((id) => [id, 1])) }, 'areas: must have at most 100 entries'],
    // buy
    ['buy without holdId', { type: 'buy', rid: 9, eventId: E }, 'holdId: required'],
    ['buy with an empty key', { ...b, idempotencyKey: '' }, 'idempotencyKey: must not be empty'],
    ['buy with a long key',
      { ...b, idempotencyKey: 'k'.repeat(129) }, 'idempotencyKey: must be at most 128 characters'],
    ['buy with a number key', { ...b, idempotencyKey: 12 }, 'idempotencyKey: expected a string'],
    ['buy with a NUL in the key',
      { ...b, idempotencyKey: 'k\u0000' }, `idempotencyKey: ${TEXT_RULE}`],
  ])('refuses %s', (_name, value, message) => {
    expect(refusal(value)).toEqual({ rid: 9, message });
  });

  it('refuses a __proto__ area id sent as JSON', () => {
    const input = JSON.parse(`{"type":"release","eventId":"${E}","holdId":"h","areas":{"__proto__":1}}`);
    expect(refusal(input).message).toBe(`areas.__proto__: ${KEY_RULE}`);
  });

  it('accepts non-ASCII ids with surrogate pairs', () => {
    expect(accepts({ type: 'hold', eventId: E, seats: ['Größe-😀-1'] })).toMatchObject({ seats: ['Größe-😀-1'] });
  });
});
