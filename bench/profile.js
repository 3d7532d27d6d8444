// CPU profile of corscope under load (issue 7): `node bench/profile.js [--workload simple|pairs|big|distinct]
// [--duration s] [--patch] [--target bare-keepalive] [--log-level info] [--args '--no-ui'] [--top n] [--analyze file.cpuprofile]`.
// Runs the CLI with --cpu-prof against the bench upstream, then prints where the samples went:
// self time by function (corscope's own code mapped back to src/*.ts:line), and inclusive time of
// the stages of an exchange (judge, record, pino, http-proxy-3, Node's http).
//
// `--out dir` (default bench/out) holds the profile and the log.
// `--alloc [--requests n]`: bytes allocated per request instead, by allocation site (V8's sampling
// heap profiler, freed objects included). On a noisy machine this is the steady number: timings of
// one build swing by ±30 % from run to run, its allocation per request by about 1 %.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseFlags } from './lib/flags.js';
import { load, WORKLOADS } from './lib/load.js';
import { ROOT, startTarget, startUpstream } from './lib/procs.js';

const { values: flags } = parseFlags({
  options: {
    workload: { type: 'string', default: 'simple' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '32' },
    patch: { type: 'boolean', default: false },
    // bare-keepalive: the same profile of the baseline, to see what corscope adds
    target: { type: 'string' },
    'log-level': { type: 'string', default: 'info' },
    // More flags for corscope, space-separated (e.g. --args '--no-ui').
    args: { type: 'string', default: '' },
    top: { type: 'string', default: '25' },
    analyze: { type: 'string' },
    callers: { type: 'string', default: 'writev,writeLatin1String,writeUtf8String,(garbage collector)' },
    alloc: { type: 'boolean', default: false },
    requests: { type: 'string', default: '20000' },
    out: { type: 'string' },
  },
}, import.meta.url);
const OUT = flags.out ?? `${ROOT}bench/out`;

if (flags.alloc) {
  await allocation();
  process.exit(0);
}

let file = flags.analyze;
if (!file) {
  const dir = `${OUT}/prof`;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const upstream = await startUpstream();
  const target = await startTarget(flags.target ?? (flags.patch ? 'corscope-patch' : 'corscope'), upstream, {
    logFile: `${OUT}/logs/profile.ndjson`,
    nodeArgs: ['--cpu-prof', '--cpu-prof-dir', dir],
    extraArgs: ['--log-level', flags['log-level'], ...flags.args.split(' ').filter(Boolean)],
  });
  const workload = WORKLOADS[flags.workload];
  const r = await load(target.url, { requests: workload.requests, connections: Number(flags.connections), duration: Number(flags.duration) });
  await target.stop();
  await upstream.stop();
  console.log(`${flags.workload}: ${r.rps.toFixed(0)} req/s under the profiler (${r.total} requests), p99 ${r.p99.toFixed(2)} ms, ${r.errors} errors`);
  file = `${dir}/${readdirSync(dir).find((f) => f.endsWith('.cpuprofile'))}`;
}
analyze(file, Number(flags.top));

function analyze(path, top) {
  const profile = JSON.parse(readFileSync(path, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const maps = new Map();
  const place = (frame) => where(frame, maps);

  const callerNames = new Set(flags.callers.split(','));
  const callers = new Map();
  const self = new Map();
  const inclusive = new Map();
  const stages = new Map();
  let total = 0;
  let idle = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i + 1] ?? 0;
    const node = byId.get(profile.samples[i]);
    if (node.callFrame.functionName === '(idle)') {
      idle += dt;
      continue;
    }
    total += dt;
    const key = place(node.callFrame);
    self.set(key, (self.get(key) ?? 0) + dt);
    if (callerNames.has(node.callFrame.functionName)) {
      const chain = [];
      for (let id = parent.get(node.id); id !== undefined && chain.length < 3; id = parent.get(id)) {
        const f = byId.get(id).callFrame;
        // The first frames above Node's stream plumbing tell whose write it was.
        if (f.url && !/^node:(internal|net|stream|events)/.test(f.url)) chain.push(place(f).label);
      }
      const m = callers.get(node.callFrame.functionName) ?? new Map();
      const c = chain.join(' < ');
      m.set(c, (m.get(c) ?? 0) + dt);
      callers.set(node.callFrame.functionName, m);
    }
    const seen = new Set();
    const seenStage = new Set();
    for (let id = node.id; id !== undefined; id = parent.get(id)) {
      const frame = byId.get(id).callFrame;
      const k = place(frame);
      if (k.own && !seen.has(k.label)) {
        seen.add(k.label);
        inclusive.set(k.label, (inclusive.get(k.label) ?? 0) + dt);
      }
      const s = stageOf(frame, k);
      if (s && !seenStage.has(s)) {
        seenStage.add(s);
        stages.set(s, (stages.get(s) ?? 0) + dt);
      }
    }
  }
  const pct = (t) => `${((100 * t) / total).toFixed(1).padStart(5)}%`;
  console.log(`\n${path}\n${(total / 1e6).toFixed(1)} s busy, ${(idle / 1e6).toFixed(1)} s idle; percentages are of busy samples\n`);
  console.log('self time, top functions overall:');
  const merged = new Map();
  for (const [k, t] of self) merged.set(k.label, { k, t: (merged.get(k.label)?.t ?? 0) + t });
  const sorted = [...merged.values()].sort((a, b) => b.t - a.t);
  for (const { k, t } of sorted.slice(0, top)) console.log(`  ${pct(t)}  ${k.label}`);
  console.log("\nself time, corscope's own code (src, via source maps):");
  for (const { k, t } of sorted.filter((x) => x.k.own).slice(0, top)) console.log(`  ${pct(t)}  ${k.label}`);
  console.log("\ninclusive time, corscope's own functions:");
  for (const [label, t] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(t)}  ${label}`);
  for (const [name, m] of callers) {
    console.log(`\ncallers of ${name}:`);
    for (const [c, t] of [...m].sort((a, b) => b[1] - a[1]).slice(0, 6)) console.log(`  ${pct(t)}  ${c}`);
  }
  console.log('\ninclusive time by stage:');
  for (const [s, t] of [...stages].sort((a, b) => b[1] - a[1])) console.log(`  ${pct(t)}  ${s}`);
}

/** `--alloc`: warm up, sample allocations over a fixed number of requests, print bytes per request. */
async function allocation() {
  const dir = `${OUT}/prof`;
  mkdirSync(dir, { recursive: true });
  const out = `${dir}/alloc.heapprofile`;
  rmSync(out, { force: true });
  process.env.BENCH_HEAP_OUT = out;
  const upstream = await startUpstream();
  const kind = flags.target ?? (flags.patch ? 'corscope-patch' : 'corscope');
  const target = await startTarget(kind, upstream, {
    logFile: `${OUT}/logs/profile.ndjson`,
    nodeArgs: ['--import', fileURLToPath(new URL('./lib/heap-sampler.js', import.meta.url))],
    extraArgs: kind.startsWith('corscope') ? ['--log-level', flags['log-level'], ...flags.args.split(' ').filter(Boolean)] : [],
  });
  const { requests } = WORKLOADS[flags.workload];
  const connections = Number(flags.connections);
  try {
    await load(target.url, { requests, connections, duration: 2 });
    process.kill(target.pid, 'SIGUSR1');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const r = await load(target.url, { requests, connections, amount: Number(flags.requests) });
    process.kill(target.pid, 'SIGUSR2');
    for (let waited = 0; !existsSync(out); waited += 50) {
      if (waited > 20_000) throw new Error(`no heap profile from ${kind} after 20 s`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const profile = JSON.parse(readFileSync(out, 'utf8'));
    const maps = new Map();
    const bySite = new Map();
    let total = 0;
    let own = 0;
    const walk = (node) => {
      if (node.selfSize > 0) {
        const k = where(node.callFrame, maps);
        total += node.selfSize;
        if (k.own) own += node.selfSize;
        const site = bySite.get(k.label) ?? { k, bytes: 0 };
        site.bytes += node.selfSize;
        bySite.set(k.label, site);
      }
      for (const child of node.children) walk(child);
    };
    walk(profile.head);
    const perRequest = (bytes) => `${(bytes / r.total).toFixed(0).padStart(6)} B`;
    console.log(`${kind}, ${flags.workload}: ${r.total} requests, ${r.errors} errors`);
    console.log(`allocated per request: ${(total / r.total / 1024).toFixed(1)} KiB, of which corscope's own code ${(own / r.total / 1024).toFixed(1)} KiB\n`);
    const sites = [...bySite.values()].sort((a, b) => b.bytes - a.bytes);
    console.log('top allocation sites:');
    for (const { k, bytes } of sites.slice(0, Number(flags.top))) console.log(`  ${perRequest(bytes)}  ${k.label}`);
    console.log("\ncorscope's own code (src, via source maps):");
    for (const { k, bytes } of sites.filter((x) => x.k.own).slice(0, Number(flags.top))) console.log(`  ${perRequest(bytes)}  ${k.label}`);
  } finally {
    await target.stop();
    await upstream.stop();
  }
}

/** Which stage of an exchange a frame belongs to (a sample counts once per stage). */
function stageOf(frame, k) {
  const url = frame.url;
  if (k.own && /src\/cors\//.test(k.label)) return 'engine (src/cors: judge, classify, header parsing)';
  if (k.own && /src\/log\//.test(k.label)) return 'record building (src/log)';
  if (k.own && /src\/proxy\//.test(k.label)) return 'proxy glue (src/proxy, incl. callees)';
  if (url.includes('/node_modules/pino') || url.includes('/node_modules/sonic-boom')) return 'pino + sonic-boom (serialize, write)';
  if (url.includes('/node_modules/http-proxy-3/')) return 'http-proxy-3 (incl. callees)';
  if (frame.functionName === '(garbage collector)') return 'garbage collector';
  return undefined;
}

function where(frame, maps) {
  const { url, functionName, lineNumber, columnNumber } = frame;
  const name = functionName || '(anonymous)';
  if (!url) return { label: name, own: false };
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  if (path.startsWith(`${ROOT}dist/`)) {
    let map = maps.get(path);
    if (map === undefined) {
      try {
        map = new SourceMap(JSON.parse(readFileSync(`${path}.map`, 'utf8')));
      } catch {
        map = null;
      }
      maps.set(path, map);
    }
    const entry = map?.findEntry(lineNumber, columnNumber);
    if (entry && entry.originalSource) {
      const src = relative(ROOT, fileURLToPath(new URL(entry.originalSource, url)));
      return { label: `${name} ${src}:${entry.originalLine + 1}`, own: true };
    }
    return { label: `${name} ${relative(ROOT, path)}:${lineNumber + 1}`, own: true };
  }
  const short = path.includes('/node_modules/') ? path.slice(path.lastIndexOf('/node_modules/') + 14) : path;
  return { label: `${name} ${short}:${lineNumber + 1}`, own: false };
}
