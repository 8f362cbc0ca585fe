// The map of an event as served: the v1 JSON and the compact form, each kept in memory as identity, gzip
// and brotli bodies made once per layout version (compressed off the event loop, on libuv's pool), so a
// request only picks bytes. The version is a hash of the v1 body: it names the layout and the prices,
// and a versioned URL with it can be cached for a year by browsers and CDNs.
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import { compactMap } from '../../protocol';
import type { MapBody } from '../../protocol';
import type { EventDefinition } from '../domain/types';
import { ifNoneMatchNames } from './entity-tags';
import type { Reply } from './http';

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);

/** The two forms of the map. */
export type MapForm = 'v1' | 'compact';
/** Content codings we keep, in order of preference. */
type Coding = 'br' | 'gzip' | 'identity';

/**
 * Compression effort by body size, paid once per version on the libuv pool. Measured on a 100,000-seat
 * stadium: the 520 KB compact form takes 0.4 s at brotli 9 (50 KB) and 4 s at 11 (40 KB); the 11.6 MB
 * v1 form 1.9 s at brotli 5 (980 KB), 5.8 s at 9 (905 KB), and 0.4 s at gzip 6, 1.3 s at gzip 9.
 */
function effort(bytes: number): { brotli: number; gzip: number } {
  if (bytes <= 256 * 1024) return { brotli: constants.BROTLI_MAX_QUALITY, gzip: 9 };
  if (bytes <= 4 * 1024 * 1024) return { brotli: 9, gzip: 9 };
  return { brotli: 5, gzip: 6 };
}
/** Unversioned URLs: shared caches may keep a map a minute, then revalidate by ETag. */
const SHORT_CACHE = 'public, max-age=60';
/** Versioned URLs never change meaning. */
const LONG_CACHE = 'public, max-age=31536000, immutable';

interface Representation {
  etag: string;
  body: Uint8Array;
}

/** One form's three bodies, and their tags (any of them names this version). */
interface FormBodies {
  identity: Representation;
  gzip: Representation;
  br: Representation;
  etags: readonly string[];
}

/** The v1 map body of a definition (docs/protocol.md: `{id, categories, seats, areas}`, plus `stage` when set). */
export function mapBodyOf(d: EventDefinition): MapBody {
  const body: MapBody = {
    id: d.id,
    categories: d.categories,
    seats: d.seats.map((s) => ({
      id: s.id,
      section: s.section,
      row: s.row,
      number: s.number,
      x: s.x,
      y: s.y,
      category: s.category,
      accessible: s.accessible,
      ...(s.companion && { companion: true as const }),
    })),
    areas: d.areas,
  };
  if (d.stage) body.stage = d.stage;
  return body;
}

/** The served map of one layout version. */
export class MapRepresentations {
  /** Names this layout version (and its prices): the v1 ETag's value and the versioned URL's part. */
  readonly version: string;
  private readonly forms: Record<MapForm, Promise<FormBodies>>;

  private constructor(v1: Uint8Array, compact: Uint8Array) {
    this.version = createHash('sha256').update(v1).digest('base64url').slice(0, 27);
    this.forms = { v1: encodeAll(v1, this.version), compact: encodeAll(compact, `${this.version}-c`) };
    // A failed compression surfaces on the request that awaits it; none is left unhandled meanwhile.
    for (const form of Object.values(this.forms)) form.catch(() => undefined);
  }

  /** Builds both forms of a definition's map and starts compressing them. */
  static of(definition: EventDefinition): MapRepresentations {
    const body = mapBodyOf(definition);
    const encoder = new TextEncoder();
    return new MapRepresentations(encoder.encode(JSON.stringify(body)), encoder.encode(JSON.stringify(compactMap(body))));
  }

  /** The answer to a GET of `form`: 304 when `ifNoneMatch` names this version, else the best coding accepted. */
  async reply(form: MapForm, request: { acceptEncoding?: string; ifNoneMatch?: string; versioned: boolean }): Promise<Reply> {
    const bodies = await this.forms[form];
    const chosen = bodies[preferredCoding(request.acceptEncoding)];
    const headers: Record<string, string> = {
      etag: chosen.etag,
      vary: 'accept-encoding',
      'cache-control': request.versioned ? LONG_CACHE : SHORT_CACHE,
      'content-type': 'application/json; charset=utf-8',
    };
    // Any coding of this version is the same map: a client holding one need not fetch another.
    if (ifNoneMatchNames(request.ifNoneMatch, bodies.etags)) {
      return { status: 304, headers };
    }
    if (chosen !== bodies.identity) headers['content-encoding'] = chosen === bodies.br ? 'br' : 'gzip';
    return { status: 200, body: chosen.body, headers };
  }
}

async function encodeAll(identity: Uint8Array, tag: string): Promise<FormBodies> {
  const level = effort(identity.byteLength);
  const [gz, br] = await Promise.all([
    gzipAsync(identity, { level: level.gzip }),
    brotliAsync(identity, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: level.brotli,
        [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
        [constants.BROTLI_PARAM_SIZE_HINT]: identity.byteLength,
      },
    }),
  ]);
  const etags = [`"${tag}"`, `"${tag}-gzip"`, `"${tag}-br"`] as const;
  return {
    identity: { etag: etags[0], body: identity },
    gzip: { etag: etags[1], body: new Uint8Array(gz.buffer, gz.byteOffset, gz.byteLength) },
    br: { etag: etags[2], body: new Uint8Array(br.buffer, br.byteOffset, br.byteLength) },
    etags,
  };
}

/** br if accepted, else gzip, else identity; `q=0` refuses a coding, `*` stands for any not named. */
export function preferredCoding(acceptEncoding: string | undefined): Coding {
  if (!acceptEncoding) return 'identity';
  const weights = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const q = params.map((p) => /^\s*q\s*=\s*([0-9.]+)\s*$/.exec(p)).find((m) => m !== null);
    const weight = q ? Number(q[1]) : 1;
    weights.set(name, Number.isFinite(weight) ? weight : 0);
  }
  const accepts = (coding: string): boolean => (weights.get(coding) ?? weights.get('*') ?? 0) > 0;
  if (accepts('br')) return 'br';
  if (accepts('gzip')) return 'gzip';
  return 'identity';
}

