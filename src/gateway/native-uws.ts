// Loads uWebSockets.js and refuses to go on unless its native binary is what loaded. The package
// silently falls back to a pure-JS imitation that crashes on `upgrade` routes (DEPENDENCIES.md).
import { createRequire } from 'node:module';
import type * as UWS from 'uWebSockets.js';

const require = createRequire(import.meta.url);

/** Thrown when uWebSockets.js is not running on its native binary. */
export class NativeUwsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NativeUwsError';
  }
}

/** The native uWebSockets.js module, or a NativeUwsError saying why not. */
export function loadNativeUws(): typeof UWS {
  const binary = `uWebSockets.js/binaries/uws_${process.platform}_${process.arch}_${process.versions.modules}.node`;
  let uws: typeof UWS;
  let binaryPath: string;
  try {
    uws = require('uWebSockets.js') as typeof UWS;
    binaryPath = require.resolve(binary);
  } catch (error) {
    throw new NativeUwsError(
      `uWebSockets.js has no native binary for Node ${process.version} (ABI ${process.versions.modules}) on ` +
        `${process.platform}-${process.arch}: use Node 20 (${String(error)})`,
    );
  }
  const loaded = require.cache[binaryPath];
  const native = /\[native code\]/.test(Function.prototype.toString.call(uws.App));
  if (!loaded || loaded.exports !== uws || !native) {
    throw new NativeUwsError(
      `uWebSockets.js fell back to its JavaScript imitation instead of ${binaryPath}; ` +
        'reinstall with `npm ci` on Node 20 and do not set UWS_USE_FALLBACK',
    );
  }
  return uws;
}
