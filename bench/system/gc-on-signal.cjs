// Preloaded (`node --expose-gc --require`) into a server whose memory the bench measures: SIGUSR2 runs a
// full garbage collection, so RSS readings compare live memory instead of whatever garbage the heap
// happened to hold, and then writes the process's memory figures to a file of its own (memoryFile
// below), so the bench can read the V8 heap of processes that serve no /metrics (gateway edges). The
// preload is inherited by the processes a server forks. Changes nothing else in the server.
'use strict';
const { writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

if (typeof global.gc === 'function') {
  process.on('SIGUSR2', () => {
    global.gc();
    const { rss, heapTotal, heapUsed } = process.memoryUsage();
    try {
      writeFileSync(join(tmpdir(), `aisle-bench-memory-${process.pid}.json`), JSON.stringify({ rss, heapTotal, heapUsed }));
    } catch {
      // The bench falls back to /proc and /metrics.
    }
  });
}
