// A/B of corscope builds (issue 7): `node bench/ab.js [--workload simple|pairs|big|distinct]
// [--rounds n] [--duration s] [--warmup s] [--connections n] [--gc] [--follow] [--out dir]
// name=/path/to/bin/corscope.js ... [name=bare-keepalive|node-floor|corscope] ['name=corscope --log-level error']`
// (words after the first are extra flags for corscope; with --log-file among them, ab.js gives none).
// Each round starts every variant as a fresh process (order reversed every other round), pinned
// like run.js, warms it up, loads it, and reports req/s, CPU µs per request, p99, peak RSS and,
// with --gc, the time its garbage collector spent per request (minor and major; from
// bench/lib/gc-observer.js). The first variant is the base: each round prints the others' req/s
// ratio to it, taken minutes apart at most. On this shared 2-vCPU VM a build against itself swings
// ±10 % in req/s from round to round; collector time per request moves by a few per cent, so a
// change in allocation or survival shows there first. `--follow`: a page follows each corscope's
// inspector (an SSE client in this process reading every byte, as an open tab would) from before
// the warm-up to the end; each row then says how many exchanges it received per request. Example (HEAD against a worktree of main~1):
//   node bench/ab.js --workload distinct --rounds 3 --gc before=/tmp/base/bin/corscope.js after=bin/corscope.js
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseFlags } from './lib/flags.js';
import { load, WORKLOADS } from './lib/load.js';
import { cpuMsOf, freePort, memoryOf, pinTo, ROOT, startTarget, startUpstream } from './lib/procs.js';
import { followInspector } from './lib/follow.js';

const { values: flags, positionals } = parseFlags({
  allowPositionals: true,
  options: {
    workload: { type: 'string', default: 'simple' },
    rounds: { type: 'string', default: '3' },
    duration: { type: 'string', default: '6' },
    warmup: { type: 'string', default: '2' },
    connections: { type: 'string', default: '32' },
    gc: { type: 'boolean', default: false },
    follow: { type: 'boolean', default: false },
    out: { type: 'string', default: `${ROOT}bench/out/ab` },
  },
}, import.meta.url);

const KINDS = new Set(['bare-keepalive', 'node-floor', 'corscope', 'corscope-patch']);
const variants = positionals.map((arg) => {
  const [name, spec] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, arg];
  // "name=what --flag value …": the words after the first go to corscope as extra flags.
  const [what, ...extraArgs] = spec.split(' ').filter(Boolean);
  if (KINDS.has(what)) return { name, kind: what, extraArgs };
  const bin = resolve(what);
  if (!existsSync(bin)) usage(`no such build: ${what} (give name=/path/to/bin/corscope.js, or name=${[...KINDS].join('|')})`);
  return { name, kind: 'corscope', bin, extraArgs };
});
const workload = WORKLOADS[flags.workload];
if (variants.length < 1) usage('name at least one variant');
if (!workload) usage(`unknown workload ${flags.workload} (${Object.keys(WORKLOADS).join(', ')})`);
const [rounds, duration, warmup, connections] = ['rounds', 'duration', 'warmup', 'connections'].map((key) => Number(flags[key]));
mkdirSync(flags.out, { recursive: true });
process.env.BENCH_GC_OUT = flags.out;

pinTo(process.pid, 0);
const upstream = await startUpstream();
pinTo(upstream.pid, 0);
const rows = new Map(variants.map((v) => [v.name, []]));
try {
  for (let round = 0; round < rounds; round++) {
    for (const v of round % 2 ? [...variants].reverse() : variants) {
      const row = await measure(v);
      rows.get(v.name).push(row);
      const base = rows.get(variants[0].name)[round];
      const ratio = base && v !== variants[0] ? `  x${(row.rps / base.rps).toFixed(3)}` : '';
      const gc = flags.gc && row.gc ? `  gc µs/req minor ${row.gc.minor.toFixed(2)} major ${row.gc.major.toFixed(2)}` : '';
      const page = row.page ? `  page got ${row.page.perRequest.toFixed(2)} exchanges/req, ${row.page.bytesPerRequest.toFixed(0)} B/req` : '';
      console.log(`round ${round + 1} ${v.name.padEnd(12)} ${row.rps.toFixed(0).padStart(6)} req/s${ratio}  ${row.us.toFixed(1)} µs CPU/req  p99 ${row.p99.toFixed(2)} ms  peak RSS ${row.peak.toFixed(0)} MiB${gc}  ${row.errors} errors${page}`);
    }
  }
} finally {
  await upstream.stop();
}
console.log('');
for (const [name, list] of rows) {
  const mean = (pick) => list.reduce((sum, row) => sum + pick(row), 0) / list.length;
  const gc = flags.gc ? `  gc µs/req minor ${mean((r) => r.gc?.minor ?? NaN).toFixed(2)} major ${mean((r) => r.gc?.major ?? NaN).toFixed(2)}` : '';
  console.log(`${name.padEnd(12)} mean ${mean((r) => r.rps).toFixed(0).padStart(6)} req/s  ${mean((r) => r.us).toFixed(1)} µs CPU/req  p99 ${mean((r) => r.p99).toFixed(2)} ms  peak RSS ${Math.max(...list.map((r) => r.peak)).toFixed(0)} MiB${gc}`);
}

async function measure(v) {
  const nodeArgs = flags.gc ? ['--import', new URL('./lib/gc-observer.js', import.meta.url).pathname] : [];
  const logFile = v.extraArgs.includes('--log-file') ? undefined : `${flags.out}/${v.name}.ndjson`;
  const uiPort = flags.follow && v.kind.startsWith('corscope') && !v.extraArgs.includes('--no-ui') ? await freePort() : undefined;
  const extraArgs = uiPort ? [...v.extraArgs, '--ui-port', String(uiPort)] : v.extraArgs;
  const target = await startTarget(v.kind, upstream, { bin: v.bin, logFile, nodeArgs, extraArgs });
  const page = uiPort ? await followInspector(uiPort) : undefined;
  try {
    pinTo(target.pid, 1);
    if (warmup > 0) await load(target.url, { requests: workload.requests, connections, duration: warmup });
    if (flags.gc) process.kill(target.pid, 'SIGUSR2');
    const cpu = cpuMsOf(target.pid);
    const seen = page?.counts();
    const r = await load(target.url, { requests: workload.requests, connections, duration });
    const us = ((cpuMsOf(target.pid) - cpu) * 1000) / r.total;
    const peak = memoryOf(target.pid).hwm;
    let gc;
    if (flags.gc) {
      process.kill(target.pid, 'SIGUSR2');
      gc = await gcTotals(target.pid, r.total);
    }
    let followed;
    if (page) {
      // What reached the page by now (it may trail the last requests by a turn or two).
      await new Promise((resolve) => setTimeout(resolve, 200));
      const now = page.counts();
      followed = { perRequest: (now.exchanges - seen.exchanges) / r.total, bytesPerRequest: (now.bytes - seen.bytes) / r.total };
    }
    return { rps: r.rps, us, p99: r.p99, peak, gc, errors: r.errors + r.timeouts + r.non2xx, ...(followed ? { page: followed } : {}) };
  } finally {
    page?.close();
    await target.stop();
  }
}

async function gcTotals(pid, requests) {
  const file = `${flags.out}/gc-${pid}.json`;
  for (let tries = 0; tries < 50 && !existsSync(file); tries++) await new Promise((r) => setTimeout(r, 20));
  if (!existsSync(file)) return undefined;
  const t = JSON.parse(readFileSync(file, 'utf8'));
  return { minor: (t.minorMs * 1000) / requests, major: (t.majorMs * 1000) / requests };
}

function usage(message) {
  console.error(`${message}; see the usage at the top of bench/ab.js`);
  process.exit(2);
}
