/**
 * What the reverse-proxy stacks (nginx, apache, caddy) share: the small app they stand in front of,
 * and running the proxy itself as a foreground child with a config of the scenario's own.
 *
 * The app sends no identity header of its own (no Server, no X-Powered-By): every fingerprint on
 * the recorded answers comes from the proxy. With `cors: true` it does CORS itself, the way an app
 * with a CORS middleware does (echoes the Origin, answers preflights 204), so a proxy that adds
 * the same headers shows what two layers do.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const UPSTREAM_PORT = 3001;

const items = [
  { id: 1, name: 'first' },
  { id: 2, name: 'second' },
];

/** The app's routes: a small JSON API. Unknown methods get a 405 with Allow, as most routers answer. */
function route(req, body) {
  const url = new URL(req.url, 'http://app');
  const p = url.pathname.replace(/\/+$/, '') || '/';
  const json = (status, value, extra = {}) => ({ status, headers: { 'Content-Type': 'application/json', ...extra }, body: JSON.stringify(value) });
  if (p === '/api/items' || p === '/api/v1/items') {
    if (req.method === 'GET' || req.method === 'HEAD') return json(200, items);
    if (req.method === 'POST') return json(201, { id: 3, ...safeParse(body) });
    return json(405, { error: 'Method Not Allowed' }, { Allow: 'GET, HEAD, POST' });
  }
  if (/^\/api\/(v1\/)?items\/\d+$/.test(p)) {
    if (['GET', 'HEAD', 'PUT', 'PATCH', 'DELETE'].includes(req.method)) return json(200, items[0]);
    return json(405, { error: 'Method Not Allowed' }, { Allow: 'GET, HEAD, PUT, PATCH, DELETE' });
  }
  if (p === '/api/me') {
    const signedIn = /(?:^|;\s*)session=/.test(req.headers.cookie ?? '');
    return signedIn ? json(200, { user: 'ada' }) : json(401, { error: 'not signed in' });
  }
  if (p === '/api/report') return json(200, { rows: 2 });
  if (p === '/api/orders' && req.method === 'POST') {
    // The app fails: the answer Chrome hides behind a CORS error when the proxy's headers skip it.
    return json(500, { error: 'database unavailable' });
  }
  return json(404, { error: 'Not Found' });
}

function safeParse(text) {
  try {
    const v = JSON.parse(text);
    return v && typeof v === 'object' ? v : {};
  } catch {
    return {};
  }
}

/** The app's own CORS layer, as a middleware would do it (echo, credentials, preflight 204). */
function appCors(req, res) {
  const origin = req.headers.origin;
  if (!origin) return false;
  res.setHeader('Access-Control-Allow-Origin', origin);
  res.setHeader('Access-Control-Allow-Credentials', 'true');
  res.setHeader('Vary', 'Origin');
  if (req.method === 'OPTIONS' && req.headers['access-control-request-method']) {
    res.setHeader('Access-Control-Allow-Methods', 'GET, POST, PUT, PATCH, DELETE');
    if (req.headers['access-control-request-headers']) res.setHeader('Access-Control-Allow-Headers', req.headers['access-control-request-headers']);
    res.writeHead(204);
    res.end();
    return true;
  }
  return false;
}

export function startUpstream({ cors = false, port = UPSTREAM_PORT } = {}) {
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      if (cors && appCors(req, res)) return;
      const out = route(req, body);
      res.writeHead(out.status, { ...out.headers, 'Content-Length': Buffer.byteLength(out.body) });
      res.end(req.method === 'HEAD' ? undefined : out.body);
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

function portOpen(port) {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => (s.destroy(), resolve(false)));
  });
}

/** A fresh temp dir for one proxy run (config, pid, logs), removed on stop. */
export function tempDir(name) {
  return fs.mkdtempSync(path.join(os.tmpdir(), `corscope-${name}-`));
}

/**
 * Starts the app (unless `upstream` is false: the app is down) and the proxy in the foreground;
 * resolves once the proxy listens on `port`. `stop()` ends both and waits for the port to be free.
 */
export async function startBehind({ proxy, upstream, port, dir }) {
  const app = upstream === false ? undefined : await startUpstream(upstream);
  const child = spawn(proxy.cmd, proxy.args, { cwd: dir, env: { ...process.env, ...proxy.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    }
    if (app) await new Promise((r) => app.close(r));
    for (let i = 0; i < 50 && (await portOpen(port)); i++) await new Promise((r) => setTimeout(r, 100));
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 20_000;
  while (!(await portOpen(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`${proxy.cmd} did not listen on ${port}:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { stop, output: () => output };
}
