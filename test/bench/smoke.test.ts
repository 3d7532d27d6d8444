/**
 * The benchmark (bench/run.js, `npm run bench`) stays out of `npm test`; this runs it for a second
 * per cell in one slice, direct and through corscope, one request at a time too, with tiny
 * streaming and memory runs, so it cannot rot (about 15 s; five slices per cell made it 39 s).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';

const runner = fileURLToPath(new URL('../../bench/run.js', import.meta.url));
const profiler = fileURLToPath(new URL('../../bench/profile.js', import.meta.url));
const ab = fileURLToPath(new URL('../../bench/ab.js', import.meta.url));
const bin = fileURLToPath(new URL('../../bin/corscope.js', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'corscope-bench-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

interface Cell {
  rps: number;
  total: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  peakRssMiB: number | null;
}

function run(args: string[], script = runner): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

it('bench: one second of simple GETs, preflight + PUT pairs and GETs of new URLs, direct and through corscope, one at a time too, no errors', { timeout: 90_000 }, async () => {
  const { code, output } = await run([
    '--out', out,
    '--duration', '1', '--warmup', '0', '--rounds', '1', '--connections', '4',
    '--workloads', 'simple,pairs,distinct', '--targets', 'direct,corscope', '--latency-targets', 'corscope',
    '--stream-bytes', String(4 * 1024 * 1024), '--memory-requests', '400',
  ]);
  expect(code, output).toBe(0);
  const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
  for (const workload of ['simple', 'pairs', 'distinct']) {
    for (const target of ['direct', 'corscope']) {
      const cell: Cell = results.throughput[workload][target];
      expect(cell.total, `${workload} ${target}`).toBeGreaterThan(0);
      expect(cell.errors + cell.timeouts + cell.non2xx, `${workload} ${target}`).toBe(0);
    }
    expect(results.throughput[workload].corscope.peakRssMiB).toBeGreaterThan(0);
  }
  // `distinct` asks for a new URL every time (no verdict reused): every record names another one.
  const urls = readFileSync(join(out, 'logs', 'distinct-corscope.ndjson'), 'utf8')
    .split('\n')
    .filter((line) => line.includes('"event":"cors"'))
    .map((line) => JSON.parse(line).url as string);
  expect(urls.length).toBeGreaterThan(1);
  expect(new Set(urls).size).toBe(urls.length);
  for (const workload of ['simple', 'pairs']) {
    const one = results.latency.workloads[workload].corscope;
    expect(one.total, `latency ${workload}`).toBeGreaterThan(0);
    expect(one.errors, `latency ${workload}`).toBe(0);
  }
  expect(results.streaming.upload.ok).toBe(true);
  expect(results.streaming.download.ok).toBe(true);
  expect(results.memory.errors).toBe(0);
  expect(results.memory.records.cors).toBe(results.memory.requests + results.memory.warmupRequests);
  expect(readFileSync(join(out, 'results.md'), 'utf8')).toContain('corscope (judge + NDJSON file)');
});

it('profile.js: a CPU profile and an allocation profile of corscope, mapped back to src/', { timeout: 90_000 }, async () => {
  const cpu = await run(['--out', out, '--workload', 'pairs', '--duration', '1', '--connections', '4'], profiler);
  expect(cpu.code, cpu.output).toBe(0);
  expect(cpu.output).toMatch(/pairs: \d+ req\/s under the profiler \(\d+ requests\), p99 [\d.]+ ms, 0 errors/);
  expect(cpu.output).toContain('inclusive time by stage:');
  expect(cpu.output).toMatch(/ src\/proxy\/server\.ts:\d+/);

  const alloc = await run(['--out', out, '--alloc', '--workload', 'pairs', '--requests', '2000', '--connections', '4'], profiler);
  expect(alloc.code, alloc.output).toBe(0);
  expect(alloc.output).toContain('corscope, pairs: 2000 requests, 0 errors');
  const [, total, own] = /allocated per request: ([\d.]+) KiB, of which corscope's own code ([\d.]+) KiB/.exec(alloc.output) ?? [];
  expect(Number(total)).toBeGreaterThan(Number(own));
  expect(Number(own)).toBeGreaterThan(0);
  expect(alloc.output).toMatch(/ B {2}\S+ src\/proxy\/\w+\.ts:\d+/);
});

it('ab.js: two builds and a baseline in fresh processes, with the collector\'s time per request and a page following each inspector', { timeout: 60_000 }, async () => {
  const args = ['--out', out, '--workload', 'distinct', '--rounds', '2', '--duration', '1', '--warmup', '0', '--connections', '4', '--gc', '--follow'];
  const result = await run([...args, `a=${bin}`, `b=${bin}`, 'bare=bare-keepalive'], ab);
  expect(result.code, result.output).toBe(0);
  expect(result.output.match(/^round [12] (a|b|bare) +\d+ req\/s/gm)).toHaveLength(6);
  expect(result.output).toMatch(/^round 1 b +\d+ req\/s {2}x[\d.]+ /m);
  expect(result.output.match(/^round [12] (a|b) .* page got (0\.9\d|1\.00) exchanges\/req, \d+ B\/req$/gm)).toHaveLength(4);
  expect(result.output).not.toMatch(/^round [12] bare .* page got/m);
  for (const name of ['a', 'b', 'bare']) {
    expect(result.output).toMatch(new RegExp(`^${name} +mean +\\d+ req/s {2}[\\d.]+ µs CPU/req .* gc µs/req minor [\\d.]+ major [\\d.]+$`, 'm'));
  }
  expect(result.output).not.toMatch(/[1-9]\d* errors/);

  const bad = await run(['--workload', 'nope', `a=${bin}`], ab);
  expect(bad.code).toBe(2);
  expect(bad.output).toMatch(/^unknown workload nope/);
});
