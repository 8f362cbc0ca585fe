// Builds the pages with esbuild: the entry points (seat map, staff dashboard, gate) and the stylesheet as
// content-hashed files under assets/, and the HTML pages pointing at them. `npm run build` runs it;
// `npm start` runs it when the build is missing or older than its sources (ensurePagesBuilt).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PAGES_DIR } from './pages-dir';

const WEB_DIR = fileURLToPath(new URL('./', import.meta.url));
const ROOT = join(WEB_DIR, '..', '..');
/** Everything the bundles are built from: a change to any of these makes the build stale. */
const SOURCE_DIRS = [WEB_DIR, join(ROOT, 'protocol')];
const MANIFEST = 'manifest.json';
/** The HTML pages: file name → its body template under pages/, the entry point of its script, its title. */
const PAGES: Record<string, { body: string; entry: string; title: string }> = {
  'index.html': { body: 'seat-map.html', entry: 'seat-map', title: 'Seats · Aisle' },
  'staff.html': { body: 'staff.html', entry: 'staff', title: 'Staff · Aisle' },
  'gate.html': { body: 'gate.html', entry: 'gate', title: 'Gate · Aisle' },
};

/** What a build produced. */
export interface PagesManifest {
  sourceHash: string;
  /** Logical name (seat-map, staff, gate, styles) → path under the pages dir, e.g. assets/seat-map-AB12.js. */
  assets: Record<string, string>;
  /** Bytes of each output file. */
  sizes: Record<string, number>;
  /**
   * Bytes a browser loads before each page can run (seat-map, staff, gate): its entry, every chunk it
   * imports statically (transitively) and the stylesheet. Chunks loaded on demand (the QR library) are not
   * in it.
   */
  firstLoad: Record<string, number>;
}

/** A hash of every page source (paths and contents), to tell whether a build is current. */
export function sourceHash(): string {
  const hash = createHash('sha256');
  const visit = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      if (name === 'dist' || name.startsWith('.dist-') || name === 'node_modules' || name.endsWith('.test.ts')) continue;
      const path = join(dir, name);
      if (statSync(path).isDirectory()) visit(path);
      else if (/\.(ts|html|css)$/.test(name)) hash.update(relative(ROOT, path)).update('\0').update(readFileSync(path)).update('\0');
    }
  };
  for (const dir of SOURCE_DIRS) visit(dir);
  return hash.digest('hex').slice(0, 32);
}

/** The manifest of the current build, or null. */
export function readManifest(dir = PAGES_DIR): PagesManifest | null {
  try {
    return JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8')) as PagesManifest;
  } catch {
    return null;
  }
}

/** Builds into a fresh directory next to `outDir`, then swaps it in, so a server never sees half a build. */
export async function buildPages(outDir = PAGES_DIR): Promise<PagesManifest> {
  const esbuild = await import('esbuild');
  const hash = sourceHash();
  const staging = join(dirname(outDir), `.dist-${process.pid}-${Date.now()}`);
  mkdirSync(join(staging, 'assets'), { recursive: true });
  const result = await esbuild.build({
    entryPoints: {
      'seat-map': join(WEB_DIR, 'seat-map', 'main.ts'),
      staff: join(WEB_DIR, 'staff', 'main.ts'),
      gate: join(WEB_DIR, 'gate', 'main.ts'),
      styles: join(WEB_DIR, 'pages', 'styles.css'),
    },
    outdir: join(staging, 'assets'),
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    minify: true,
    sourcemap: false,
    entryNames: '[name]-[hash]',
    chunkNames: 'chunk-[hash]',
    metafile: true,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const assets: Record<string, string> = {};
  const sizes: Record<string, number> = {};
  const chunksOf: Record<string, string[]> = {};
  const importsOf = new Map<string, string[]>();
  for (const [file, output] of Object.entries(result.metafile.outputs)) {
    const path = relative(staging, file).split('\\').join('/');
    sizes[path] = output.bytes;
    importsOf.set(path, output.imports.filter((i) => i.kind === 'import-statement').map((i) => relative(staging, i.path).split('\\').join('/')));
    if (output.entryPoint) {
      const name = /(seat-map|staff|gate|styles)-[^/]*$/.exec(path)?.[1];
      if (name) assets[name] = path;
      if (name) chunksOf[name] = importsOf.get(path) ?? [];
    }
  }
  const staticImports = (path: string, seen = new Set<string>()): Set<string> => {
    if (seen.has(path)) return seen;
    seen.add(path);
    for (const imported of importsOf.get(path) ?? []) staticImports(imported, seen);
    return seen;
  };
  const firstLoad: Record<string, number> = {};
  for (const name of ['seat-map', 'staff', 'gate']) {
    const entry = assets[name];
    if (!entry) continue;
    let bytes = assets.styles ? (sizes[assets.styles] ?? 0) : 0;
    for (const path of staticImports(entry)) bytes += sizes[path] ?? 0;
    firstLoad[name] = bytes;
  }
  for (const [page, { body, entry, title }] of Object.entries(PAGES)) {
    // Shared chunks are preloaded with the entry instead of being discovered after it: one round trip less.
    const preloads = (chunksOf[entry] ?? []).map((chunk) => `<link rel="modulepreload" href="/${chunk}">`);
    const head = [
      '<!doctype html>',
      '<html lang="en">',
      '<head>',
      '<meta charset="utf-8">',
      '<meta name="viewport" content="width=device-width, initial-scale=1">',
      `<title>${title}</title>`,
      '<link rel="icon" href="data:,">',
      `<link rel="stylesheet" href="/${assets.styles}">`,
      `<script type="module" src="/${assets[entry]}"></script>`,
      ...preloads,
      '</head>',
    ];
    writeFileSync(join(staging, page), `${head.join('\n')}\n${readFileSync(join(WEB_DIR, 'pages', body), 'utf8')}</html>\n`);
  }
  const manifest: PagesManifest = { sourceHash: hash, assets, sizes, firstLoad };
  writeFileSync(join(staging, MANIFEST), JSON.stringify(manifest, null, 2));
  swapIn(staging, outDir, hash);
  return manifest;
}

function swapIn(staging: string, outDir: string, hash: string): void {
  // Servers starting side by side (parallel test files) may all build at once: the first build in wins,
  // and a build of the same sources is never moved aside, so no server ever finds the directory missing.
  if (readManifest(outDir)?.sourceHash === hash) {
    rmSync(staging, { recursive: true, force: true });
    return;
  }
  const old = `${staging}-old`;
  try {
    if (existsSync(outDir)) renameSync(outDir, old);
    renameSync(staging, outDir);
  } catch (error) {
    if (readManifest(outDir)?.sourceHash !== hash) throw error;
    rmSync(staging, { recursive: true, force: true });
  }
  rmSync(old, { recursive: true, force: true });
}

/** Builds the pages when there is no build or it is older than the sources; resolves with whether it built. */
export async function ensurePagesBuilt(): Promise<boolean> {
  if (readManifest()?.sourceHash === sourceHash()) return false;
  await buildPages();
  return true;
}

async function cli(): Promise<void> {
  const started = Date.now();
  const manifest = await buildPages();
  const lines = Object.entries(manifest.sizes).map(([file, bytes]) => `  ${file.padEnd(40)} ${(bytes / 1024).toFixed(1)} KiB`);
  process.stdout.write(`built pages in ${Date.now() - started} ms into ${relative(process.cwd(), PAGES_DIR)}\n${lines.join('\n')}\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  cli().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
