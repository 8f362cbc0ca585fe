// The client SDK as a package: `npm pack` in packages/client builds it (a browser bundle that may not
// import Node built-ins, and declarations), the tarball installs offline into a fresh folder, its types
// compile there under Node's own ESM resolution, it bundles for browsers, and examples/sdk-node/app.mjs,
// run from that folder against a real server process, watches, holds, rides out its connection being
// cut (a loopback proxy drops every socket), finds its hold again and buys it.
import { execFile, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createConnection, createServer } from 'node:net';
import type { Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../support/database';
import type { TestDatabase } from '../support/database';
import { TEST_SECRET, http, smallEvent, token } from '../support/fixtures';
import { startServer } from '../support/server-process';
import type { ServerProcess } from '../support/server-process';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const PACKAGE = join(ROOT, 'packages/client');
const work = mkdtempSync(join(tmpdir(), 'aisle-sdk-package-'));
const app = join(work, 'app');
let tarball = '';
let packed: string[] = [];

beforeAll(async () => {
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', work], { cwd: PACKAGE, maxBuffer: 16 << 20 });
  const [info] = JSON.parse(stdout.slice(stdout.indexOf('['))) as { filename: string; files: { path: string }[] }[];
  tarball = join(work, info!.filename);
  packed = info!.files.map((f) => f.path);
  // The machine is offline: the package's dependencies (and `ws`, which the example uses on Node 20)
  // come as tarballs packed from this checkout's node_modules, so npm needs no registry.
  const manifest = JSON.parse(readFileSync(join(PACKAGE, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  const deps: string[] = [];
  for (const name of [...Object.keys(manifest.dependencies), 'ws']) {
    const out = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work, join(ROOT, 'node_modules', name)], { maxBuffer: 16 << 20 });
    deps.push(join(work, (JSON.parse(out.stdout.slice(out.stdout.indexOf('['))) as { filename: string }[])[0]!.filename));
  }
  // A fresh folder, as a web app starting out.
  await run('mkdir', ['-p', app]);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'sdk-example', private: true, type: 'module' }));
  await run('npm', ['install', '--offline', '--ignore-scripts', '--no-audit', '--no-fund', tarball, ...deps], { cwd: app, maxBuffer: 16 << 20 });
  copyFileSync(join(ROOT, 'examples/sdk-node/app.mjs'), join(app, 'app.mjs'));
}, 180_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the packed client SDK', () => {
  it('packs the bundle, the declarations and the README, and none of the sources', () => {
    expect(packed).toEqual(expect.arrayContaining(['package.json', 'README.md', 'dist/index.js', 'dist/types/sdk/index.d.ts']));
    expect(packed.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
    const manifest = JSON.parse(readFileSync(join(app, 'node_modules/@aisle/client/package.json'), 'utf8'));
    expect(manifest.exports['.']).toEqual({ types: './dist/types/sdk/index.d.ts', import: './dist/index.js' });
  });

  it('type-checks in the fresh folder under node16 resolution, library declarations included', async () => {
    writeFileSync(
      join(app, 'check.ts'),
      [
        "import { AisleClient, AisleError, type Hold, type OrderMessage } from '@aisle/client';",
        'export async function buyTwo(client: AisleClient): Promise<OrderMessage> {',
        "  const hold: Hold = await client.hold('e', ['s-1-1', 's-1-2'], { holdKey: 'k' });",
        "  const found: Hold[] = await client.findHolds('e');",
        "  if (found.length === 0) throw new AisleError('hold_not_found', 'gone');",
        "  return client.buy('e', hold.holdId);",
        '}',
        '// @ts-expect-error the seats are a list',
        "export const wrong = (client: AisleClient) => client.hold('e', 's-1-1');",
      ].join('\n'),
    );
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    const compilerOptions = { noEmit: true, strict: true, module: 'node16', moduleResolution: 'node16', target: 'es2022', lib: ['es2023', 'dom'], types: [] };
    writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['check.ts'] }));
    const result = await run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: app }).catch((error: { stdout: string }) => error);
    expect(result.stdout).toBe('');
  }, 60_000);

  it('refuses a browser entry that imports a Node built-in (planted)', async () => {
    const planted = join(work, 'planted.ts');
    writeFileSync(planted, "import { createHash } from 'node:crypto';\nexport const digest = () => createHash('sha256');\n");
    const failed = await run(process.execPath, [join(PACKAGE, 'build.mjs'), '--check', planted]).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toMatch(/must not import Node built-ins:\n.*planted\.ts imports node:crypto/);
    // The SDK's own entry passes the same check.
    await run(process.execPath, [join(PACKAGE, 'build.mjs'), '--check', join(ROOT, 'protocol/sdk/index.ts')]);
  });

  it('bundles for the browser from the installed package', async () => {
    writeFileSync(join(app, 'page.js'), "import { AisleClient } from '@aisle/client';\nwindow.AisleClient = AisleClient;\n");
    const result = await build({ entryPoints: [join(app, 'page.js')], bundle: true, platform: 'browser', format: 'esm', write: false, metafile: true, logLevel: 'silent' });
    const imports = Object.values(result.metafile.inputs).flatMap((input) => input.imports.map((i) => i.path));
    expect(imports.filter((path) => path.startsWith('node:'))).toEqual([]);
    expect(Object.keys(result.metafile.inputs).some((file) => file.includes('node_modules/@aisle/client/dist/index.js'))).toBe(true);
  });

  describe('the example app against a real server', () => {
    let db: TestDatabase;
    let server: ServerProcess;
    const env = (): Record<string, string> => ({ DATABASE_URL: db.url, AUTH_SECRET: TEST_SECRET });

    beforeAll(async () => {
      db = await createTestDatabase();
      server = await startServer(env());
    }, 60_000);

    afterAll(async () => {
      await server?.stop();
      await db?.drop();
    });

    /** A loopback proxy to the server whose `cut()` drops every connection through it, as a network would. */
    async function cuttableProxy(port: number): Promise<{ port: number; cut(): number; close(): void }> {
      const sockets = new Set<Socket>();
      const proxy = createServer((client) => {
        const upstream = createConnection(port, '127.0.0.1');
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on('close', () => sockets.delete(socket));
          socket.on('error', () => socket.destroy());
        }
        client.pipe(upstream).pipe(client);
      });
      await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
      const address = proxy.address();
      return {
        port: typeof address === 'object' && address ? address.port : 0,
        cut: () => {
          const n = sockets.size;
          for (const socket of sockets) socket.resetAndDestroy();
          return n;
        },
        close: () => proxy.close(),
      };
    }

    it('watches, holds, reconnects after its connection is cut, finds its hold and buys it', async () => {
      const admin = await token('root', 'admin');
      const created = await http(server.url, 'POST', '/api/events', { token: admin, body: smallEvent('example', 2, 10) });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const ann = await token('ann');
      const proxy = await cuttableProxy(server.port);
      const child = spawn(process.execPath, ['app.mjs', '--wait-for-reconnect'], {
        cwd: app,
        env: { PATH: process.env.PATH, AISLE_URL: `ws://127.0.0.1:${proxy.port}/ws`, AISLE_TOKEN: ann, AISLE_EVENT: 'example' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      const lines: Record<string, unknown>[] = [];
      for await (const line of createInterface({ input: child.stdout })) {
        const message = JSON.parse(line) as Record<string, unknown>;
        lines.push(message);
        // Held: the connection drops under the app, which must reconnect by itself.
        if (message.step === 'held') expect(proxy.cut()).toBeGreaterThan(0);
      }
      proxy.close();
      expect(await exited, stderr).toBe(0);
      const [held, bought] = lines;
      expect(held).toMatchObject({ step: 'held' });
      expect(bought).toMatchObject({
        step: 'bought',
        holdId: held!.holdId,
        foundHoldIds: [held!.holdId],
        holdKeyGaveBack: held!.holdId,
        status: 'confirmed',
        seats: ['s-1-1', 's-1-2'],
        counts: { sold: 2 },
      });
      expect(bought!.reconnects).toBeGreaterThanOrEqual(1);
      expect(stderr).toContain('reconnected');
      // The server's own record: one order of the two seats for ann.
      const orders = await http(server.url, 'GET', '/api/me/orders?eventId=example', { token: ann });
      expect(orders.status).toBe(200);
      expect(JSON.stringify(orders.body)).toContain(String(bought!.orderId));
    }, 120_000);
  });
});
