// Preloaded (`node --expose-gc --require`) into a server whose memory the bench measures: SIGUSR2 runs a
// full garbage collection, so RSS readings compare live memory instead of whatever garbage the heap
// happened to hold. Changes nothing else in the server.
'use strict';
if (typeof global.gc === 'function') {
  process.on('SIGUSR2', () => {
    global.gc();
  });
}
