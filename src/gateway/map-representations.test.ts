import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { expandCompactMap } from '../../protocol';
import type { CompactMapBody, MapBody } from '../../protocol';
import { expandDefinition } from '../domain';
import { DEMO_EVENT } from '../demo-event';
import { MapRepresentations, mapBodyOf, preferredCoding } from './map-representations';

const definition = expandDefinition(DEMO_EVENT);

function decode(reply: { body?: unknown; headers?: Record<string, string> }): string {
  const body = Buffer.from(reply.body as Uint8Array);
  const coding = reply.headers?.['content-encoding'];
  const plain = coding === 'br' ? brotliDecompressSync(body) : coding === 'gzip' ? gunzipSync(body) : body;
  return plain.toString('utf8');
}

describe('MapRepresentations', () => {
  it('given br, gzip or no accepted coding, then every body decodes to the same map, with Vary and Content-Encoding', async () => {
    const map = MapRepresentations.of(definition);
    const plain = await map.reply('v1', { versioned: false });
    expect(plain.headers?.['content-encoding']).toBeUndefined();
    for (const [accept, coding] of [['gzip, deflate, br', 'br'], ['gzip', 'gzip'], ['br;q=0, gzip;q=0.5', 'gzip']] as const) {
      const reply = await map.reply('v1', { acceptEncoding: accept, versioned: false });
      expect(reply.headers).toMatchObject({ 'content-encoding': coding, vary: 'accept-encoding' });
      expect(decode(reply)).toBe(decode(plain));
    }
    expect(JSON.parse(decode(plain))).toEqual(JSON.parse(JSON.stringify(mapBodyOf(definition))));
  });

  it('given the compact form, then it decodes and expands to exactly the v1 seat list, and is far smaller', async () => {
    const map = MapRepresentations.of(definition);
    const v1 = await map.reply('v1', { versioned: false });
    const compact = await map.reply('compact', { acceptEncoding: 'br', versioned: false });
    const expanded = expandCompactMap(JSON.parse(decode(compact)) as CompactMapBody);
    expect(expanded).toEqual(JSON.parse(decode(v1)) as MapBody);
    expect((compact.body as Uint8Array).byteLength * 20).toBeLessThan((v1.body as Uint8Array).byteLength);
  });

  it('given If-None-Match with any coding of this version, then 304; another version, then the body', async () => {
    const map = MapRepresentations.of(definition);
    const first = await map.reply('v1', { acceptEncoding: 'gzip', versioned: false });
    const etag = first.headers!.etag;
    expect(etag).toBe(`"${map.version}-gzip"`);
    expect((await map.reply('v1', { acceptEncoding: 'gzip', ifNoneMatch: etag, versioned: false })).status).toBe(304);
    expect((await map.reply('v1', { acceptEncoding: 'br', ifNoneMatch: `W/"x", ${etag}`, versioned: false })).status).toBe(304);
    expect((await map.reply('v1', { ifNoneMatch: '"stale"', versioned: false })).status).toBe(200);
    // The compact form's tags are its own.
    expect((await map.reply('compact', { ifNoneMatch: etag, versioned: false })).status).toBe(200);
  });

  it('given a versioned URL, then the answer may be cached for a year; unversioned, a minute', async () => {
    const map = MapRepresentations.of(definition);
    expect((await map.reply('compact', { versioned: true })).headers?.['cache-control']).toBe('public, max-age=31536000, immutable');
    expect((await map.reply('compact', { versioned: false })).headers?.['cache-control']).toBe('public, max-age=60');
  });

  it('chooses br over gzip, honours q=0 and *, and falls back to identity', () => {
    expect(preferredCoding(undefined)).toBe('identity');
    expect(preferredCoding('gzip, br')).toBe('br');
    expect(preferredCoding('br;q=0, gzip')).toBe('gzip');
    expect(preferredCoding('*')).toBe('br');
    expect(preferredCoding('*, br;q=0')).toBe('gzip');
    expect(preferredCoding('deflate, identity')).toBe('identity');
  });
});
