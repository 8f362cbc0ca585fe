// The uWebSockets.js build is picked by really loading the candidates on this machine: the one chosen
// serves HTTP, and every candidate passed over is reported with the loader's own reason.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Metrics } from '../observability/metrics';
import { describeUwsSelection, NativeUwsError, selectUws, UWS_CANDIDATES } from './native-uws';
import type { us_listen_socket, us_socket } from './native-uws';

/** This machine's glibc as [major, minor] (null off glibc): the newer build needs 2.38. */
function glibc(): [number, number] | null {
  const header = (process.report.getReport() as { header?: { glibcVersionRuntime?: string } }).header;
  const match = /^(\d+)\.(\d+)/.exec(header?.glibcVersionRuntime ?? '');
  return match ? [Number(match[1]), Number(match[2])] : null;
}
const newerBuildLoads = ((v) => v !== null && (v[0] > 2 || (v[0] === 2 && v[1] >= 38)))(glibc());

describe('selectUws', () => {
  it('picks the first build whose native binary loads here, and it serves', async () => {
    const selection = selectUws();
    expect(existsSync(selection.build.binary)).toBe(true);
    expect(selection.build.binary).toMatch(new RegExp(`_${process.versions.modules}\\.node$`));
    if (newerBuildLoads) {
      expect(selection.build).toMatchObject({ specifier: '@btc-vision/uwebsockets.js', package: '@btc-vision/uwebsockets.js', version: '20.57.0' });
      expect(selection.skipped).toEqual([]);
    } else {
      // This machine (Debian 12, glibc 2.36, Node 20): the newer build is refused by the dynamic loader.
      expect(selection.build).toMatchObject({ specifier: 'uWebSockets.js', package: '@trufflesuite/uws-js-unofficial', version: '20.30.0-unofficial.0' });
      expect(selection.skipped).toEqual([
        { specifier: '@btc-vision/uwebsockets.js', package: '@btc-vision/uwebsockets.js', version: '20.57.0', reason: expect.stringMatching(/GLIBC_2\.38' not found/) },
      ]);
      expect(describeUwsSelection(selection)).toMatch(/^uWebSockets\.js: @trufflesuite\/uws-js-unofficial 20\.30\.0-unofficial\.0 on Node v20.*skipped @btc-vision\/uwebsockets\.js \(.*GLIBC_2\.38/);
    }
    const app = selection.uws.App().get('/*', (res) => {
      res.end('served');
    });
    const socket = await new Promise<us_listen_socket>((resolve, reject) =>
      app.listen('127.0.0.1', 0, (s) => (s ? resolve(s) : reject(new Error('cannot listen')))),
    );
    try {
      const port = selection.uws.us_socket_local_port(socket as unknown as us_socket);
      expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('served');
    } finally {
      selection.uws.us_listen_socket_close(socket);
    }
  });

  it('passes over a missing package and one that is not uWebSockets.js, each with its reason', () => {
    const selection = selectUws([{ specifier: 'aisle-no-such-uws' }, { specifier: 'ws' }, { specifier: 'uWebSockets.js' }]);
    expect(selection.build.package).toBe('@trufflesuite/uws-js-unofficial');
    expect(selection.skipped).toEqual([
      { specifier: 'aisle-no-such-uws', package: 'unknown', version: 'unknown', reason: expect.stringMatching(/Cannot find module 'aisle-no-such-uws'/) },
      { specifier: 'ws', package: 'ws', version: expect.stringMatching(/^8\./), reason: expect.stringMatching(/without a native App/) },
    ]);
  });

  it('refuses to start when no candidate runs natively, naming every reason', () => {
    expect(() => selectUws([{ specifier: 'aisle-no-such-uws' }, { specifier: 'ws' }])).toThrow(NativeUwsError);
    expect(() => selectUws([{ specifier: 'aisle-no-such-uws' }, { specifier: 'ws' }])).toThrow(
      /no uWebSockets\.js build runs natively on Node v\d+.*aisle-no-such-uws: Cannot find module.*ws: loaded without a native App/,
    );
  });

  it("refuses the older build's JavaScript fallback (UWS_USE_FALLBACK), in a process of its own", () => {
    const script = `
      import { selectUws } from './src/gateway/native-uws.ts';
      try { const s = selectUws(); console.log(JSON.stringify({ build: s.build.package, skipped: s.skipped })); }
      catch (error) { console.log(JSON.stringify({ error: error.name, message: error.message })); }`;
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: new URL('../..', import.meta.url).pathname,
      env: { ...process.env, UWS_USE_FALLBACK: '1' },
      encoding: 'utf8',
    });
    const outcome = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { build?: string; error?: string; message?: string };
    if (newerBuildLoads) {
      expect(outcome.build).toBe('@btc-vision/uwebsockets.js');
    } else {
      expect(outcome.error).toBe('NativeUwsError');
      expect(outcome.message).toMatch(/GLIBC_2\.38.*uWebSockets\.js: loaded without a native App \(a JavaScript fallback/);
    }
  });

  it('tries the newer build first', () => {
    expect(UWS_CANDIDATES.map((c) => c.specifier)).toEqual(['@btc-vision/uwebsockets.js', 'uWebSockets.js']);
  });

  it('shows the build in use and the ones passed over on /metrics', async () => {
    const metrics = new Metrics();
    const selection = selectUws([{ specifier: 'aisle-no-such-uws' }, { specifier: 'uWebSockets.js' }]);
    metrics.recordUwsBuild(selection.build, selection.skipped);
    const text = await metrics.registry.metrics();
    expect(text).toContain(
      `aisle_uws_build{package="@trufflesuite/uws-js-unofficial",version="20.30.0-unofficial.0",node_abi="${process.versions.modules}"} 1`,
    );
    expect(text).toMatch(/aisle_uws_build_skipped\{package="unknown",version="unknown",reason="Cannot find module 'aisle-no-such-uws'[^"]*"\} 1/);
  });
});
