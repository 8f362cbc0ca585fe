// The server a fuzz run attacks: its own database, a real server process with the per-connection rate
// limit raised (so frames reach the validators instead of the rate limiter), one event whose state is
// checked, and tokens of every role plus broken ones.
import { CaseFactory } from './cases';
import type { CorpusRole, RoleTokens } from './corpus';
import { createTestDatabase } from '../support/database';
import type { TestDatabase } from '../support/database';
import { TEST_SECRET, http, smallEvent, token } from '../support/fixtures';
import { startServer } from '../support/server-process';
import type { ServerProcess } from '../support/server-process';
import { brokenTokens } from '../support/tokens';

/** A running fuzz target. */
export interface FuzzTarget {
  server: ServerProcess;
  factory: CaseFactory;
  eventId: string;
  /** Tokens of the fuzz connections (null: a guest). */
  connectionTokens: (string | null)[];
  adminToken: string;
  /** A token of each role, to replay corpus entries. */
  roleTokens: RoleTokens;
  /** The role of one of the target's valid tokens. */
  roleOf(token: string): CorpusRole | undefined;
  stop(): Promise<void>;
}

/** Starts a server and creates the fuzz event; `seed` fixes every case. */
export async function startFuzzTarget(seed: number): Promise<FuzzTarget> {
  const db: TestDatabase = await createTestDatabase();
  const server = await startServer({ DATABASE_URL: db.url, AUTH_SECRET: TEST_SECRET, WS_RATE_PER_SECOND: '1000000', WS_RATE_BURST: '1000000' }, 120_000);
  const eventId = 'fuzz';
  const adminToken = await token('fuzz-admin', 'admin');
  const created = await http(server.url, 'POST', '/api/events', { token: adminToken, body: smallEvent(eventId, 5, 20, 50, { maxSeatsPerUser: 100 }) });
  if (created.status !== 201) throw new Error(`creating the fuzz event: ${created.status}`);
  const connectionTokens = [await token('fuzz-a'), await token('fuzz-b'), null, await token('fuzz-staff', 'staff')];
  const seats = Array.from({ length: 100 }, (_, i) => `s-${1 + Math.floor(i / 20)}-${1 + (i % 20)}`);
  const tokens = [...connectionTokens.filter((t): t is string => t !== null), adminToken, ...(await brokenTokens('fuzz-a'))];
  const factory = new CaseFactory(seed, { eventId, seats, areaId: 'floor', category: 'std', section: 's', tokens });
  const roleTokens: RoleTokens = { guest: null, customer: connectionTokens[0], staff: connectionTokens[3], admin: adminToken };
  const roles = new Map<string, CorpusRole>([
    [connectionTokens[0]!, 'customer'],
    [connectionTokens[1]!, 'customer'],
    [connectionTokens[3]!, 'staff'],
    [adminToken, 'admin'],
  ]);
  return {
    server,
    factory,
    eventId,
    connectionTokens,
    adminToken,
    roleTokens,
    roleOf: (t) => roles.get(t),
    stop: async () => {
      await server.stop();
      await db.drop();
    },
  };
}
