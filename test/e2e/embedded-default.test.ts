// `npm start` with no environment: embedded Postgres (PGlite) in DATA_DIR, dev mode, the demo event.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http } from '../support/fixtures';
import { startServer } from '../support/server-process';
import { TestClient } from '../support/ws-client';

let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'aisle-embedded-'));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('the embedded default', () => {
  it('serves the demo event in dev mode on PGlite, and keeps orders across a restart', async () => {
    const env = { DATA_DIR: dataDir, AISLE_DEMO: '1' };
    const first = await startServer(env, 60_000);
    let orderId: string;
    try {
      expect(first.output()).toContain('DEV MODE');
      const events = await http(first.url, 'GET', '/api/events');
      expect(events.body).toEqual([expect.objectContaining({ id: 'demo', status: 'on_sale' })]);
      const info = await http(first.url, 'GET', '/api/events/demo');
      expect(info.body).toMatchObject({ seats: 2016, areas: { floor: { capacity: 1200 } } });
      const { body } = await http(first.url, 'GET', '/api/dev/token?role=customer&sub=dana');
      const dana = await TestClient.connect(first.wsUrl, 'json', body.token);
      const held = await dana.request({ type: 'hold', eventId: 'demo', best: { count: 2, category: 'premium' } });
      expect(held).toMatchObject({ type: 'held', seats: [expect.stringMatching(/^(101|102|107|108)-1-/), expect.stringMatching(/^(101|102|107|108)-1-/)] });
      const order = await dana.request({ type: 'buy', eventId: 'demo', holdId: held.holdId });
      expect(order).toMatchObject({ type: 'order', total: 24000 });
      orderId = order.orderId as string;
      dana.close();
    } finally {
      expect(await first.stop('SIGTERM')).toBe(0);
    }

    const second = await startServer(env, 60_000);
    try {
      const { body } = await http(second.url, 'GET', '/api/dev/token?role=staff&sub=sid');
      const page = await http(second.url, 'GET', '/api/events/demo/orders', { token: body.token });
      expect(page.body.orders.map((o: { orderId: string }) => o.orderId)).toEqual([orderId]);
      expect((await http(second.url, 'GET', '/api/events')).body).toHaveLength(1);
    } finally {
      await second.stop('SIGTERM');
    }
    // Two PGlite starts (and, on a fresh clone, the first build of the pages).
  }, 180_000);

  it('refuses dev mode when NODE_ENV=production', async () => {
    await expect(startServer({ DATA_DIR: dataDir, NODE_ENV: 'production' }, 60_000)).rejects.toThrow(/exited with 1[\s\S]*AUTH_SECRET/);
  }, 90_000);
});
