// The layer guard (.dependency-cruiser.cjs, run by `npm test` as `npm run depcheck`) must fail on what
// it is there to stop. Each case lays out a small tree in a temp dir and runs the same command with the
// repository's own config on it: a planted import cycle fails it, and so do a lower layer importing a
// higher one, I/O in the domain and Node built-ins in protocol/; the clean tree passes.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');
const dirs: string[] = [];

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A tree that obeys every rule: domain ← store ← actor ← gateway, protocol on its own. */
const CLEAN: Record<string, string> = {
  'protocol/codec.ts': "export const codec = 'json';\n",
  'src/domain/seat.ts': "export const free = 0;\n",
  'src/domain/hold.ts': "import { free } from './seat';\nexport const held = free + 1;\n",
  'src/store/store.ts': "import { held } from '../domain/hold';\nexport const stored = held;\n",
  'src/actor/actor.ts': "import { stored } from '../store/store';\nimport { codec } from '../../protocol/codec';\nexport const actor = [stored, codec];\n",
  'src/gateway/gateway.ts': "import { actor } from '../actor/actor';\nexport const gateway = actor;\n",
  'src/main.ts': "import { gateway } from './gateway/gateway';\nexport default gateway;\n",
};

/**
 * Runs the check exactly as `npm run depcheck` does (its exit status is what fails `npm test`) on CLEAN
 * with `changes` laid over it; the names of the rules it reports.
 */
function check(changes: Record<string, string>): { status: number | null; rules: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'aisle-layers-'));
  dirs.push(dir);
  const files = { ...CLEAN, ...changes, 'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'ESNext', moduleResolution: 'Bundler', strict: true } }) };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  // The repository's packages, so an import of a package resolves as it does in the checkout.
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  const run = spawnSync(process.execPath, [CLI, 'src', 'protocol', '--config', CONFIG], { cwd: dir, encoding: 'utf8' });
  if (!/dependencies cruised/.test(run.stdout)) throw new Error(`depcruise did not run: ${run.stdout}${run.stderr}`);
  const rules = [...run.stdout.matchAll(/^\s+error ([\w-]+):/gm)].map((m) => m[1]);
  return { status: run.status, rules: [...new Set(rules)].sort() };
}

describe('the layer guard', () => {
  it('passes a tree that keeps the layers', () => {
    expect(check({})).toEqual({ status: 0, rules: [] });
  });

  it('fails on a planted import cycle, type-only imports included', () => {
    const result = check({
      'src/domain/seat.ts': "import type { Held } from './hold';\nexport const free = 0;\nexport type Seat = Held | 0;\n",
      'src/domain/hold.ts': "import { free } from './seat';\nexport const held = free + 1;\nexport type Held = 1;\n",
    });
    expect(result.status).not.toBe(0);
    expect(result.rules).toEqual(['no-circular']);
  });

  it('fails when a layer imports from one above it, the domain does I/O, or protocol/ needs Node', () => {
    const result = check({
      'src/store/store.ts': "import { gateway } from '../gateway/gateway';\nexport const stored = gateway;\n",
      'src/actor/actor.ts': "import { codec } from '../../protocol/codec';\nexport const actor = [codec];\n",
      'src/domain/seat.ts': "import { readFileSync } from 'node:fs';\nexport const free = readFileSync.length;\n",
      'protocol/codec.ts': "import { createHash } from 'node:crypto';\nexport const codec = createHash.name;\n",
    });
    expect(result.status).not.toBe(0);
    expect(result.rules).toEqual(['domain-is-pure', 'layer-1', 'protocol-no-node-builtins']);
  });

  it('fails when a module other than src/gateway/native-uws.ts imports either uWebSockets.js build', () => {
    const uwsTypes = (name: string): string => `import type { TemplatedApp } from '${name}';\nexport type App = TemplatedApp;\n`;
    expect(check({ 'src/gateway/native-uws.ts': uwsTypes('uWebSockets.js') })).toEqual({ status: 0, rules: [] });
    const result = check({
      'src/gateway/native-uws.ts': uwsTypes('uWebSockets.js'),
      'src/gateway/gateway.ts': `${uwsTypes('uWebSockets.js')}import { actor } from '../actor/actor';\nexport const gateway = actor;\n`,
      'src/actor/other.ts': uwsTypes('@btc-vision/uwebsockets.js'),
    });
    expect(result.status).not.toBe(0);
    expect(result.rules).toEqual(['uws-through-one-module']);
  });
});
