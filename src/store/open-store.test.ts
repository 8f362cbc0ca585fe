// openStore's embedded mode: creates the data directory, migrates, and keeps data across restarts.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/support/database';
import { StoreUnavailableError } from './event-store';
import { openStore } from './open-store';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

const definition = {
  id: 'persisted', name: 'Persisted', startsAt: '2030-01-01T20:00:00Z', holdTtlSeconds: 600, maxSeatsPerUser: 10,
  categories: [], seats: [], areas: [],
};

it('opens PGlite in a new nested data dir and finds its data again after a restart', async () => {
  const root = await mkdtemp(join(tmpdir(), 'aisle-open-'));
  dirs.push(root);
  const dataDir = join(root, 'nested', 'data');
  const first = await openStore({ dataDir });
  expect(await first.createEvent(definition)).toBe('created');
  expect(await first.claimOwnership('persisted', 'node-a')).toBe(1);
  await first.close();

  const second = await openStore({ dataDir });
  expect(await second.getDefinition('persisted')).toEqual(definition);
  expect(await second.claimOwnership('persisted', 'node-a')).toBe(2);
  await second.close();
  await expect(second.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
});

it('opens Postgres when a database URL is given', async () => {
  const database = await createTestDatabase();
  try {
    const store = await openStore({ databaseUrl: database.url, dataDir: 'unused', poolSize: 2 });
    await store.ping();
    expect(await store.listEvents()).toEqual([]);
    await store.close();
  } finally {
    await database.drop();
  }
});
