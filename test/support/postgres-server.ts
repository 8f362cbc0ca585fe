// A throwaway Postgres 15 cluster of a test's own, on a free loopback port, that the test may stop,
// start, make read-only or run out of disk (never the shared one on 5432). Runs as the postgres user
// (initdb refuses root); fsync is off: the tests stop the server process, never the machine.
import { execFile } from 'node:child_process';
import { chownSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './server-process';

const run = promisify(execFile);
const BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

/** A Postgres cluster child process. */
export interface TestPostgres {
  port: number;
  /** The data directory (owned by postgres). */
  dir: string;
  /** URL of database `name` (default `postgres`). */
  url(name?: string): string;
  /** Creates a database and returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** Stops the server: `fast` (disconnect everyone, clean) or `immediate` (like a crash). */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  /** Starts it again on the same port and directory. */
  start(): Promise<void>;
  /** Runs one statement as the superuser against database `name`. */
  sql(statement: string, name?: string): Promise<pg.QueryResult>;
  /** Stops it for good and deletes its directory. */
  destroy(): Promise<void>;
}

function postgresUid(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('postgres:'));
  if (!line) throw new Error('no postgres user: install postgresql-15');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

async function asPostgres(program: string, args: string[]): Promise<string> {
  const { stdout } = await run('runuser', ['-u', 'postgres', '--', join(BIN, program), ...args], { timeout: 60_000 });
  return stdout;
}

/** Creates and starts a cluster in a fresh directory on a free port. */
export async function startPostgres(): Promise<TestPostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'aisle-pg-'));
  const { uid, gid } = postgresUid();
  chownSync(dir, uid, gid);
  await asPostgres('initdb', ['-D', dir, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8']);
  const port = await freePort();
  const options = `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c full_page_writes=off -c max_connections=200`;
  const start = async (): Promise<void> => {
    await asPostgres('pg_ctl', ['-D', dir, '-l', join(dir, 'server.log'), '-o', options, '-w', '-t', '60', 'start']);
  };
  const url = (name = 'postgres'): string => `postgres://postgres@127.0.0.1:${port}/${name}`;
  const sql = async (statement: string, name?: string): Promise<pg.QueryResult> => {
    const client = new pg.Client({ connectionString: url(name) });
    await client.connect();
    try {
      return await client.query(statement);
    } finally {
      await client.end();
    }
  };
  const stop = async (mode: 'fast' | 'immediate' = 'fast'): Promise<void> => {
    await asPostgres('pg_ctl', ['-D', dir, '-m', mode, '-w', '-t', '60', 'stop']);
  };
  await start();
  return {
    port,
    dir,
    url,
    sql,
    start,
    stop,
    createDatabase: async (name) => {
      await sql(`CREATE DATABASE ${name}`);
      return url(name);
    },
    destroy: async () => {
      await stop('immediate').catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
