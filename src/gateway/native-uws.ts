// The one module that loads uWebSockets.js, and the only one that names its package (the rest of the
// server imports its types from here; the layer guard keeps it so). Two builds are installed and the
// first that loads natively is used:
//   1. @btc-vision/uwebsockets.js 20.57: binaries for Node 20, 22, 24 and 25, built against glibc 2.38;
//   2. uWebSockets.js (the alias of @trufflesuite/uws-js-unofficial 20.30): Node 16/18/20, older glibc.
// A candidate is skipped, with its reason kept for the log and /metrics, when it does not load or when
// what loaded is not its native binary: the 20.30 package silently falls back to a pure-JS imitation
// that crashes on `upgrade` routes (docs/decisions.md).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import type * as UWS from 'uWebSockets.js';

export type {
  HttpRequest,
  HttpResponse,
  TemplatedApp,
  WebSocket,
  WebSocketBehavior,
  us_listen_socket,
  us_socket,
  us_socket_context_t,
} from 'uWebSockets.js';

/** The uWebSockets.js module (typed by the 20.30 build's declarations; 20.57 keeps what Aisle uses). */
export type Uws = typeof UWS;

/** Thrown when no uWebSockets.js build runs natively here. */
export class NativeUwsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NativeUwsError';
  }
}

/** A build to try: the name it is required by. */
export interface UwsCandidate {
  specifier: string;
}

/** The builds tried, in order: the newer first. */
export const UWS_CANDIDATES: readonly UwsCandidate[] = [
  { specifier: '@btc-vision/uwebsockets.js' },
  { specifier: 'uWebSockets.js' },
];

/** The build in use: its published package name and version, and the binary that loaded. */
export interface UwsBuild {
  specifier: string;
  package: string;
  version: string;
  binary: string;
}

/** A candidate that was not used, and why (package and version `unknown` when it is not installed). */
export interface SkippedUwsBuild {
  specifier: string;
  package: string;
  version: string;
  reason: string;
}

/** The outcome of the selection. */
export interface UwsSelection {
  uws: Uws;
  build: UwsBuild;
  skipped: SkippedUwsBuild[];
}

const requireHere = createRequire(import.meta.url);

/** The package.json that owns `file` (the nearest one with a name), as name, version and folder. */
function owningPackage(file: string): { name: string; version: string; dir: string } {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (manifest.name) return { name: manifest.name, version: manifest.version ?? 'unknown', dir };
    } catch {
      // no package.json here: look further up
    }
    if (dirname(dir) === dir) return { name: 'unknown', version: 'unknown', dir: dirname(file) };
  }
}

/** An error's first line, or that of the error it wraps (the loader's own words, e.g. the glibc it lacks). */
function reasonOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const nested = text.lastIndexOf('\nError: ');
  return (nested >= 0 ? text.slice(nested + '\nError: '.length) : text).split('\n')[0]!.trim();
}

/** Loads one candidate: its build if it is native here, or what it is and why it is not used. */
function tryCandidate(candidate: UwsCandidate, require: NodeJS.Require): UwsSelection | SkippedUwsBuild {
  const { specifier } = candidate;
  let entry: string;
  try {
    entry = require.resolve(specifier);
  } catch (error) {
    return { specifier, package: 'unknown', version: 'unknown', reason: reasonOf(error) };
  }
  const pkg = owningPackage(entry);
  const skip = (reason: string): SkippedUwsBuild => ({ specifier, package: pkg.name, version: pkg.version, reason });
  let uws: Uws;
  try {
    uws = require(specifier) as Uws;
  } catch (error) {
    return skip(reasonOf(error));
  }
  if (typeof uws.App !== 'function' || !/\[native code\]/.test(Function.prototype.toString.call(uws.App))) {
    return skip('loaded without a native App (a JavaScript fallback, or not uWebSockets.js)');
  }
  const binary = Object.keys(require.cache).find(
    (file) => file.startsWith(pkg.dir + sep) && file.endsWith('.node') && require.cache[file]?.exports === uws,
  );
  if (!binary) return skip('the module loaded is not one of its native binaries');
  return { uws, build: { specifier, package: pkg.name, version: pkg.version, binary }, skipped: [] };
}

/**
 * Picks the first candidate whose native binary loads on this Node and C library; the others before it
 * are reported with their reasons. Throws a NativeUwsError naming every reason when none does.
 */
export function selectUws(candidates: readonly UwsCandidate[] = UWS_CANDIDATES, require: NodeJS.Require = requireHere): UwsSelection {
  const skipped: SkippedUwsBuild[] = [];
  for (const candidate of candidates) {
    const outcome = tryCandidate(candidate, require);
    if ('uws' in outcome) return { ...outcome, skipped };
    skipped.push(outcome);
  }
  throw new NativeUwsError(
    `no uWebSockets.js build runs natively on Node ${process.version} (ABI ${process.versions.modules}, ` +
      `${process.platform}-${process.arch}): ` +
      skipped.map((s) => `${s.specifier}: ${s.reason}`).join('; ') +
      '. Use Node 20, or Node 22/24 with glibc 2.38 or newer; reinstall with `npm ci` and do not set UWS_USE_FALLBACK',
  );
}

/** One line for the startup log: the build in use and why the ones before it were not. */
export function describeUwsSelection(selection: UwsSelection): string {
  const { build, skipped } = selection;
  const used = `uWebSockets.js: ${build.package} ${build.version} on Node ${process.version} (ABI ${process.versions.modules})`;
  return skipped.length === 0 ? `${used}, the first choice` : `${used}; skipped ${skipped.map((s) => `${s.specifier} (${s.reason})`).join(', ')}`;
}

/** The native uWebSockets.js module (the first build that loads), or a NativeUwsError saying why none does. */
export function loadNativeUws(): Uws {
  return selectUws().uws;
}
