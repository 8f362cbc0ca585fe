// Runs the OutboxStore / ScheduleStore contract on Postgres (pg, a fresh database) and on PGlite.
import { describe } from 'vitest';
import { createTestDatabase } from '../../test/support/database';
import { outboxStoreContract } from './outbox-store.contract';
import { PgClient } from './pg-client';
import { PgliteClient } from './pglite-client';
import { PostgresEventStore } from './postgres-event-store';
import { PostgresOutboxStore } from './postgres-outbox-store';
import { PostgresScheduleStore } from './postgres-schedule-store';

describe('outbox and schedule stores on Postgres (pg)', () => {
  outboxStoreContract(async () => {
    const database = await createTestDatabase();
    const client = new PgClient({ connectionString: database.url, poolSize: 4 });
    const other = new PgClient({ connectionString: database.url, poolSize: 2 });
    const events = new PostgresEventStore(client);
    await events.migrate();
    return {
      events,
      outbox: new PostgresOutboxStore(client),
      schedules: [new PostgresScheduleStore(client), new PostgresScheduleStore(other)],
      sql: client,
      dispose: async () => {
        await other.close();
        await events.close();
        await database.drop();
      },
    };
  });
});

describe('outbox and schedule stores on PGlite', () => {
  outboxStoreContract(async () => {
    const client = await PgliteClient.open();
    const events = new PostgresEventStore(client);
    await events.migrate();
    return {
      events,
      outbox: new PostgresOutboxStore(client),
      // PGlite is one connection: both "nodes" share it, which still exercises the claim rules.
      schedules: [new PostgresScheduleStore(client), new PostgresScheduleStore(client)],
      sql: client,
      dispose: () => events.close(),
    };
  });
});
