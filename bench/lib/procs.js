// Starting and stopping the processes under test, and reading their memory from /proc.
import { execFileSync, fork, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { fileURLToPath } from 'node:url';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
export const ROOT = here('../../');
// BENCH_CORSCOPE_BIN: another build's bin/corscope.js (a copy with a candidate fix), for A/B runs.
export const CLI = process.env.BENCH_CORSCOPE_BIN ?? here('../../bin/corscope.js');
// BENCH_CORSCOPE_ALT_BIN: a second build, measured as the target `corscope-alt` in the same run and
// the same rotating slices as `corscope`, so noise from the machine hits both alike.
export const ALT_CLI = process.env.BENCH_CORSCOPE_ALT_BIN;

/** Memory of a live process from /proc/<pid>/status, in MiB: rss now and hwm (peak since start). */
export function memoryOf(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
  } catch {
    return { rss: NaN, hwm: NaN };
  }
}

/** CPU time (user + system) a process has used so far, in ms (from /proc/<pid>/stat, 100 Hz ticks). */
export function cpuMsOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[11], fields[12]: utime, stime (the 14th and 15th of the whole line)
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

/**
 * Pins a process (all its threads) to one CPU with taskset; false when taskset is missing. On a
 * small machine the load generator, the upstream and the proxy otherwise fight over the same cores
 * and req/s swings by 1.5x from run to run; pinned, the proxy under test has a core of its own.
 */
export function pinTo(pid, cpu) {
  try {
    execFileSync('taskset', ['-a', '-p', '-c', String(cpu), String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function waitForPort(port, child, ms = 15_000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`process exited with ${child.exitCode} before listening`);
    const ok = await new Promise((resolve) => {
      const c = net.connect(port, '127.0.0.1');
      c.once('connect', () => {
        c.destroy();
        resolve(true);
      });
      c.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listening on ${port} after ${ms} ms`);
}

function forked(script, args, execArgv = []) {
  return new Promise((resolve, reject) => {
    const child = fork(here(script), args, { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('message', (m) => resolve({ child, port: m.port }));
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

export async function startUpstream() {
  const { child, port } = await forked('./upstream.js', []);
  return { child, pid: child.pid, url: `http://127.0.0.1:${port}`, stop: () => stop(child) };
}

/**
 * One target of the comparison. `direct` is the upstream itself (no process of its own);
 * `bare-close`/`bare-keepalive` are http-proxy-3 alone; `node-floor` Node's http alone (floor.js);
 * `corscope`/`corscope-patch` the CLI as a
 * user runs it, NDJSON to a log file (stdout, also NDJSON, to /dev/null).
 */
export async function startTarget(kind, upstream, { logFile, nodeArgs = [], extraArgs = [], bin } = {}) {
  if (kind === 'direct') return { kind, pid: undefined, url: upstream.url, stop: async () => undefined };
  if (kind === 'bare-close' || kind === 'bare-keepalive') {
    const { child, port } = await forked('./bare.js', [upstream.url, kind === 'bare-keepalive' ? 'keepalive' : 'close'], nodeArgs);
    return { kind, pid: child.pid, url: `http://127.0.0.1:${port}`, stop: () => stop(child) };
  }
  if (kind === 'node-floor') {
    const { child, port } = await forked('./floor.js', [upstream.url], nodeArgs);
    return { kind, pid: child.pid, url: `http://127.0.0.1:${port}`, stop: () => stop(child) };
  }
  const port = await freePort();
  if (kind === 'corscope-alt' && !ALT_CLI) throw new Error('corscope-alt needs BENCH_CORSCOPE_ALT_BIN=/path/to/bin/corscope.js');
  const args = [...nodeArgs, bin ?? (kind === 'corscope-alt' ? ALT_CLI : CLI), '--target', upstream.url, '--port', String(port), '--log-format', 'json'];
  if (logFile) args.push('--log-file', logFile);
  if (kind === 'corscope-patch') args.push('--patch');
  args.push(...extraArgs);
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  try {
    await waitForPort(port, child);
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`${kind}: ${err.message}\n${stderr}`);
  }
  return { kind, pid: child.pid, url: `http://127.0.0.1:${port}`, stop: () => stop(child), stderr: () => stderr };
}

/** SIGTERM (corscope closes gracefully and flushes its log), SIGKILL if it lingers. */
export function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
