// Where the built pages live: the build writes there, the gateway serves from there.
import { fileURLToPath } from 'node:url';

/** The directory of built pages (HTML at the top, hashed assets under assets/). */
export const PAGES_DIR = fileURLToPath(new URL('./dist/', import.meta.url));
