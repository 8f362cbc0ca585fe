// Fuzz cases: deterministic from (seed, index), so any case of a run can be replayed alone. WebSocket
// cases are frames: random bytes, random MessagePack and JSON values, every request type mutated
// (wrong types, missing and unknown fields, boundary numbers, huge strings and arrays, deep nesting),
// crafted MessagePack, and frames at and over the size limits. HTTP cases hit every route with random
// and mutated bodies, tokens, path parameters and query strings.
import { Encoder } from '@msgpack/msgpack';
import { MAX_SEATS_PER_REQUEST } from '../../protocol';

/** A seeded PRNG (mulberry32): the same seed gives the same cases on every machine. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  chance(p: number): boolean {
    return this.next() < p;
  }
}

/** The names the server knows: the fuzz event and its seats, areas, categories, sections. */
export interface Target {
  eventId: string;
  seats: string[];
  areaId: string;
  category: string;
  section: string;
  /** Tokens the cases may carry (valid ones of several roles, and broken ones). */
  tokens: string[];
}

/** One WebSocket frame to send. `closes`: the server is expected to close the connection for it. */
export interface WsCase {
  kind: 'ws';
  label: string;
  frame: Uint8Array | string;
  binary: boolean;
  closes: boolean;
}

/** One HTTP request. */
export interface HttpCase {
  kind: 'http';
  label: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Uint8Array | string;
}

export type FuzzCase = WsCase | HttpCase;

const encoder = new Encoder({ ignoreUndefined: true });

const BOUNDARY_NUMBERS = [
  0, -0, 1, -1, 0.5, -0.5, 99, 100, 101, 127, 128, 255, 256, 65535, 65536, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), 2 ** 32,
  2 ** 53 - 1, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), 1e21, 1e308, -1e308, 5e-324, Number.MAX_VALUE, Number.EPSILON,
  NaN, Infinity, -Infinity,
];
const FIELD_NAMES = [
  'type', 'rid', 'eventId', 'seats', 'best', 'area', 'holdId', 'token', 'count', 'category', 'section',
  'accessible', 'id', 'areas', 'idempotencyKey', '__proto__', 'constructor', 'prototype', 'toString',
  'hasOwnProperty', 'valueOf', '', ' ', 'x'.repeat(200),
];
const TYPES = ['auth', 'subscribe', 'unsubscribe', 'hold', 'release', 'extend', 'buy', 'watch', 'ping'];
const ODD_STRINGS = [
  '', ' ', '\u0000', 'a\u0000b', '\u001f', '\u007f', '\ud800', '\udfff', 'a\ud83db', '😀', '\u202e', '%', '%00', '%E0%A4%A',
  '../../etc/passwd', "'; DROP TABLE orders; --", '${7*7}', '{{7*7}}', '<script>', 'null', 'undefined', 'NaN',
  '__proto__', 'constructor', 'prototype', 'h_AAAAAAAAAAAAAAAAAAAAAA', 'o_AAAAAAAAAAAAAAAAAAAAAA', 'ÿ', '\r\n', 'A'.repeat(129),
];

/** Builds the cases of one run. */
export class CaseFactory {
  constructor(
    private readonly seed: number,
    private readonly target: Target,
  ) {}

  /** Case number `index` of this run (WebSocket or HTTP by `httpShare`). */
  make(index: number, httpShare = 0.3): FuzzCase {
    const rng = new Rng((this.seed * 0x9e3779b1 + index * 0x85ebca6b) >>> 0);
    return rng.chance(httpShare) ? this.http(rng) : this.ws(rng);
  }

  // ------------------------------------------------------------------ values

  /** A random value of any shape (depth-limited). */
  value(rng: Rng, depth = 0): unknown {
    const leaf = depth > 4 || rng.chance(0.55);
    if (leaf) {
      switch (rng.int(9)) {
        case 0: return null;
        case 1: return rng.chance(0.5);
        case 2: return rng.pick(BOUNDARY_NUMBERS);
        case 3: return rng.int(1000) - 500;
        case 4: return this.string(rng);
        case 5: return rng.pick(ODD_STRINGS);
        case 6: return this.known(rng);
        case 7: return rng.chance(0.5) ? undefined : new Uint8Array(rng.int(64)).map(() => rng.int(256));
        default: return rng.next() * 1e6;
      }
    }
    if (rng.chance(0.5)) return Array.from({ length: rng.int(6) }, () => this.value(rng, depth + 1));
    const object: Record<string, unknown> = {};
    for (let i = rng.int(6); i > 0; i--) object[rng.chance(0.7) ? rng.pick(FIELD_NAMES) : this.string(rng)] = this.value(rng, depth + 1);
    return object;
  }

  /** A name the server knows (so random values sometimes hit real seats, events, types). */
  private known(rng: Rng): string {
    const { eventId, seats, areaId, category, section } = this.target;
    return rng.pick([eventId, rng.pick(seats), areaId, category, section, rng.pick(TYPES), 'floor', 'nope']);
  }

  private string(rng: Rng, max = 40): string {
    let s = '';
    for (let n = rng.int(max); n > 0; n--) {
      const r = rng.next();
      s += r < 0.7 ? String.fromCharCode(32 + rng.int(95)) : r < 0.85 ? String.fromCharCode(rng.int(0x3000)) : String.fromCharCode(rng.int(0x10000));
    }
    return s;
  }

  /** A value of a type the field does not take, or at its edges. */
  private wrong(rng: Rng): unknown {
    switch (rng.int(9)) {
      case 0: return rng.pick(BOUNDARY_NUMBERS);
      case 1: return rng.pick(ODD_STRINGS);
      case 2: return 'x'.repeat(rng.pick([129, 1000, 20_000]));
      case 3: return Array.from({ length: rng.pick([0, 1, 101, 5000]) }, (_, i) => rng.chance(0.5) ? `s-1-${i}` : i);
      case 4: return nest(rng.pick([50, 500, 5000]), rng.chance(0.5));
      case 5: return { [rng.pick(FIELD_NAMES)]: this.value(rng) };
      case 6: return [this.value(rng)];
      case 7: return rng.chance(0.5) ? null : !rng.chance(0.5);
      default: return this.value(rng);
    }
  }

  // ------------------------------------------------------------------ WebSocket

  /** A valid request of a random type (the start of a mutation). */
  template(rng: Rng): Record<string, unknown> {
    const { eventId, seats, areaId, category, section, tokens } = this.target;
    const holdId = rng.pick(ODD_STRINGS.slice(-6));
    const some = (): string[] => [...new Set(Array.from({ length: 1 + rng.int(3) }, () => rng.pick(seats)))];
    const rid = rng.chance(0.5) ? rng.int(1000) : `r${rng.int(1000)}`;
    const templates: Record<string, unknown>[] = [
      { type: 'auth', token: rng.pick(tokens) },
      { type: 'subscribe', eventId },
      { type: 'unsubscribe', eventId },
      { type: 'hold', eventId, seats: some() },
      { type: 'hold', eventId, best: { count: 1 + rng.int(4), category, section, accessible: rng.chance(0.5) } },
      { type: 'hold', eventId, area: { id: areaId, count: 1 + rng.int(4) } },
      { type: 'hold', eventId, holdId, seats: some() },
      { type: 'release', eventId, holdId, seats: some(), areas: { [areaId]: 1 } },
      { type: 'extend', eventId, holdId },
      { type: 'buy', eventId, holdId, idempotencyKey: `k${rng.int(100)}` },
      { type: 'watch', eventId },
      { type: 'ping' },
    ];
    return { ...rng.pick(templates), rid };
  }

  /** A request with 1..3 mutations: wrong types, missing or unknown fields, a changed type. */
  mutated(rng: Rng): Record<string, unknown> {
    const message = this.template(rng);
    for (let n = 1 + rng.int(3); n > 0; n--) {
      const keys = Object.keys(message);
      const r = rng.next();
      if (r < 0.5) message[rng.pick(keys)] = this.wrong(rng);
      else if (r < 0.65) delete message[rng.pick(keys)];
      else if (r < 0.8) message[rng.chance(0.5) ? rng.pick(FIELD_NAMES) : this.string(rng, 10)] = this.value(rng);
      else if (r < 0.9) message.type = rng.chance(0.5) ? rng.pick(TYPES) : rng.pick(ODD_STRINGS);
      else {
        // Into a nested field: best.count, area.id, seats[i], areas keys.
        const nested = keys.find((k) => typeof message[k] === 'object' && message[k] !== null);
        if (nested) (message[nested] as Record<string, unknown>)[rng.pick(['count', 'id', '0', 'category', rng.pick(ODD_STRINGS)])] = this.wrong(rng);
      }
    }
    return message;
  }

  private ws(rng: Rng): WsCase {
    const r = rng.next();
    const binary = rng.chance(0.5);
    const encode = (value: unknown): Uint8Array | string => (binary ? encodeMsgpack(value) : encodeJson(value));
    if (r < 0.45) return frame('mutated', encode(this.mutated(rng)), binary);
    if (r < 0.6) return frame('msgpack value', encodeMsgpack(this.value(rng)), true);
    if (r < 0.7) return frame('json value', JSON.stringify(this.value(rng)) ?? 'null', false);
    if (r < 0.78) return frame('random bytes', new Uint8Array(rng.int(512)).map(() => rng.int(256)), true);
    if (r < 0.83) return frame('random text', this.string(rng, 300), false);
    if (r < 0.9) return frame('crafted msgpack', craftedMsgpack(rng), true);
    if (r < 0.985) return this.extreme(rng, binary, encode);
    return this.oversized(rng, binary);
  }

  /** Big but within the frame limit: deep nesting, huge arrays, strings and maps, counts at the limits. */
  private extreme(rng: Rng, binary: boolean, encode: (v: unknown) => Uint8Array | string): WsCase {
    const { eventId, seats } = this.target;
    switch (rng.int(7)) {
      case 0:
        return frame('deep nesting', encode({ type: 'hold', eventId, seats: nest(rng.pick([100, 1000, 10_000]), rng.chance(0.5)) }), binary);
      case 1:
        return frame('deep nesting, bare', deepText(rng.pick([1000, 20_000])), false);
      case 2:
        return frame('huge array', encode({ type: 'hold', eventId, seats: Array.from({ length: rng.pick([5000, 10_000]) }, (_, i) => i % 7) }), binary);
      case 3:
        return frame('huge string', encode({ type: rng.pick(TYPES), rid: 'x'.repeat(60_000) }), binary);
      case 4: {
        const big: Record<string, number> = {};
        for (let i = 0; i < 4000; i++) big[`k${i}`] = i;
        return frame('huge map', encode({ type: 'release', eventId, holdId: 'h_x', areas: big }), binary);
      }
      case 5: {
        const count = rng.pick([MAX_SEATS_PER_REQUEST, MAX_SEATS_PER_REQUEST + 1]);
        const list = Array.from({ length: count }, (_, i) => seats[i % seats.length] + (i >= seats.length ? `-${i}` : ''));
        return frame('seats at the limit', encode({ type: 'hold', eventId, seats: list }), binary);
      }
      default:
        return frame('boundary counts', encode({ type: 'hold', eventId, best: { count: rng.pick(BOUNDARY_NUMBERS) } }), binary);
    }
  }

  /** Frames the server closes the connection for: over 64 KiB (1009), or invalid UTF-8 text. */
  private oversized(rng: Rng, binary: boolean): WsCase {
    if (rng.chance(0.2)) return { ...frame('invalid utf-8 text', new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), false), closes: true };
    const size = rng.pick([65_537, 100_000, 200_000]);
    const payload = binary ? encodeMsgpack({ type: 'ping', pad: 'p'.repeat(size) }) : JSON.stringify({ type: 'ping', pad: 'p'.repeat(size) });
    return { ...frame(`oversized ${size}`, payload, binary), closes: true };
  }

  // ------------------------------------------------------------------ HTTP

  private http(rng: Rng): HttpCase {
    const { eventId, tokens } = this.target;
    const id = (): string =>
      rng.chance(0.5) ? eventId : rng.chance(0.5) ? encodePath(rng.pick(ODD_STRINGS)) : rng.pick(['%', '%E0%A4%A', '%00', 'a%2Fb', encodePath(this.string(rng, 100)), 'x'.repeat(3000)]);
    const query = (): string => (rng.chance(0.5) ? '' : `?${rng.pick(['limit', 'after', 'before', 'role', 'sub', 'x'])}=${encodePath(rng.chance(0.5) ? this.string(rng) : String(rng.pick(BOUNDARY_NUMBERS)))}`);
    const headers: Record<string, string> = {};
    if (rng.chance(0.8)) headers.authorization = rng.chance(0.85) ? `Bearer ${rng.pick(tokens)}` : rng.pick(['Bearer', 'Basic YTpi', 'Bearer ' + 'A'.repeat(5000), 'bearer x']);
    if (rng.chance(0.3)) headers['x-request-id'] = rng.pick(['ok-1', 'x'.repeat(100), 'a b', '\u00e9']);
    if (rng.chance(0.2)) headers['if-none-match'] = rng.pick(['"x"', '*', '']);
    const routes: [string, string][] = [
      ['GET', `/api/events/${id()}`],
      ['GET', `/api/events/${id()}/map`],
      ['GET', `/api/events/${id()}/orders${query()}`],
      ['GET', `/api/orders/${id()}`],
      ['GET', `/api/events${query()}`],
      ['GET', `/api/webhooks/dead${query()}`],
      ['GET', `/api/dev/token${query()}`],
      ['GET', rng.pick(['/healthz', '/readyz', '/nope', '/api', '/api/events/', '//', '/ws'])],
      ['POST', `/api/events/${id()}/sales`],
      ['POST', `/api/events/${id()}/block`],
      ['POST', `/api/orders/${id()}/cancel`],
      ['POST', '/api/events'],
      [rng.pick(['PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD']), `/api/events/${id()}`],
    ];
    const [method, path] = rng.pick(routes);
    const c: HttpCase = { kind: 'http', label: `${method} ${path.split('/').slice(0, 3).join('/')}`, method, path, headers };
    if (method === 'POST' || method === 'PUT' || method === 'PATCH') {
      headers['content-type'] = rng.chance(0.9) ? 'application/json' : rng.pick(['text/plain', 'application/x-www-form-urlencoded', '']);
      c.body = this.body(rng, path);
    }
    return c;
  }

  private body(rng: Rng, path: string): Uint8Array | string {
    const r = rng.next();
    if (r < 0.1) return new Uint8Array(rng.int(2000)).map(() => rng.int(256));
    if (r < 0.2) return encodeJson(this.value(rng));
    if (r < 0.25) return deepText(rng.pick([1000, 100_000]));
    if (r < 0.3) return rng.pick(['', '{', '{"a":', 'null', '[]', '"x"', '1e999', '{"__proto__":{"admin":true}}']);
    const valid: Record<string, unknown> = path.endsWith('/sales')
      ? { open: rng.chance(0.5) }
      : path.endsWith('/block')
        ? { seats: [rng.pick(this.target.seats)], blocked: rng.chance(0.5) }
        : definition(`fz-${rng.int(1e9).toString(36)}`);
    // Always mutated at least once: a valid body would be a legitimate change, not a fuzz case.
    return encodeJson(this.mutateBody(rng, valid));
  }

  private mutateBody(rng: Rng, body: Record<string, unknown>): unknown {
    const paths = fieldPaths(body);
    for (let n = 1 + rng.int(3); n > 0; n--) {
      const path = rng.pick(paths);
      setAt(body, path, rng.chance(0.15) ? undefined : this.wrong(rng));
    }
    return body;
  }
}

/** docs/protocol.md: frames over 65,536 bytes close the connection with 1009. */
const MAX_FRAME_BYTES = 65_536;

function frame(label: string, data: Uint8Array | string, binary: boolean): WsCase {
  const size = typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
  // Mutations can add up past the limit: such a frame is a closing case, whatever it was meant to be.
  return { kind: 'ws', label: size > MAX_FRAME_BYTES ? `oversized ${label}` : label, frame: data, binary, closes: size > MAX_FRAME_BYTES };
}

function encodeMsgpack(value: unknown): Uint8Array {
  try {
    return encoder.encode(value);
  } catch {
    // Too deep for the encoder (it limits depth): send the bytes of a nil instead.
    return new Uint8Array([0xc0]);
  }
}

function encodeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch {
    // Too deep for JSON.stringify's recursion: the same nesting, written as text.
    return deepText(10_000);
  }
}

/** `depth` nested arrays (or objects) around a 1. */
function nest(depth: number, objects: boolean): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = objects ? { a: v } : [v];
  return v;
}

/** JSON text nested `depth` deep, built as text (JSON.stringify would recurse). */
function deepText(depth: number): string {
  return '['.repeat(depth) + ']'.repeat(depth);
}

function encodePath(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return '%ED%A0%80';
  }
}

/** MessagePack bytes a careful encoder would never write. */
function craftedMsgpack(rng: Rng): Uint8Array {
  const choices: number[][] = [
    [0xdd, 0xff, 0xff, 0xff, 0xff], // array32 claiming 4 billion items
    [0xdf, 0xff, 0xff, 0xff, 0xff], // map32 claiming 4 billion entries
    [0xdb, 0xff, 0xff, 0xff, 0xf0, 0x61], // str32 claiming 4 GB
    [0xc6, 0x7f, 0xff, 0xff, 0xff], // bin32 claiming 2 GB
    [0x81, 0x01, 0x02], // map with an integer key
    [0x81, 0xc0, 0x02], // map with a nil key
    [0x81, 0x91, 0x01, 0x02], // map with an array key
    [0x82, 0xa4, 0x74, 0x79, 0x70, 0x65, 0xa4, 0x70, 0x69, 0x6e, 0x67, 0xa4, 0x74, 0x79, 0x70, 0x65, 0xa4, 0x68, 0x6f, 0x6c, 0x64], // duplicate "type"
    [0xd4, 0x01, 0x00], // fixext1 of an unknown type
    [0xd6, 0xff, 0x00, 0x00, 0x00, 0x00], // timestamp ext
    [0xc7, 0x05, 0xff, 0x00], // truncated ext8
    [0xa3, 0xff, 0xfe, 0xfd], // str with invalid UTF-8
    [0xc1], // never-used byte
    [0x91], // truncated array
    [0xcb, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0], // NaN
    [0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], // uint64 max
    [0xd3, 0x80, 0, 0, 0, 0, 0, 0, 0], // int64 min
    [0x81, 0xa4, 0x74, 0x79, 0x70, 0x65, 0xa4, 0x70, 0x69, 0x6e, 0x67, 0x00], // trailing bytes after a valid ping
  ];
  return new Uint8Array(rng.pick(choices));
}

function definition(id: string): Record<string, unknown> {
  return {
    id,
    name: 'Fuzz',
    startsAt: '2030-01-01T20:00:00Z',
    categories: [{ id: 'c', name: 'C', price: 100 }],
    sections: [{ id: 's', category: 'c', rows: 2, seatsPerRow: 2 }],
    areas: [{ id: 'a', name: 'A', capacity: 5, category: 'c' }],
  };
}

type Path = (string | number)[];

function fieldPaths(value: unknown, prefix: Path = []): Path[] {
  if (typeof value !== 'object' || value === null) return [prefix];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return [prefix, ...entries.flatMap(([k, v]) => fieldPaths(v, [...prefix, k]))].filter((p) => p.length > 0);
}

function setAt(root: Record<string, unknown>, path: Path, value: unknown): void {
  let node: unknown = root;
  for (const key of path.slice(0, -1)) {
    // An earlier mutation may have replaced a parent: then this one has nothing to change.
    if (typeof node !== 'object' || node === null) return;
    node = (node as Record<string | number, unknown>)[key];
  }
  // Not into bytes an earlier mutation put there: a typed array coerces what it is given to a number
  // (a deeply nested array then overflows the stack in toString).
  if (typeof node === 'object' && node !== null && !ArrayBuffer.isView(node)) (node as Record<string | number, unknown>)[path[path.length - 1]] = value;
}
