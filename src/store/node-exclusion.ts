// Keeps two deployments from granting holds on the same seats from one database. A single node keeps
// its holds in memory and owns every event without asking anyone: a second single node on the same
// database would sell from its own copy. So a single node holds an exclusive Postgres advisory lock on
// a connection of its own for its whole life (cluster nodes hold the same lock shared, so neither kind
// can start beside the other), and an embedded database is guarded by a lock file with the owner's pid.
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import pg from 'pg';

/** Advisory lock key of "Aisle serves this database": 'AISN' in ASCII, apart from the migrations' 'AISL'. */
const NODE_LOCK_KEY = 0x4149534e;
/** How often a lock connection that broke is reopened and the lock taken again (ms). */
const RELOCK_EVERY_MS = 1000;

/** Thrown when another Aisle deployment already serves the database. */
export class DatabaseTakenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatabaseTakenError';
  }
}

/** A held exclusion; `release` gives it up. */
export interface NodeExclusion {
  release(): Promise<void>;
}

/** How the lock is taken. */
export interface PostgresExclusionOptions {
  connectionString: string;
  /** Single node: exclusive; cluster node: shared. */
  mode: 'single' | 'cluster';
  /** Called when the lock was lost and another deployment took it meanwhile: the node must stop serving. */
  onLost(error: DatabaseTakenError): void;
}

async function lockOnce(options: PostgresExclusionOptions): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: options.connectionString, keepAlive: true });
  client.on('error', () => undefined); // the 'end' handler below reacts; an unhandled 'error' would kill the process
  await client.connect();
  const fn = options.mode === 'single' ? 'pg_try_advisory_lock' : 'pg_try_advisory_lock_shared';
  const { rows } = await client.query<{ locked: boolean }>(`SELECT ${fn}($1) AS locked`, [NODE_LOCK_KEY]);
  if (!rows[0]?.locked) {
    await client.end().catch(() => undefined);
    throw new DatabaseTakenError(
      options.mode === 'single'
        ? 'another Aisle serves this database (a single node, or a cluster): a second single node would sell the same seats; stop it or run both as a cluster with REDIS_URL'
        : 'a single-node Aisle serves this database: stop it before starting cluster nodes on it',
    );
  }
  return client;
}

/** Takes the database for this node, or throws DatabaseTakenError; keeps it through connection losses. */
export async function excludeOthersFromPostgres(options: PostgresExclusionOptions): Promise<NodeExclusion> {
  let client = await lockOnce(options);
  let released = false;
  let timer: NodeJS.Timeout | undefined;
  const watch = (held: pg.Client): void => {
    held.once('end', () => {
      if (released) return;
      // The lock went with the connection: take it again as soon as the database answers.
      const retry = (): void => {
        timer = setTimeout(() => {
          lockOnce(options).then(
            (again) => {
              if (released) return void again.end().catch(() => undefined);
              client = again;
              watch(again);
            },
            (error: unknown) => (error instanceof DatabaseTakenError ? options.onLost(error) : retry()),
          );
        }, RELOCK_EVERY_MS);
        timer.unref();
      };
      retry();
    });
  };
  watch(client);
  return {
    async release(): Promise<void> {
      released = true;
      if (timer) clearTimeout(timer);
      await client.end().catch(() => undefined);
    },
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes an embedded database directory for this process (a lock file with its pid), or throws DatabaseTakenError. */
export async function excludeOthersFromDataDir(dataDir: string): Promise<NodeExclusion> {
  const path = join(dataDir, 'aisle.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const file = await open(path, 'wx');
      await file.writeFile(String(process.pid));
      await file.close();
      return { release: () => rm(path, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && alive(owner)) {
        throw new DatabaseTakenError(`another Aisle process (pid ${owner}) serves the embedded database in ${dataDir}`);
      }
      await rm(path, { force: true }); // left by a process that died: take it over
    }
  }
  throw new DatabaseTakenError(`could not take ${path}`);
}

/** Where the node's database is, and whether it runs alone or in a cluster. */
export interface ExclusionOptions {
  databaseUrl: string | undefined;
  dataDir: string;
  mode: 'single' | 'cluster';
  onLost(error: DatabaseTakenError): void;
}

/** Takes the node's database for it (Postgres advisory lock, or the embedded directory's lock file). */
export async function excludeOthers(options: ExclusionOptions): Promise<NodeExclusion> {
  if (options.databaseUrl) {
    return excludeOthersFromPostgres({ connectionString: options.databaseUrl, mode: options.mode, onLost: options.onLost });
  }
  const dataDir = resolve(options.dataDir);
  await mkdir(dataDir, { recursive: true });
  return excludeOthersFromDataDir(dataDir);
}
