// Preloaded into a proxy under test by bench/ab.js (`node --import`): time spent in garbage
// collection between two SIGUSR2 (the first starts counting, the second writes the totals to
// $BENCH_GC_OUT/gc-<pid>.json). Collector time per request is the steadiest signal of a change in
// allocation or survival here: CPU time per request swings ±10 % between runs of one build, its
// scavenge time by a few per cent.
import { writeFileSync } from 'node:fs';
import { PerformanceObserver, constants } from 'node:perf_hooks';

const dir = process.env.BENCH_GC_OUT ?? '/tmp';
let totals;
process.on('SIGUSR2', () => {
  if (!totals) totals = { minorMs: 0, minor: 0, majorMs: 0, major: 0, otherMs: 0 };
  else {
    writeFileSync(`${dir}/gc-${process.pid}.json`, JSON.stringify(totals));
    totals = undefined;
  }
});
new PerformanceObserver((list) => {
  if (!totals) return;
  for (const entry of list.getEntries()) {
    const kind = entry.detail?.kind;
    if (kind === constants.NODE_PERFORMANCE_GC_MINOR) {
      totals.minorMs += entry.duration;
      totals.minor++;
    } else if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) {
      totals.majorMs += entry.duration;
      totals.major++;
    } else totals.otherMs += entry.duration;
  }
}).observe({ entryTypes: ['gc'] });
