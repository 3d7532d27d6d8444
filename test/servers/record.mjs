#!/usr/bin/env node
/**
 * Records what real servers of one stack answer when misconfigured the way people do, and what
 * real Chromium prints for each call, into test/fixtures/servers/<stack>.json.
 *
 *   node test/servers/record.mjs <stack> [case-name ...]
 *
 * Runs itself inside a network namespace with only loopback (unshare), so the fixed ports below
 * never collide with another recording and nothing leaves the machine. In there:
 *   - the page is served on http://localhost:5173 (the origin every fix names); a call may name
 *     another page origin (`page`): http://127.0.0.1:5173 or http://localhost:5174;
 *   - a capture proxy on http://localhost:8081 stands where corscope stands: it forwards each
 *     request to the server as sent (Host kept) and each answer back as sent, and keeps the raw
 *     header lines both ways and the first 4 KiB of every answer's body as bytes;
 *   - the stack's server listens on 127.0.0.1:3000, started per case by test/servers/<stack>/stack.mjs;
 *   - a second origin, http://localhost:9000, is a "login page" with no CORS headers at all, for
 *     redirects that leave the API.
 * Each case runs twice: with its misconfiguration, then with the fix applied (`fix.scenario`), and
 * the fixture keeps Chrome's console lines and the call's outcome for both.
 *
 * Needs /usr/bin/chromium (apt-get install chromium) and the stack's own packages (see its stack.mjs).
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
export const PAGE = 'http://localhost:5173';
export const API = 'http://localhost:8081';
export const SERVER_PORT = 3000;
export const ELSEWHERE = 'http://localhost:9000';
const BODY_BYTES = 4096;
const HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'proxy-connection', 'te', 'upgrade', 'trailer']);

const [stackName, ...only] = process.argv.slice(2);
if (!stackName) {
  console.error('usage: node test/servers/record.mjs <stack> [case-name ...]');
  process.exit(2);
}

if (process.env.CORSCOPE_NETNS !== '1') {
  // Re-run inside a fresh network namespace where only loopback exists.
  const inner = `ip link set lo up && exec ${JSON.stringify(process.execPath)} ${process.argv.slice(1).map((a) => JSON.stringify(a)).join(' ')}`;
  const r = spawnSync('unshare', ['--net', 'sh', '-c', inner], { stdio: 'inherit', env: { ...process.env, CORSCOPE_NETNS: '1' } });
  process.exit(r.status ?? 1);
}

const stack = await import(pathToFileURL(path.join(here, stackName, 'stack.mjs')).href);
const cases = stack.cases.filter((c) => only.length === 0 || only.includes(c.name));
if (cases.length === 0) {
  console.error(`no case named ${only.join(', ')} in ${stackName}`);
  process.exit(2);
}

/** Every exchange the capture proxy saw since the last `take()`. */
let exchanges = [];
const take = () => {
  const out = exchanges;
  exchanges = [];
  return out;
};

function pairs(raw) {
  const lines = [];
  for (let i = 0; i + 1 < raw.length; i += 2) lines.push([raw[i], raw[i + 1]]);
  return lines;
}

function listen(server, port, host) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

/** The page's origin: a blank page the calls run in. */
const pageServer = http.createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  res.end('<!doctype html><title>page</title><p>page');
});

/** The origin redirects leave for: a login page that knows nothing of CORS. */
const elsewhere = http.createServer((req, res) => {
  const started = { stage: req.method === 'OPTIONS' && req.headers['access-control-request-method'] ? 'preflight' : 'request' };
  const request = { method: req.method, url: ELSEWHERE + req.url, headers: pairs(req.rawHeaders) };
  const body = '<!doctype html><title>Sign in</title><form method=post><input name=user></form>';
  res.writeHead(200, [['Content-Type', 'text/html; charset=utf-8'], ['Content-Length', String(Buffer.byteLength(body))]].flat());
  res.end(body);
  exchanges.push({ ...started, target: 'elsewhere', request, response: { status: 200, headers: [['Content-Type', 'text/html; charset=utf-8'], ['Content-Length', String(Buffer.byteLength(body))]] }, body: { base64: Buffer.from(body).toString('base64'), bytes: Buffer.byteLength(body), truncated: false } });
});

/** Where corscope stands: forwards as sent, keeps what went by. */
const capture = http.createServer((req, res) => {
  const stage = req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined ? 'preflight' : 'request';
  const entry = { stage, target: 'api', request: { method: req.method, url: API + req.url, headers: pairs(req.rawHeaders) } };
  exchanges.push(entry);
  const headers = pairs(req.rawHeaders).filter(([n]) => !HOP.has(n.toLowerCase()));
  const upstream = http.request({ host: '127.0.0.1', port: SERVER_PORT, method: req.method, path: req.url, headers: headers.flat(), setHost: false, agent: false });
  upstream.on('response', (answer) => {
    const lines = pairs(answer.rawHeaders);
    entry.response = { status: answer.statusCode, headers: lines };
    entry.statusText = answer.statusMessage;
    res.sendDate = false;
    res.writeHead(answer.statusCode, answer.statusMessage, lines.filter(([n]) => !HOP.has(n.toLowerCase())).flat());
    const chunks = [];
    let kept = 0;
    let bytes = 0;
    answer.on('data', (chunk) => {
      bytes += chunk.length;
      if (kept < BODY_BYTES) {
        const part = chunk.subarray(0, BODY_BYTES - kept);
        chunks.push(part);
        kept += part.length;
      }
      res.write(chunk);
    });
    answer.on('end', () => {
      entry.body = { base64: Buffer.concat(chunks).toString('base64'), bytes, truncated: bytes > kept };
      res.end();
    });
    answer.on('error', () => res.destroy());
  });
  upstream.on('error', (err) => {
    entry.error = err.code ?? err.message;
    res.destroy();
  });
  req.pipe(upstream);
});

function waitForPort(port, ms) {
  const deadline = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error(`nothing listens on 127.0.0.1:${port} after ${ms} ms`));
        else setTimeout(attempt, 100);
      });
    };
    attempt();
  });
}

/**
 * Starts the stack's server for a scenario. A stack gives either `start(scenario, port)` (an
 * in-process server, resolving to { stop }) or `command(scenario, port)` ({ cmd, args, env, cwd }).
 */
async function startServer(scenario) {
  if (stack.start) return stack.start(scenario, SERVER_PORT);
  const { cmd, args = [], env = {}, cwd } = await stack.command(scenario, SERVER_PORT);
  const child = spawn(cmd, args, { cwd: cwd ?? path.join(here, stackName), env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    await Promise.race([waitForPort(SERVER_PORT, 30_000), exited.then((code) => Promise.reject(new Error(`${cmd} exited with ${code}:\n${output}`)))]);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return {
    output: () => output,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(timer);
      }
      // The port must be free before the next scenario starts.
      for (let i = 0; i < 50; i++) {
        const free = await new Promise((resolve) => {
          const s = net.connect(SERVER_PORT, '127.0.0.1');
          s.once('connect', () => (s.destroy(), resolve(false)));
          s.once('error', () => resolve(true));
        });
        if (free) break;
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
}

/** One call from the page, as the page would make it; resolves with its outcome. */
async function call(page, c) {
  return page.evaluate(async (c) => {
    const init = { method: c.method ?? 'GET', credentials: c.credentials ?? 'same-origin' };
    if (c.headers) init.headers = c.headers;
    if (c.body !== undefined) init.body = c.body;
    try {
      const r = await fetch(c.url, init);
      const text = await r.text().catch(() => '');
      return { ok: true, status: r.status, body: text.slice(0, 200) };
    } catch (e) {
      return { ok: false, error: String(e) };
    }
  }, c);
}

/** Runs a case's calls in a fresh browser context; returns what Chrome printed and what went by. */
async function runCalls(browser, theCase) {
  const context = await browser.newContext();
  if (theCase.cookie !== false && theCase.calls.some((c) => c.credentials === 'include')) {
    // The page's user is signed in: a cookie for the API's host, as a login would have left.
    await context.addCookies([{ name: 'session', value: 'recorded-session', domain: 'localhost', path: '/', sameSite: 'Lax' }]);
  }
  const page = await context.newPage();
  const consoleLines = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleLines.push(m.text());
  });
  let at;
  const results = [];
  for (const c of theCase.calls) {
    // A call may come from another page origin (\`page: 'http://127.0.0.1:5173'\`), as when the
    // developer opened the app on 127.0.0.1 before: the server's answers to it are history.
    const from = c.page ?? PAGE;
    if (from !== at) {
      await page.goto(from + '/');
      at = from;
    }
    take();
    const before = consoleLines.length;
    const outcome = await call(page, { ...c, url: (c.origin === 'elsewhere' ? ELSEWHERE : API) + c.path });
    // Chrome prints the CORS line a moment after the promise settles.
    await new Promise((r) => setTimeout(r, 300));
    const chrome = consoleLines.slice(before).filter((l) => !l.startsWith('Failed to load resource'));
    results.push({ call: c, outcome, chrome, exchanges: take() });
  }
  await context.close();
  return results;
}

function chromeVersion() {
  const r = spawnSync('/usr/bin/chromium', ['--version'], { encoding: 'utf8' });
  return (r.stdout || '').trim();
}

async function main() {
  await listen(pageServer, 5173, '127.0.0.1');
  // Also http://127.0.0.1:5173 and http://localhost:5174: other page origins for a call's \`page\`.
  const otherPage = await listen(http.createServer(pageServer.listeners('request')[0]), 5174, '127.0.0.1');
  await listen(capture, 8081, '127.0.0.1');
  await listen(elsewhere, 9000, '127.0.0.1');
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'corscope-record-'));
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    env: { ...process.env, HOME: home },
  });
  const out = path.join(root, 'test/fixtures/servers', `${stackName}.json`);
  const previous = fs.existsSync(out) ? JSON.parse(fs.readFileSync(out, 'utf8')) : undefined;
  const recorded = [];
  try {
    for (const theCase of cases) {
      process.stdout.write(`${theCase.name} ... `);
      const runs = {};
      for (const [label, scenario] of [['broken', theCase.scenario], ['fixed', theCase.fix?.scenario]]) {
        if (!scenario) continue;
        const server = await startServer(scenario);
        try {
          runs[label] = await runCalls(browser, theCase);
        } finally {
          await server.stop();
        }
      }
      const { scenario, fix, ...definition } = theCase;
      recorded.push({
        ...definition,
        scenario,
        calls: runs.broken,
        ...(fix ? { fix: { ...fix, calls: runs.fixed } } : {}),
      });
      const last = runs.broken.at(-1);
      const fixedLast = runs.fixed?.at(-1);
      console.log(`${last.chrome[0] ? 'blocked' : 'allowed'}${fixedLast ? `, fixed: ${fixedLast.chrome[0] ? `STILL BLOCKED: ${fixedLast.chrome[0]}` : 'allowed'}` : ''}`);
    }
  } finally {
    await browser.close();
    pageServer.close();
    otherPage.close();
    capture.close();
    elsewhere.close();
    fs.rmSync(home, { recursive: true, force: true });
  }
  // Re-recording some cases keeps the others.
  const kept = (previous?.cases ?? []).filter((c) => !recorded.some((r) => r.name === c.name) && stack.cases.some((s) => s.name === c.name));
  const order = new Map(stack.cases.map((c, i) => [c.name, i]));
  const all = [...kept, ...recorded].sort((a, b) => order.get(a.name) - order.get(b.name));
  const fixture = {
    stack: stack.stack,
    server: await stack.describe(),
    chromium: chromeVersion(),
    recorded: new Date().toISOString().slice(0, 10),
    page: PAGE,
    api: API,
    elsewhere: ELSEWHERE,
    cases: all,
  };
  fs.mkdirSync(path.dirname(out), { recursive: true });
  // Header lines stay one per line: [name, value].
  const text = JSON.stringify(fixture, null, 1).replace(/\[\n\s*("(?:[^"\\]|\\.)*"),\n\s*("(?:[^"\\]|\\.)*")\n\s*\]/g, '[$1, $2]');
  fs.writeFileSync(out, text + '\n');
  console.log(`wrote ${path.relative(root, out)} (${all.length} cases)`);
  process.exit(0);
}

main().catch((err) => {
  console.error(err.stack ?? String(err));
  process.exit(1);
});
