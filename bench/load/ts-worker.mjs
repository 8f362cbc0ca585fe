// Worker-thread entry that runs a TypeScript module: Node 20 does not apply `--import tsx` to the entry
// of a worker thread, so the worker starts here and loads the module named in its argv through tsx.
import { tsImport } from 'tsx/esm/api';

await tsImport(process.argv[2], import.meta.url);
