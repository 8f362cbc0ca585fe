import { describe, expect, it } from 'vitest';
import { isDateTime } from './fields';
import { parseBlockBody, parseEventDefinitionBody, parseSalesBody } from './validate';

const base = {
  id: 'rock-2025',
  name: 'Rock night',
  startsAt: '2025-06-01T19:30:00Z',
  categories: [{ id: 'std', name: 'Standard', price: 4500 }],
};
const section = { id: 'A', category: 'std', rows: 10, seatsPerRow: 20 };
const sectionsForm = { ...base, sections: [{ ...section, accessibleRows: [1] }] };
const DATE_RULE = 'must be an RFC 3339 date-time, e.g. 2025-06-01T19:30:00Z';
const ROW_RULE = 'must be a label of 1..32 characters or an integer 0..1000000';
const ID_RULE = 'must not contain control characters or unpaired surrogates'
  + ', nor be __proto__, constructor or prototype';
const seat = { id: 'A-1-1', section: 'A', row: 1, number: 1, x: 0, y: 0, category: 'std' };

function without<T extends object>(value: T, key: keyof T): Partial<T> {
  const { [key]: _dropped, ...rest } = value;
  return rest as Partial<T>;
}

function problem(value: unknown): string {
  const result = parseEventDefinitionBody(value);
  if (result.ok) throw new Error('accepted');
  return result.message;
}

describe('parseEventDefinitionBody', () => {
  it.each<[string, Record<string, unknown>]>([
    ['the sections form', sectionsForm],
    ['the seats form with text and numeric rows',
      { ...base, seats: [seat, { ...seat, id: 'A-B-2', row: 'B', accessible: true }] }],
    ['areas only, with every option', {
      ...base, holdTtlSeconds: 10, maxSeatsPerUser: 100, salesOpenAt: '2025-05-01T10:00:00.123+02:00',
      salesCloseAt: '2025-06-01T19:00:00Z', areas: [{ id: 'floor', name: 'Floor', capacity: 5000, category: 'std' }],
    }],
    ['the venue rules: orphans, a hold-back, companion seats and rows', {
      ...base, orphans: 'block', accessibleHoldBack: { hoursBeforeStart: 24 },
      sections: [{ ...section, accessibleRows: [1], companionRows: [2] }],
    }],
    ['a hold-back until a time, companion seats', {
      ...base, accessibleHoldBack: { until: '2025-05-30T12:00:00Z' },
      seats: [{ ...seat, accessible: true }, { ...seat, id: 'A-1-2', number: 2, companion: true }],
    }],
  ])('accepts %s', (_name, body) => {
    expect(parseEventDefinitionBody(body)).toEqual({ ok: true, value: body });
  });

  it('returns a copy without unknown fields', () => {
    const noisy = { ...sectionsForm, owner: 'x', sections: [{ ...sectionsForm.sections[0], z: 1 }] };
    const result = parseEventDefinitionBody(noisy);
    expect(result).toEqual({ ok: true, value: sectionsForm });
  });

  it('accepts 200,000 seats and refuses one more', () => {
    const seats = Array.from({ length: 200_000 }, (_, i) => ({ ...seat, id: `s-${i}`, number: i % 1000 }));
    expect(parseEventDefinitionBody({ ...base, seats }).ok).toBe(true);
    seats.push({ ...seat, id: 'one-more' });
    expect(problem({ ...base, seats })).toBe('seats: must have at most 200000 items');
  });

  it.each<[string, unknown, string]>([
    ['null', null, 'expected an object'],
    ['an array', [base], 'expected an object'],
    ['no id', without(base, 'id'), 'id: required'],
    ['a bad id', { ...base, id: 'Rock 2025' }, 'id: must match ^[a-z0-9][a-z0-9-]{0,63}$'],
    ['an empty name', { ...base, name: '' }, 'name: must not be empty'],
    ['a long name', { ...base, name: 'n'.repeat(201) }, 'name: must be at most 200 characters'],
    ['startsAt as epoch ms', { ...base, startsAt: 1748800000000 }, 'startsAt: expected a string'],
    ['a date-only startsAt',
      { ...base, startsAt: '2025-06-01' }, `startsAt: ${DATE_RULE}`],
    ['Feb 30',
      { ...base, startsAt: '2025-02-30T19:30:00Z' }, `startsAt: ${DATE_RULE}`],
    ['a bad salesOpenAt',
      { ...base, salesOpenAt: 'tomorrow' }, `salesOpenAt: ${DATE_RULE}`],
    ['holdTtlSeconds 9', { ...base, holdTtlSeconds: 9 }, 'holdTtlSeconds: must be at least 10'],
    ['holdTtlSeconds 86401', { ...base, holdTtlSeconds: 86_401 }, 'holdTtlSeconds: must be at most 86400'],
    ['maxSeatsPerUser 0', { ...base, maxSeatsPerUser: 0 }, 'maxSeatsPerUser: must be at least 1'],
    ['maxSeatsPerUser 101', { ...base, maxSeatsPerUser: 101 }, 'maxSeatsPerUser: must be at most 100'],
    ['no categories', { ...base, categories: [] }, 'categories: must not be empty'],
    ['a negative price',
      { ...base, categories: [{ id: 'c', name: 'C', price: -1 }] }, 'categories[0].price: must be at least 0'],
    ['a fractional price',
      { ...base, categories: [{ id: 'c', name: 'C', price: 9.99 }] }, 'categories[0].price: expected an integer'],
    ['a price over 1e9',
      { ...base, categories: [{ id: 'c', name: 'C', price: 1e9 + 1 }] },
      'categories[0].price: must be at most 1000000000'],
    ['a category without name',
      { ...base, categories: [base.categories[0], { id: 'c', price: 1 }] }, 'categories[1].name: required'],
    ['1001 rows',
      { ...base, sections: [{ ...section, rows: 1001 }] }, 'sections[0].rows: must be at most 1000'],
    ['0 seats per row',
      { ...base, sections: [{ ...section, seatsPerRow: 0 }] }, 'sections[0].seatsPerRow: must be at least 1'],
    ['a bad accessible row',
      { ...base, sections: [{ ...section, accessibleRows: [1, 'two'] }] },
      'sections[0].accessibleRows[1]: expected an integer'],
    ['a section id too long for its seat ids',
      { ...base, sections: [{ ...section, id: 's'.repeat(119) }] }, 'sections[0].id: must be at most 118 characters'],
    ['a seat without x', { ...base, seats: [seat, without(seat, 'x')] }, 'seats[1].x: required'],
    ['an undefined x (not JSON)',
      { ...base, seats: [{ ...seat, x: undefined }] }, 'seats[0].x: expected a finite number'],
    ['an infinite coordinate', { ...base, seats: [{ ...seat, y: Infinity }] }, 'seats[0].y: expected a finite number'],
    ['a fractional row',
      { ...base, seats: [{ ...seat, row: 1.5 }] }, `seats[0].row: ${ROW_RULE}`],
    ['an empty row label',
      { ...base, seats: [{ ...seat, row: '' }] }, `seats[0].row: ${ROW_RULE}`],
    ['a string seat number', { ...base, seats: [{ ...seat, number: '1' }] }, 'seats[0].number: expected an integer'],
    ['accessible "no"',
      { ...base, seats: [{ ...seat, accessible: 'no' }] }, 'seats[0].accessible: expected true or false'],
    ['a zero-capacity area',
      { ...base, areas: [{ id: 'f', name: 'F', capacity: 0, category: 'std' }] },
      'areas[0].capacity: must be at least 1'],
    ['a __proto__ category id',
      { ...base, categories: [{ id: '__proto__', name: 'C', price: 1 }] }, `categories[0].id: ${ID_RULE}`],
  ])('refuses %s', (_name, body, message) => {
    expect(problem(body)).toBe(message);
  });
});

describe('isDateTime', () => {
  const valid = [
    '2025-06-01T19:30:00Z', '2024-02-29T00:00:00z', '2025-06-01t19:30:00.123456789+05:30', '2025-12-31T23:59:59-12:00',
  ];
  it.each(valid)('accepts %s', (text) => {
    expect(isDateTime(text)).toBe(true);
  });

  it.each(['2025-06-01', '2025-06-01T19:30Z', '2025-13-01T00:00:00Z', '2025-02-29T00:00:00Z', '2025-06-31T00:00:00Z',
    '2025-06-01T24:00:00Z', '2025-06-01T19:60:00Z', '2025-06-01T19:30:60Z', '2025-06-01T19:30:00+24:00',
    '2025-06-01T19:30:00', ' 2025-06-01T19:30:00Z', '2025-06-01T19:30:00.Z'])('refuses %s', (text) => {
    expect(isDateTime(text)).toBe(false);
  });
});

describe('parseSalesBody', () => {
  it.each([true, false])('accepts open: %s', (open) => {
    expect(parseSalesBody({ open, extra: 1 })).toEqual({ ok: true, value: { open } });
  });

  it.each<[unknown, string]>([
    [{}, 'open: required'],
    [{ open: 'true' }, 'open: expected true or false'],
    [{ open: 1 }, 'open: expected true or false'],
    [null, 'expected an object'],
    ['open', 'expected an object'],
  ])('refuses %j', (body, message) => {
    expect(parseSalesBody(body)).toEqual({ ok: false, message });
  });
});

describe('parseBlockBody', () => {
  it('accepts 10,000 seats', () => {
    const seats = Array.from({ length: 10_000 }, (_, i) => `s-${i}`);
    expect(parseBlockBody({ seats, blocked: true })).toEqual({ ok: true, value: { seats, blocked: true } });
  });

  it.each<[unknown, string]>([
    [{ seats: [], blocked: true }, 'seats: must not be empty'],
    [{ seats: Array.from({ length: 10_001 }, (_, i) => `s-${i}`), blocked: true },
      'seats: must have at most 10000 items'],
    [{ seats: ['a', 'b', 'a'], blocked: false }, 'seats[2]: duplicates seats[0]'],
    [{ seats: ['a', 7], blocked: false }, 'seats[1]: expected a string'],
    [{ seats: ['a'] }, 'blocked: required'],
    [{ seats: 'a', blocked: true }, 'seats: expected an array'],
  ])('refuses %#', (body, message) => {
    expect(parseBlockBody(body)).toEqual({ ok: false, message });
  });
});
