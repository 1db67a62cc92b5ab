// Benchmark-only preload (`node --expose-gc --require heap-probe.cjs`): on SIGUSR2, run a full
// garbage collection and write the heap still in use to stderr as `heap-probe <bytes>`. The leak
// check compares these figures: unlike RSS, they do not move with GC timing or allocator arenas.
'use strict';

process.on('SIGUSR2', () => {
  global.gc();
  process.stderr.write(`heap-probe ${process.memoryUsage().heapUsed}\n`);
});
