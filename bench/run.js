// corscope's benchmark (issue 7). `npm run bench` builds, then runs this; numbers in bench/RESULTS.md.
//   node bench/run.js [--quick] [--duration s] [--warmup s] [--rounds n] [--starts n] [--connections n]
//     [--workloads simple,pairs,big,distinct(,plain)] [--targets direct,bare-close,bare-keepalive,node-floor,corscope,corscope-patch]
//     [--stream-bytes n] [--stream-target corscope|bare-keepalive] [--memory-requests n]
//     [--skip-throughput] [--skip-stream] [--skip-memory] [--out dir] [--corscope-args='--log-level error']
//     [--skip-latency] [--latency-targets …]  (one request at a time: what each exchange adds)
//     [--no-pin]  (default: the proxy under test on CPU 1, autocannon and the upstream on CPU 0)
// BENCH_CORSCOPE_BIN=/path/to/bin/corscope.js measures another build of corscope (A/B of a fix);
// BENCH_CORSCOPE_ALT_BIN=… with --targets corscope,corscope-alt measures two builds in the same slices.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync, createReadStream } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { createInterface } from 'node:readline';
import { chunkStream } from './lib/data.js';
import { parseFlags } from './lib/flags.js';
import { load, ORIGIN, percentile, WORKLOADS } from './lib/load.js';
import { cpuMsOf, memoryOf, pinTo, ROOT, startTarget as start, startUpstream } from './lib/procs.js';

const { values: flags } = parseFlags({
  allowNegative: true,
  options: {
    quick: { type: 'boolean', default: false },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    connections: { type: 'string', default: '32' },
    rounds: { type: 'string' },
    starts: { type: 'string', default: '1' },
    workloads: { type: 'string', default: 'simple,pairs,big,distinct' },
    targets: { type: 'string', default: 'direct,bare-close,bare-keepalive,node-floor,corscope,corscope-patch' },
    'memory-requests': { type: 'string' },
    'stream-bytes': { type: 'string' },
    'skip-throughput': { type: 'boolean', default: false },
    'skip-latency': { type: 'boolean', default: false },
    'latency-targets': { type: 'string', default: 'bare-keepalive,corscope,corscope-patch' },
    'skip-stream': { type: 'boolean', default: false },
    'skip-memory': { type: 'boolean', default: false },
    'stream-target': { type: 'string', default: 'corscope' },
    out: { type: 'string' },
    'corscope-args': { type: 'string', default: '' },
    // The proxy under test on CPU 1, everything else (load generator, upstream) on CPU 0.
    pin: { type: 'boolean', default: os.availableParallelism() >= 2 },
    help: { type: 'boolean', short: 'h', default: false },
  },
}, import.meta.url);
if (flags.help) {
  // The usage is this file's opening comment.
  const lines = readFileSync(new URL(import.meta.url), 'utf8').split('\n');
  const usage = lines.slice(0, lines.findIndex((l) => !l.startsWith('//')));
  console.log(usage.map((l) => l.replace(/^\/\/ ?/, '')).join('\n'));
  process.exit(0);
}
const quick = flags.quick;
const duration = Number(flags.duration ?? (quick ? 3 : 10));
const warmup = Number(flags.warmup ?? (quick ? 1 : 2));
const connections = Number(flags.connections);
const rounds = Number(flags.rounds ?? (quick ? 2 : 5));
const starts = Number(flags.starts);
const memoryRequests = Number(flags['memory-requests'] ?? (quick ? 20_000 : 200_000));
const streamBytes = Number(flags['stream-bytes'] ?? (quick ? 128 * 2 ** 20 : 2 ** 30));
const corscopeArgs = flags['corscope-args'].split(' ').filter(Boolean);
const OUT = flags.out ?? `${ROOT}bench/out`;
mkdirSync(`${OUT}/logs`, { recursive: true });

const LABELS = {
  direct: 'direct to upstream',
  'bare-close': 'http-proxy-3, new conn/request',
  'bare-keepalive': 'http-proxy-3, keep-alive agent',
  'node-floor': 'Node http alone (the floor)',
  corscope: 'corscope (judge + NDJSON file)',
  'corscope-patch': 'corscope --patch',
  'corscope-alt': 'corscope, BENCH_CORSCOPE_ALT_BIN',
};

const machine = {
  nproc: os.availableParallelism(),
  cpu: /^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? os.cpus()[0]?.model,
  memGiB: Math.round(os.totalmem() / 2 ** 30),
  node: process.version,
  kernel: os.release(),
};
const results = {
  started: new Date().toISOString(),
  command: `node bench/run.js ${process.argv.slice(2).join(' ')}`.trim(),
  machine,
  loadavgStart: os.loadavg(),
  corscopeBin: process.env.BENCH_CORSCOPE_BIN ?? null,
  corscopeArgs,
  settings: { duration, warmup, rounds, starts, connections, memoryRequests, streamBytes },
  throughput: {},
};
console.log(`corscope bench: ${machine.nproc} x ${machine.cpu}, node ${machine.node}, load ${fmtLoad(results.loadavgStart)}`);
const fresh = starts > 1 ? `; all of it ${starts} times, with fresh processes` : '';
console.log(`autocannon, ${connections} connections, keep-alive; per cell ${warmup}s warm-up, then ${duration}s in ${rounds} slices taken in turn${fresh}\n`);

const pinned = flags.pin && pinTo(process.pid, 0);
results.pinned = pinned;
console.log(pinned ? 'pinned: each proxy on CPU 1; autocannon and the upstream on CPU 0 (--no-pin to share)\n' : 'not pinned: all processes share the CPUs\n');
/** Starts a target; pinned runs give it CPU 1 (the upstream and autocannon stay on CPU 0). */
async function startTarget(kind, up, options) {
  const target = await start(kind, up, options);
  if (pinned && target.pid) pinTo(target.pid, 1);
  return target;
}

const upstream = await startUpstream();
try {
  if (!flags['skip-throughput']) await throughput();
  if (!flags['skip-latency']) results.latency = await latency();
  if (!flags['skip-stream']) results.streaming = await streaming();
  if (!flags['skip-memory']) results.memory = await memoryFlat();
} finally {
  await upstream.stop();
}
results.loadavgEnd = os.loadavg();
results.finished = new Date().toISOString();
writeFileSync(`${OUT}/results.json`, `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(`${OUT}/results.md`, markdown(results));
console.log(`\nload ${fmtLoad(results.loadavgEnd)}; wrote ${OUT}/results.json and ${OUT}/results.md`);

/**
 * All targets of a workload run at once (idle while not measured) and take turns: `rounds` slices
 * each, in rotating order, so a burst of load from elsewhere on the machine hits every target
 * alike. req/s is over all slices; percentiles over all responses; the spread is the slowest and
 * fastest slice.
 */
async function throughput() {
  const kinds = flags.targets.split(',');
  for (const name of flags.workloads.split(',')) {
    const workload = WORKLOADS[name];
    if (!workload) throw new Error(`unknown workload ${name}`);
    const slices = new Map(kinds.map((k) => [k, []]));
    const peakRss = new Map();
    // `--starts n`: the cell n times over with fresh processes, slices pooled. One process of a
    // build can run ~10 % faster or slower than the next (JIT and GC timing), whatever the slicing.
    for (let start = 0; start < starts; start++) {
      const targets = [];
      try {
        for (const kind of kinds) targets.push(await startTarget(kind, upstream, { logFile: `${OUT}/logs/${name}-${kind}.ndjson`, extraArgs: corscopeArgs }));
        for (const target of targets) if (warmup > 0) await load(target.url, { requests: workload.requests, connections, duration: warmup });
        for (let round = 0; round < rounds; round++) {
          for (let i = 0; i < targets.length; i++) {
            const target = targets[(i + round + start) % targets.length];
            // The proxy's own CPU per request: far less sensitive to other load on the machine than req/s.
            const pid = target.pid ?? upstream.pid;
            const cpuBefore = cpuMsOf(pid);
            const slice = await load(target.url, { requests: workload.requests, connections, duration: duration / rounds });
            slice.cpuMs = cpuMsOf(pid) - cpuBefore;
            slices.get(target.kind).push(slice);
          }
        }
        for (const target of targets) if (target.pid) peakRss.set(target.kind, Math.max(peakRss.get(target.kind) ?? 0, memoryOf(target.pid).hwm));
      } finally {
        for (const target of targets) await target.stop();
      }
    }
    const rows = {};
    for (const kind of kinds) rows[kind] = summarizeSlices(slices.get(kind), peakRss.get(kind) ?? null);
    for (const row of Object.values(rows)) {
      row.vsBareClose = rows['bare-close'] ? row.rps / rows['bare-close'].rps : null;
      row.vsBareKeepalive = rows['bare-keepalive'] ? row.rps / rows['bare-keepalive'].rps : null;
      row.p99OverKeepaliveMs = rows['bare-keepalive'] ? row.p99 - rows['bare-keepalive'].p99 : null;
    }
    results.throughput[name] = rows;
    printTable(name, workload.describe, rows);
  }
}

function summarizeSlices(slices, peakRssMiB) {
  const total = slices.reduce((n, s) => n + s.total, 0);
  const seconds = slices.reduce((n, s) => n + s.seconds, 0);
  const times = Float64Array.from(slices.flatMap((s) => Array.from(s.times))).sort();
  const rates = slices.map((s) => s.rps);
  return {
    rps: total / seconds,
    total,
    p50: percentile(times, 50),
    p99: percentile(times, 99),
    cpuUsPerReq: (1000 * slices.reduce((n, s) => n + s.cpuMs, 0)) / total,
    sliceRps: { min: Math.min(...rates), max: Math.max(...rates) },
    errors: slices.reduce((n, s) => n + s.errors, 0),
    timeouts: slices.reduce((n, s) => n + s.timeouts, 0),
    non2xx: slices.reduce((n, s) => n + s.non2xx, 0),
    peakRssMiB,
  };
}

function printTable(name, describe, rows) {
  console.log(`${name}: ${describe}`);
  console.log(
    `  ${'target'.padEnd(32)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'RSS MiB'.padStart(8)} ${'x close'.padStart(8)} ${'x k-a'.padStart(6)} ${'p99-k-a'.padStart(8)} ${'CPU µs/req'.padStart(10)} ${'slices req/s'.padStart(13)} errors`,
  );
  for (const [kind, r] of Object.entries(rows)) {
    console.log(
      `  ${LABELS[kind].padEnd(32)} ${r.rps.toFixed(0).padStart(8)} ${r.p50.toFixed(2).padStart(7)} ${r.p99.toFixed(2).padStart(7)} ${(r.peakRssMiB?.toFixed(0) ?? '-').padStart(8)} ${fmtRatio(r.vsBareClose).padStart(8)} ${fmtRatio(r.vsBareKeepalive).padStart(6)} ${fmtMs(r.p99OverKeepaliveMs).padStart(8)} ${r.cpuUsPerReq.toFixed(0).padStart(10)} ${`${r.sliceRps.min.toFixed(0)}-${r.sliceRps.max.toFixed(0)}`.padStart(13)} ${r.errors + r.timeouts}${r.non2xx ? ` (non-2xx ${r.non2xx})` : ''}`,
    );
  }
  console.log('');
}

/**
 * Added latency without queueing: one connection, one request at a time, slices taken in turn. At
 * saturation (the throughput tables) p99 is mostly time spent waiting in line, which says how fast a
 * proxy is, not what it adds to one request. (autocannon's fixed-rate mode sends in bursts, which
 * queue again: bare http-proxy-3 at 1000 req/s had p50 1.1 ms and p99 10.8 ms.)
 */
async function latency() {
  const kinds = flags['latency-targets'].split(',');
  const out = { connections: 1, workloads: {} };
  for (const name of ['simple', 'pairs']) {
    const workload = WORKLOADS[name];
    const targets = [];
    try {
      for (const kind of kinds) targets.push(await startTarget(kind, upstream, { logFile: `${OUT}/logs/latency-${name}-${kind}.ndjson`, extraArgs: corscopeArgs }));
      const times = new Map(kinds.map((k) => [k, []]));
      for (const target of targets) if (warmup > 0) await load(target.url, { requests: workload.requests, connections: 1, duration: warmup });
      for (let round = 0; round < rounds; round++) {
        for (let i = 0; i < targets.length; i++) {
          const target = targets[(i + round) % targets.length];
          const slice = await load(target.url, { requests: workload.requests, connections: 1, duration: duration / rounds });
          times.get(target.kind).push(slice);
        }
      }
      const rows = {};
      for (const kind of kinds) {
        const slices = times.get(kind);
        const all = Float64Array.from(slices.flatMap((s) => Array.from(s.times))).sort();
        rows[kind] = { p50: percentile(all, 50), p99: percentile(all, 99), p999: percentile(all, 99.9), total: all.length, errors: slices.reduce((n, s) => n + s.errors + s.timeouts, 0) };
      }
      const base = rows['bare-keepalive'];
      for (const row of Object.values(rows)) row.p99OverKeepaliveMs = base ? row.p99 - base.p99 : null;
      out.workloads[name] = rows;
      console.log(`latency, one request at a time, ${name}: ${workload.describe}`);
      for (const [kind, r] of Object.entries(rows)) {
        console.log(`  ${LABELS[kind].padEnd(32)} p50 ${r.p50.toFixed(2)} ms  p99 ${r.p99.toFixed(2)} ms  p99.9 ${r.p999.toFixed(2)} ms  p99 over keep-alive ${fmtMs(r.p99OverKeepaliveMs)}  (${r.total} responses, ${r.errors} errors)`);
      }
      console.log('');
    } finally {
      for (const target of targets) await target.stop();
    }
  }
  return out;
}

/** 1 GiB up and 1 GiB down through corscope: bytes verified by SHA-256, peak RSS of corscope. */
async function streaming() {
  const kind = flags['stream-target'];
  const target = await startTarget(kind, upstream, { logFile: `${OUT}/logs/stream.ndjson`, extraArgs: corscopeArgs });
  // RSS now (not the high-water mark) every 100 ms, so each direction has its own peak.
  const peakDuring = async (work) => {
    let peak = 0;
    const timer = setInterval(() => (peak = Math.max(peak, memoryOf(target.pid).rss)), 100);
    try {
      const t = performance.now();
      const result = await work();
      return { result, seconds: (performance.now() - t) / 1000, peak };
    } finally {
      clearInterval(timer);
    }
  };
  try {
    const before = memoryOf(target.pid);
    const { result: up, seconds: upSeconds, peak: upPeak } = await peakDuring(() => upload(target.url, streamBytes));
    const { result: down, seconds: downSeconds, peak: downPeak } = await peakDuring(() => download(target.url, streamBytes));
    const sent = await getJson(`${upstream.url}/download-hash`);
    const after = memoryOf(target.pid);
    const out = {
      bytes: streamBytes,
      target: kind,
      upload: { ok: up.sent.sha256 === up.received.sha256 && up.received.bytes === streamBytes, seconds: upSeconds, peakRssMiB: upPeak, ...up },
      download: { ok: down.sha256 === sent.sha256 && down.bytes === streamBytes, seconds: downSeconds, peakRssMiB: downPeak, received: down, sent },
      rssBeforeMiB: before.rss,
      peakRssMiB: after.hwm,
    };
    const mib = streamBytes / 2 ** 20;
    console.log(`streaming through ${kind}, ${mib} MiB each way (generated, SHA-256 checked)`);
    console.log(`  upload   ${out.upload.ok ? 'bytes match' : 'MISMATCH'}  ${(mib / upSeconds).toFixed(0)} MiB/s, RSS up to ${upPeak.toFixed(0)} MiB`);
    console.log(`  download ${out.download.ok ? 'bytes match' : 'MISMATCH'}  ${(mib / downSeconds).toFixed(0)} MiB/s, RSS up to ${downPeak.toFixed(0)} MiB`);
    console.log(`  ${kind} RSS ${before.rss.toFixed(0)} MiB before, peak ${after.hwm.toFixed(0)} MiB (target < 120)\n`);
    return out;
  } finally {
    await target.stop();
  }
}

function upload(base, bytes) {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    let count = 0;
    const req = http.request(`${base}/upload`, {
      method: 'PUT',
      headers: { origin: ORIGIN, 'sec-fetch-mode': 'cors', 'content-type': 'application/octet-stream', 'content-length': bytes },
    });
    req.on('response', async (res) => {
      try {
        resolve({ sent: { bytes: count, sha256: hash.digest('hex') }, received: JSON.parse(await text(res)) });
      } catch (err) {
        reject(err);
      }
    });
    req.on('error', reject);
    const source = chunkStream(bytes);
    source.on('data', (chunk) => {
      hash.update(chunk);
      count += chunk.length;
    });
    source.pipe(req);
  });
}

function download(base, bytes) {
  return new Promise((resolve, reject) => {
    http
      .get(`${base}/download?bytes=${bytes}`, { headers: { origin: ORIGIN, 'sec-fetch-mode': 'cors' } }, (res) => {
        const hash = createHash('sha256');
        let count = 0;
        res.on('data', (chunk) => {
          hash.update(chunk);
          count += chunk.length;
        });
        res.on('end', () => resolve({ bytes: count, sha256: hash.digest('hex'), status: res.statusCode }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

async function text(res) {
  let body = '';
  for await (const chunk of res) body += chunk;
  return body;
}

function getJson(url) {
  return new Promise((resolve, reject) => {
    http.get(url, async (res) => resolve(JSON.parse(await text(res)))).on('error', reject);
  });
}

/**
 * Many requests with a fresh Origin and URL each time: preflight + PUT pairs (the pairing memory)
 * and a redirect followed to its target (the redirect memory), with credentials echoed (the
 * echo memory). RSS sampled after each quarter; it must level off, not grow with the count.
 */
async function memoryFlat() {
  const logFile = `${OUT}/logs/memory.ndjson`;
  rmSync(logFile, { force: true });
  const target = await startTarget('corscope', upstream, { logFile, extraArgs: corscopeArgs });
  const random = () => Math.random().toString(36).slice(2, 10);
  const cors = (ctx) => ({ origin: ctx.origin, 'sec-fetch-mode': 'cors' });
  const requests = [
    {
      setupRequest: (req, ctx) => {
        ctx.origin = `http://app-${random()}.test:5173`;
        ctx.id = `${random()}?q=${random()}`;
        return { ...req, method: 'OPTIONS', path: `/api/${ctx.id}`, headers: { ...cors(ctx), 'access-control-request-method': 'PUT', 'access-control-request-headers': 'content-type' } };
      },
    },
    {
      setupRequest: (req, ctx) => ({ ...req, method: 'PUT', path: `/api/${ctx.id}`, headers: { ...cors(ctx), 'content-type': 'application/json' }, body: '{}' }),
    },
    { setupRequest: (req, ctx) => ({ ...req, method: 'GET', path: `/redirect/${ctx.id}`, headers: cors(ctx) }) },
    { setupRequest: (req, ctx) => ({ ...req, method: 'GET', path: `/final/${ctx.id}`, headers: cors(ctx) }) },
  ];
  const samples = [];
  const phases = 4;
  const warmupRequests = Math.min(10_000, Math.round(memoryRequests / 10));
  try {
    await load(target.url, { requests, connections, amount: warmupRequests });
    samples.push({ requests: 0, ...memoryOf(target.pid) });
    console.log(`memory: ${memoryRequests} requests, each with a new Origin and URL (preflight, PUT, redirect, follow)`);
    let done = 0;
    let errors = 0;
    for (let i = 0; i < phases; i++) {
      const amount = Math.round(memoryRequests / phases);
      const r = await load(target.url, { requests, connections, amount });
      done += amount;
      errors += r.errors + r.timeouts;
      const m = memoryOf(target.pid);
      samples.push({ requests: done, ...m, rps: r.rps });
      console.log(`  after ${String(done).padStart(8)}: RSS ${m.rss.toFixed(0)} MiB (peak ${m.hwm.toFixed(0)}), ${r.rps.toFixed(0)} req/s`);
    }
    await target.stop();
    const records = await countRecords(logFile);
    const logBytes = statSync(logFile).size;
    rmSync(logFile, { force: true });
    const start = samples[0].rss;
    const middle = samples[Math.floor(samples.length / 2)].rss;
    const end = samples.at(-1).rss;
    console.log(`  RSS start ${start.toFixed(0)} / middle ${middle.toFixed(0)} / end ${end.toFixed(0)} MiB; ${records.cors} records logged (${(logBytes / 2 ** 20).toFixed(0)} MiB), ${errors} errors\n`);
    return { requests: done, warmupRequests, samples, startMiB: start, middleMiB: middle, endMiB: end, records, errors };
  } finally {
    await target.stop();
  }
}

async function countRecords(file) {
  const counts = { cors: 0, other: 0, byStage: {} };
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line) continue;
    const r = JSON.parse(line);
    if (r.event === 'cors') {
      counts.cors++;
      const k = `${r.stage}:${r.verdict}${r.preflight ? ':paired' : ''}${r.redirectedFrom ? ':redirected' : ''}`;
      counts.byStage[k] = (counts.byStage[k] ?? 0) + 1;
    } else counts.other++;
  }
  return counts;
}

function fmtRatio(x) {
  return x == null ? '-' : `${x.toFixed(2)}x`;
}
function fmtMs(x) {
  return x == null ? '-' : `${x >= 0 ? '+' : ''}${x.toFixed(2)}`;
}
function fmtLoad(l) {
  return l.map((x) => x.toFixed(2)).join(' ');
}

function markdown(r) {
  const lines = [
    `Run ${r.started} (${r.command}); ${r.machine.nproc} x ${r.machine.cpu}, ${r.machine.memGiB} GiB, node ${r.machine.node}; load average ${fmtLoad(r.loadavgStart)} at start, ${fmtLoad(r.loadavgEnd)} at end; ${r.pinned ? 'proxy under test pinned to CPU 1, autocannon and upstream to CPU 0 (taskset)' : 'not pinned'}.`,
    '',
  ];
  for (const [name, rows] of Object.entries(r.throughput)) {
    const fresh = (r.settings.starts ?? 1) > 1 ? `, ${r.settings.starts} times with fresh processes` : '';
    lines.push(`**${WORKLOADS[name].describe}** (${r.settings.connections} connections, ${r.settings.duration} s in ${r.settings.rounds} slices${fresh})`, '');
    lines.push('| target | req/s | p50 ms | p99 ms | peak RSS MiB | vs new-conn proxy | vs keep-alive proxy | p99 over keep-alive | CPU µs/req | slices req/s | errors |');
    lines.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const [kind, x] of Object.entries(rows)) {
      lines.push(`| ${LABELS[kind]} | ${x.rps.toFixed(0)} | ${x.p50.toFixed(2)} | ${x.p99.toFixed(2)} | ${x.peakRssMiB?.toFixed(0) ?? '-'} | ${fmtRatio(x.vsBareClose)} | ${fmtRatio(x.vsBareKeepalive)} | ${fmtMs(x.p99OverKeepaliveMs)} | ${x.cpuUsPerReq.toFixed(0)} | ${x.sliceRps.min.toFixed(0)}–${x.sliceRps.max.toFixed(0)} | ${x.errors + x.timeouts} |`);
    }
    lines.push('');
  }
  if (r.latency) {
    for (const [name, rows] of Object.entries(r.latency.workloads)) {
      lines.push(`**Latency, one request at a time, ${WORKLOADS[name].describe}** (${r.latency.connections} connection, no queueing)`, '');
      lines.push('| target | p50 ms | p99 ms | p99.9 ms | p99 over keep-alive | responses | errors |', '|---|---:|---:|---:|---:|---:|---:|');
      for (const [kind, x] of Object.entries(rows)) {
        lines.push(`| ${LABELS[kind]} | ${x.p50.toFixed(2)} | ${x.p99.toFixed(2)} | ${x.p999.toFixed(2)} | ${fmtMs(x.p99OverKeepaliveMs)} | ${x.total} | ${x.errors} |`);
      }
      lines.push('');
    }
  }
  if (r.streaming) {
    const s = r.streaming;
    const mib = s.bytes / 2 ** 20;
    lines.push(`**Streaming** ${mib} MiB up and ${mib} MiB down through ${s.target}: upload ${s.upload.ok ? 'SHA-256 match' : 'MISMATCH'} at ${(mib / s.upload.seconds).toFixed(0)} MiB/s (RSS up to ${s.upload.peakRssMiB.toFixed(0)} MiB), download ${s.download.ok ? 'SHA-256 match' : 'MISMATCH'} at ${(mib / s.download.seconds).toFixed(0)} MiB/s (RSS up to ${s.download.peakRssMiB.toFixed(0)} MiB); RSS ${s.rssBeforeMiB.toFixed(0)} MiB idle, peak (VmHWM) ${s.peakRssMiB.toFixed(0)} MiB.`, '');
  }
  if (r.memory) {
    const m = r.memory;
    lines.push(`**Memory over ${m.requests} requests**, each with a new Origin and URL (preflight, PUT, redirect, follow): RSS ${m.samples.map((s) => `${s.rss.toFixed(0)}`).join(' → ')} MiB (after ${m.samples.map((s) => s.requests).join(' / ')} requests); peak ${m.samples.at(-1).hwm.toFixed(0)} MiB; ${m.records.cors} records logged, ${m.errors} errors.`, '');
  }
  return `${lines.join('\n')}\n`;
}
