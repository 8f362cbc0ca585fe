import { describe, expect, it } from 'vitest';
import { AisleError } from '../error-codes';
import { loadCompactMap } from './map-loader';
import { loadMyOrders } from './my-orders';
import { fetchFromServer, httpError } from './reply-errors';
import { loadSnapshot } from './snapshot-loader';

/** A fetch that answers every request with this response (as a proxy or a failing server would). */
function answering(status: number, body: string, contentType = 'application/json'): typeof fetch {
  return async () => new Response(body, { status, headers: { 'content-type': contentType } });
}

const refused: typeof fetch = async () => {
  throw new TypeError('fetch failed');
};

describe('httpError', () => {
  it("keeps the server's code and message", () => {
    const error = httpError(404, { error: { code: 'not_found', message: 'no such event' } }, 'map');
    expect(error).toBeInstanceOf(AisleError);
    expect(error).toMatchObject({ code: 'not_found', message: 'no such event' });
  });

  it('turns a code this SDK does not know, or no body of the server, into internal with the status', () => {
    expect(httpError(418, { error: { code: 'teapot', message: 'short and stout' } }, 'map')).toMatchObject({ code: 'internal', message: 'short and stout' });
    expect(httpError(502, undefined, 'snapshot')).toMatchObject({ code: 'internal', message: 'snapshot request failed with 502' });
    expect(httpError(500, { error: 'boom' }, 'orders')).toMatchObject({ code: 'internal', message: 'orders request failed with 500' });
    expect(httpError(500, null, 'orders')).toMatchObject({ code: 'internal' });
    expect(httpError(500, { error: { code: 7, message: {} } }, 'orders')).toMatchObject({ code: 'internal', message: 'orders request failed with 500' });
  });
});

describe('fetchFromServer', () => {
  it('is unavailable when the request never reaches a server, with the cause kept', async () => {
    const error = await fetchFromServer(refused, 'http://127.0.0.1:1/').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AisleError);
    expect(error).toMatchObject({ code: 'unavailable' });
    expect((error as Error).cause).toBeInstanceOf(TypeError);
  });
});

describe('the HTTP loaders', () => {
  const loaders: Array<[string, (f: typeof fetch) => Promise<unknown>]> = [
    ['loadCompactMap', (f) => loadCompactMap('ev', { fetch: f })],
    ['loadSnapshot', (f) => loadSnapshot('ev', { fetch: f })],
    ['loadMyOrders', (f) => loadMyOrders('ev', { fetch: f, token: 't' })],
  ];

  it.each(loaders)("%s: the server's error becomes an AisleError with its code", async (_name, load) => {
    await expect(load(answering(404, JSON.stringify({ error: { code: 'not_found', message: 'no such event' } })))).rejects.toMatchObject({
      code: 'not_found',
      message: 'no such event',
    });
  });

  it.each(loaders)("%s: a proxy's HTML error page is internal with the status, not a SyntaxError", async (_name, load) => {
    const error = await load(answering(502, '<html><body>Bad Gateway</body></html>', 'text/html')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AisleError);
    expect(error).toMatchObject({ code: 'internal' });
    expect((error as Error).message).toContain('502');
  });

  it.each(loaders)('%s: no server is unavailable', async (_name, load) => {
    await expect(load(refused)).rejects.toMatchObject({ code: 'unavailable' });
  });

  it.each(loaders)('%s: a 200 that is not what was asked for is internal', async (_name, load) => {
    const error = await load(answering(200, '<html>captive portal</html>', 'text/html')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AisleError);
    expect(error).toMatchObject({ code: 'internal' });
  });
});
