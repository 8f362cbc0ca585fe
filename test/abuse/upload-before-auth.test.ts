// Uploads to admin and staff routes are refused from the headers, before the body is read: 64 anonymous
// uploads of the largest definition allowed (32 MiB) get 401 and leave the server's memory where it was;
// a customer gets 403 the same way; a declared length over the cap is 413 before any byte is read.
import net from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase } from '../support/database';
import type { TestDatabase } from '../support/database';
import { TEST_SECRET, token } from '../support/fixtures';
import { rssMb } from '../support/observe';
import { startServer } from '../support/server-process';
import type { ServerProcess } from '../support/server-process';

const MAX_DEFINITION = 32 * 1024 * 1024;
const UPLOADS = 64;
/** RSS growth allowed for all the uploads together: buffering them would be 2 GiB. */
const RSS_SLACK_MB = 96;

let db: TestDatabase;
let server: ServerProcess;

beforeAll(async () => {
  db = await createTestDatabase();
  server = await startServer({ DATABASE_URL: db.url, AUTH_SECRET: TEST_SECRET, MAX_CONNECTIONS_PER_IP: '0' });
}, 60_000);
afterAll(async () => {
  await server?.stop();
  await db?.drop();
});

/** What an upload got: the status line, and how many body bytes the client could push before it came. */
interface Answer {
  status: string;
  sent: number;
}

/**
 * Sends the headers, then streams up to `length` bytes of body until the server answers or closes;
 * with `withBody` false, only the headers (an answer then proves the body was not waited for).
 */
function send(path: string, length: number, authorization?: string, withBody = true): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port: server.port });
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let sent = 0;
    let answer = '';
    socket.on('error', () => undefined); // a reset after the answer is expected
    socket.on('data', (data) => {
      answer += data.toString('latin1');
      if (answer.includes('\r\n')) socket.destroy();
    });
    socket.on('close', () => (answer ? resolve({ status: answer.slice(0, answer.indexOf('\r\n')), sent }) : reject(new Error('closed without an answer'))));
    socket.once('connect', () => {
      socket.write(
        `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n` +
          (authorization ? `Authorization: ${authorization}\r\n` : '') +
          '\r\n',
      );
      const pump = (): void => {
        while (withBody && sent < length && !answer && !socket.destroyed) {
          const part = chunk.subarray(0, Math.min(chunk.length, length - sent));
          sent += part.length;
          if (!socket.write(part)) return void socket.once('drain', pump);
        }
      };
      pump();
    });
  });
}

/** The status line of an upload. */
async function upload(path: string, length: number, authorization?: string): Promise<string> {
  return (await send(path, length, authorization)).status;
}

it('refuses 64 anonymous 32 MiB uploads with 401 before reading them, without the memory rising', async () => {
  const before = await rssMb(server.child.pid!);
  const answers = await Promise.all(Array.from({ length: UPLOADS }, () => send('/api/events', MAX_DEFINITION)));
  expect(new Set(answers.map((a) => a.status))).toEqual(new Set(['HTTP/1.1 401 Unauthorized']));
  // Answered from the headers: a 32 MiB upload whose body never comes is answered all the same. (How
  // much of each body the clients above pushed before their answer depends on the machine's load: the
  // server discards what it does not read, so that is no measure of waiting.)
  const headersOnly = await send('/api/events', MAX_DEFINITION, undefined, false);
  expect(headersOnly).toEqual({ status: 'HTTP/1.1 401 Unauthorized', sent: 0 });
  expect(await rssMb(server.child.pid!)).toBeLessThan(before + RSS_SLACK_MB);
}, 120_000);

it('refuses a customer with 403 and a forged token with 401 before the body, and a declared length over the cap with 413', async () => {
  const customer = await token('carol', 'customer');
  expect(await upload('/api/events', MAX_DEFINITION, `Bearer ${customer}`)).toBe('HTTP/1.1 403 Forbidden');
  expect(await upload('/api/events', MAX_DEFINITION, `Bearer ${customer}x`)).toBe('HTTP/1.1 401 Unauthorized');
  expect(await upload('/api/events/any/block', 60 * 1024)).toBe('HTTP/1.1 401 Unauthorized');
  const admin = await token('root', 'admin');
  expect(await upload('/api/events', MAX_DEFINITION + 1, `Bearer ${admin}`)).toBe('HTTP/1.1 413 Payload Too Large');
}, 60_000);
