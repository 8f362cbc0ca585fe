// `npm run cluster -- --nodes 3 [--port 9001]`: starts a local cluster of Aisle nodes on consecutive
// ports against the configured Postgres and Redis (DATABASE_URL, REDIS_URL; loopback defaults), with
// one AUTH_SECRET shared by all nodes (generated and printed when unset). Ctrl-C drains them all.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '3' },
    port: { type: 'string', default: process.env.PORT ?? '9001' },
  },
});
const count = Number(values.nodes);
const basePort = Number(values.port);
if (!Number.isInteger(count) || count < 1 || count > 16) {
  console.error('--nodes must be 1 to 16');
  process.exit(2);
}
const root = fileURLToPath(new URL('../../', import.meta.url));
const secret = process.env.AUTH_SECRET || randomBytes(24).toString('base64url');
const env = {
  ...process.env,
  REDIS_URL: process.env.REDIS_URL || 'redis://127.0.0.1:6379',
  DATABASE_URL: process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test',
  AUTH_SECRET: secret,
};
if (!process.env.AUTH_SECRET) {
  console.log(`AUTH_SECRET=${secret}   (tokens: AUTH_SECRET=${secret} npm run token -- --role customer --sub alice)`);
}
console.log(`Postgres ${env.DATABASE_URL}, Redis ${env.REDIS_URL}`);

const children: ChildProcess[] = [];
for (let i = 0; i < count; i++) {
  const port = basePort + i;
  const nodeId = `node-${i + 1}`;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    env: { ...env, PORT: String(port), NODE_ID: nodeId, ADVERTISE_URL: `http://127.0.0.1:${port}`, AISLE_DEMO: i === 0 ? (process.env.AISLE_DEMO ?? '1') : '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tag = `[${nodeId}:${port}] `;
  const relay = (chunk: Buffer): void => {
    for (const line of chunk.toString().split('\n')) if (line.trim()) process.stdout.write(tag + line + '\n');
  };
  child.stdout!.on('data', relay);
  child.stderr!.on('data', relay);
  child.on('exit', (code, signal) => console.log(`${tag}exited (${signal ?? code})`));
  children.push(child);
}
console.log(`${count} nodes on ports ${basePort}..${basePort + count - 1}; any node serves any event.`);

let stopping = false;
const stop = (): void => {
  if (stopping) process.exit(1);
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
  void Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r))))).then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
