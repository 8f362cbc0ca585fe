// Builds the client SDK package from protocol/ (the sources stay there; this folder only packages them):
// dist/index.js, one ESM bundle for browsers and Node, and dist/types/, the declarations. The bundle is
// built for platform=browser and the build fails if anything in it imports a Node built-in.
// Run from anywhere: `npm run build:sdk` at the repository root.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const dist = join(here, 'dist');
const pkg = JSON.parse(readFileSync(join(here, 'package.json'), 'utf8'));
const NODE_BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

// `node build.mjs --check <entry>` only bundles `entry` as below and reports Node built-ins it imports.
const check = process.argv.indexOf('--check');
const entry = check >= 0 ? resolve(process.argv[check + 1]) : join(root, 'protocol/sdk/index.ts');
if (check < 0) rmSync(dist, { recursive: true, force: true });

// 1. The bundle. The package's own dependencies stay imports; everything from protocol/ is inlined.
// Node built-ins are left external here only so that the check below can name every one of them.
const result = await build({
  entryPoints: [entry],
  outfile: join(dist, 'index.js'),
  write: check < 0,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  external: [...Object.keys(pkg.dependencies ?? {}), ...NODE_BUILTINS],
  sourcemap: true,
  metafile: true,
  logLevel: 'warning',
});
const nodeImports = Object.entries(result.metafile.inputs).flatMap(([file, input]) =>
  input.imports.filter((i) => i.path.startsWith('node:') || NODE_BUILTINS.has(i.path)).map((i) => `${file} imports ${i.path}`),
);
if (nodeImports.length > 0) {
  console.error(`the browser entry must not import Node built-ins:\n  ${nodeImports.join('\n  ')}`);
  process.exit(1);
}
if (check >= 0) process.exit(0);

// 2. The declarations, from the same sources, with the repository's TypeScript.
execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(here, 'tsconfig.json')], { stdio: 'inherit' });

// 3. protocol/ imports without extensions (bundler resolution); Node's ESM resolution, which a consumer
// with "moduleResolution": "node16" uses for .d.ts files too, needs them spelled out.
const declarations = (dir) =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? declarations(path) : name.endsWith('.d.ts') ? [path] : [];
  });
for (const file of declarations(join(dist, 'types'))) {
  const text = readFileSync(file, 'utf8').replace(/(from\s+|import\()(['"])(\.{1,2}\/[^'"]+)\2/g, (whole, lead, quote, spec) => {
    if (spec.endsWith('.js')) return whole;
    const base = resolve(dirname(file), spec);
    if (existsSync(`${base}.d.ts`)) return `${lead}${quote}${spec}.js${quote}`;
    if (existsSync(join(base, 'index.d.ts'))) return `${lead}${quote}${spec}/index.js${quote}`;
    throw new Error(`${file}: cannot resolve ${spec}`);
  });
  writeFileSync(file, text);
}
console.log(`built ${pkg.name}@${pkg.version} in ${dist}`);
