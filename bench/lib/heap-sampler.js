// Preloaded (`node --import`) into a process under test by `bench/profile.js --alloc`: V8's sampling
// heap profiler, counting objects that the garbage collector has already freed too, so the profile
// is what the process allocates, not what it keeps. SIGUSR1 starts sampling; SIGUSR2 stops it and
// writes the profile to $BENCH_HEAP_OUT (written under a temporary name, then renamed).
import { renameSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

const session = new Session();
session.connect();
const post = (method, params) => new Promise((resolve, reject) => session.post(method, params, (err, result) => (err ? reject(err) : resolve(result))));
const interval = Number(process.env.BENCH_HEAP_INTERVAL ?? 1024);

process.on('SIGUSR1', () => {
  void post('HeapProfiler.enable').then(() =>
    post('HeapProfiler.startSampling', { samplingInterval: interval, includeObjectsCollectedByMinorGC: true, includeObjectsCollectedByMajorGC: true }),
  );
});
process.on('SIGUSR2', () => {
  void post('HeapProfiler.stopSampling').then(({ profile }) => {
    const out = process.env.BENCH_HEAP_OUT;
    writeFileSync(`${out}.tmp`, JSON.stringify(profile));
    renameSync(`${out}.tmp`, out);
  });
});
