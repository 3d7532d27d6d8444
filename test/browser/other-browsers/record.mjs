#!/usr/bin/env node
/**
 * Records what real Firefox (Debian `firefox-esr`) and real WebKit (Debian WebKitGTK's MiniBrowser,
 * the engine and wording of Safari) print for oracle cases, and the exact exchanges each browser
 * sent, so that corscope's Firefox and Safari rules can be checked against them.
 *
 *   node test/browser/other-browsers/record.mjs [--browsers firefox,webkit] [--cases FILE] [--via-corscope] [--out FILE] [case-id ...]
 *
 * The cases are the definitions of test/fixtures/chrome-oracle.json (all 81 without ids). The script
 * re-runs itself in a network namespace with only loopback (`unshare --net`, needs root) under
 * `xvfb-run`, so nothing can leave the machine whatever the browsers try at start-up; Firefox also
 * gets a profile whose prefs turn its background services off (user.js here).
 * Output (stdout or --out): per case and browser, `lines` (ports as {PAGE_PORT}, {API_PORT},
 * {API2_PORT}), `jsOutcome`, and `exchanges`: every request that reached the scripted servers, raw
 * header lines in order, with the answer it got.
 * Needs: apt-get install -y firefox-esr libwebkit2gtk-4.1-0 xvfb xauth; Node with
 * --experimental-websocket (Node 20) or Node >= 22 for Firefox's WebDriver BiDi.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = path.dirname(fileURLToPath(import.meta.url));
const FIREFOX = '/usr/bin/firefox-esr';
const MINIBROWSER = `/usr/lib/${os.arch() === 'arm64' ? 'aarch64' : 'x86_64'}-linux-gnu/webkit2gtk-4.1/MiniBrowser`;
const CASE_TIMEOUT_MS = 15_000;

const { values: flags, positionals: only } = parseArgs({
  allowPositionals: true,
  options: {
    browsers: { type: 'string', default: 'firefox,webkit' },
    out: { type: 'string' },
    'page-client': { type: 'string' },
    cases: { type: 'string', default: 'chrome-oracle.json' },
    // corscope (the build in dist/) stands between the page and the API, as a developer runs it;
    // its records (with the browsers field on every one) are kept beside what the browser printed.
    'via-corscope': { type: 'boolean', default: false },
  },
});

if (process.env.CORSCOPE_NETNS !== '1') {
  // Loopback only, and a virtual display for the MiniBrowser.
  const node = [process.execPath, ...(typeof WebSocket === 'undefined' ? ['--experimental-websocket'] : []), ...process.argv.slice(1)];
  const inner = `ip link set lo up && exec xvfb-run -a ${node.map((a) => JSON.stringify(a)).join(' ')}`;
  // --kill-child: when this process is stopped (a test's timeout), nothing it started lives on.
  const r = spawnSync('unshare', ['--net', '--kill-child', 'sh', '-c', inner], { stdio: 'inherit', env: { ...process.env, CORSCOPE_NETNS: '1' } });
  process.exit(r.status ?? 1);
}

// --cases: a file of the same shape, or its name in test/fixtures (chrome-edge-cases.json has 106 more).
const casesFile = fs.existsSync(flags.cases) ? flags.cases : path.join(here, '../../fixtures', flags.cases);
const fixture = JSON.parse(fs.readFileSync(casesFile, 'utf8'));
const definitions = fixture.cases.map((c) => c.definition).filter((d) => only.length === 0 || only.includes(d.id));
// The page's call runs the suite's own page client (test/browser/harness/page-client.ts), given as source.
const pageClientSource = flags['page-client'] ? fs.readFileSync(flags['page-client'], 'utf8') : defaultPageClient();

const expand = (value, tokens) => value.replace(/\{([A-Z0-9_]+)\}/g, (m, name) => (Object.hasOwn(tokens, name) ? tokens[name] : m));

function listen(handler) {
  return new Promise((resolve, reject) => {
    const server = http.createServer(handler);
    server.on('clientError', (err, socket) => onRawRequest(server, err, socket));
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}
const portOf = (server) => server.address().port;

/** The scripted answer (as test/browser/harness/upstream.ts writes it): duplicates stay separate lines. */
function answer(routes, tokens, method, urlPath, origin) {
  const route = routes && Object.hasOwn(routes, urlPath) ? routes[urlPath] : undefined;
  const spec = method === 'OPTIONS' ? (route?.preflight ?? { status: 405, headers: [], body: 'no preflight scripted' }) : (route?.main ?? { status: 404, headers: [], body: 'no route scripted' });
  const local = { ...tokens, ORIGIN: origin ?? '' };
  const status = spec.status ?? 200;
  const scripted = (spec.headers ?? []).map(([k, v]) => [k, expand(String(v), local)]);
  const noBody = status === 204 || status === 304 || (status >= 100 && status < 200);
  const body = noBody ? '' : expand(spec.body ?? `${method} ${urlPath} -> ${status}`, local);
  const has = (n) => scripted.some(([k]) => k.toLowerCase() === n);
  const wire = scripted.slice();
  if (!noBody && !has('content-type')) wire.push(['Content-Type', 'text/plain; charset=utf-8']);
  if (!noBody && !has('content-length')) wire.push(['Content-Length', String(Buffer.byteLength(body))]);
  if (!has('cache-control')) wire.push(['Cache-Control', 'no-store']);
  return { status, wire, body, scripted };
}

function apiHandler(name, routes, tokens, exchanges) {
  const handler = (req, res) => {
    req.resume();
    req.on('end', () => {
      const urlPath = (req.url ?? '/').split('?')[0];
      const rawHeaders = [];
      for (let i = 0; i < req.rawHeaders.length; i += 2) rawHeaders.push([req.rawHeaders[i], req.rawHeaders[i + 1]]);
      const a = answer(routes, tokens, req.method, urlPath, req.headers.origin);
      exchanges.push({ server: name, method: req.method, path: urlPath, rawHeaders, response: { status: a.status, headers: a.scripted } });
      res.writeHead(a.status, a.wire.flat());
      res.end(req.method === 'HEAD' ? undefined : a.body);
    });
  };
  handler.raw = { name, routes, tokens, exchanges };
  return handler;
}

/** A method Node's parser refuses in that spelling (a lowercase `patch`): answered on the socket. */
function onRawRequest(server, err, socket) {
  const raw = err.rawPacket?.toString('latin1') ?? '';
  const ctx = server.listeners('request')[0]?.raw;
  const start = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+) (\S+) HTTP\/1\.[01]\r\n/.exec(raw);
  const headEnd = raw.indexOf('\r\n\r\n');
  if (!ctx || !start || headEnd < 0 || !socket.writable) return socket.destroy();
  const rawHeaders = raw.slice(0, headEnd).split('\r\n').slice(1).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]);
  const origin = rawHeaders.find(([k]) => k.toLowerCase() === 'origin')?.[1];
  const urlPath = start[2].split('?')[0];
  const a = answer(ctx.routes, ctx.tokens, start[1], urlPath, origin);
  ctx.exchanges.push({ server: ctx.name, method: start[1], path: urlPath, rawHeaders, response: { status: a.status, headers: a.scripted } });
  socket.end(`HTTP/1.1 ${a.status} ${http.STATUS_CODES[a.status] ?? 'Status'}\r\n${a.wire.map(([k, v]) => `${k}: ${v}\r\n`).join('')}Connection: close\r\n\r\n${a.body}`);
}

/** The page: it sets the case's cookie, makes the call on load and logs a done-marker with the outcome. */
function pageHtml(call, cookies) {
  const script =
    `${cookies ? "document.cookie = 'oracle_sid=localhost-cookie; SameSite=Lax; path=/';" : ''}` +
    `const pageClient = ${pageClientSource};` +
    `addEventListener('load', () => setTimeout(async () => { let r; try { r = await pageClient(${JSON.stringify(call)}); } catch (e) { r = { error: String(e) }; }` +
    ` console.log('CORSCOPE-DONE ' + JSON.stringify(r)); }, 20));`;
  return `<!doctype html><html><head><meta charset="utf-8"><title>corscope page</title></head><body><script>${script}</script></body></html>`;
}

async function startCase(def) {
  const exchanges = [];
  const tokens = {};
  const page = await listen((req, res) => {
    const p = (req.url ?? '/').split('?')[0];
    if (p === '/sandboxed') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
      return res.end('<!doctype html><iframe sandbox="allow-scripts" src="/frame"></iframe>');
    }
    if (p !== '/' && p !== '/frame') return res.writeHead(404).end();
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(pageHtml(tokens.CALL, def.cookies !== false && p === '/'));
  });
  const api = await listen(apiHandler('api', def.server.api, tokens, exchanges));
  const api2 = await listen(apiHandler('api2', def.server.api2, tokens, exchanges));
  const [pageHost, apiHost, api2Host] = [def.pageHost ?? 'localhost', def.apiHost ?? 'localhost', def.api2Host ?? 'localhost'];
  const records = [];
  let corscope;
  if (flags['via-corscope']) {
    const { createCorscope } = await import(new URL('../../../dist/index.js', import.meta.url).href);
    // As a developer would run it for an XMLHttpRequest page: --initiator xhr.
    corscope = createCorscope({ target: `http://127.0.0.1:${portOf(api)}`, port: 0, host: '127.0.0.1', browsers: true, closeTimeoutMs: 500, ...(def.client.api === 'xhr' ? { initiator: 'xhr' } : {}) });
    corscope.on('exchange', (record) => records.push({ url: record.url, stage: record.stage, verdict: record.verdict, chrome: record.chrome?.message ?? null, browsers: record.browsers ?? null }));
    await corscope.listen();
  }
  const apiPort = corscope ? corscope.port : portOf(api);
  Object.assign(tokens, {
    PAGE: `http://${pageHost}:${portOf(page)}`, PAGE_PORT: String(portOf(page)),
    API: `http://${apiHost}:${apiPort}`, API_PORT: String(apiPort), API_HOSTPORT: `${apiHost}:${apiPort}`,
    API2: `http://${api2Host}:${portOf(api2)}`, API2_PORT: String(portOf(api2)), API2_HOSTPORT: `${api2Host}:${portOf(api2)}`,
  });
  const pairs = (list) => list?.map(([k, v]) => [k, expand(String(v), tokens)]);
  const { andThen, ...rest } = def.client;
  tokens.CALL = {
    ...rest, api: def.client.api ?? 'fetch', url: expand(def.client.url, tokens), callTimeoutMs: 8000,
    ...(def.client.headers ? { headers: pairs(def.client.headers) } : {}),
    ...(typeof def.client.body === 'string' ? { body: expand(def.client.body, tokens) } : {}),
    ...(andThen ? { andThen: andThen.map((o) => ({ ...o, ...(o.url ? { url: expand(o.url, tokens) } : {}), ...(o.headers ? { headers: pairs(o.headers) } : {}) })) } : {}),
  };
  const ports = { PAGE_PORT: portOf(page), API_PORT: apiPort, API2_PORT: portOf(api2) };
  return {
    url: `${tokens.PAGE}${def.context === 'sandboxed-iframe' ? '/sandboxed' : '/'}`,
    ports,
    // Behind corscope, the API the browser sees (and the URL in its lines) is corscope's.
    origins: { page: tokens.PAGE, api: `http://${apiHost}:${apiPort}`, api2: `http://${api2Host}:${portOf(api2)}` },
    exchanges,
    records,
    close: async () => {
      await corscope?.close();
      await Promise.all([page, api, api2].map((s) => new Promise((r) => { s.closeAllConnections(); s.close(() => r()); })));
    },
  };
}

const normalize = (text, ports) => Object.entries(ports).reduce((t, [name, port]) => t.replace(new RegExp(`:${port}(?![0-9])`, 'g'), `:{${name}}`), text);

function outcomeOf(result) {
  if (!result || result.error) return `page error ${result?.error ?? 'timeout'}`;
  return result.calls.map((c) => (c.events ? (c.ok ? `load ${c.status}` : `error ${c.status}`) : c.ok ? `resolved ${c.status}` : 'rejected')).join('; ');
}

/** WebKit: one MiniBrowser per case, fresh HOME; its console lines come on stdout/stderr. */
async function runWebKit(def) {
  const run = await startCase(def);
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'corscope-webkit-'));
  const lines = [];
  let result;
  try {
    await new Promise((resolve) => {
      const mb = spawn(MINIBROWSER, ['--enable-write-console-messages-to-stdout=true', run.url], { env: { ...process.env, HOME: home, XDG_CACHE_HOME: home, XDG_DATA_HOME: home } });
      let buffer = '';
      const timer = setTimeout(() => { mb.kill('SIGKILL'); resolve(); }, CASE_TIMEOUT_MS);
      const onData = (chunk) => {
        buffer += chunk;
        let nl;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + 1);
          const error = /CONSOLE [A-Z]+ ERROR (.*)$/.exec(line);
          if (error) lines.push(error[1]);
          const done = /CONSOLE LOG CORSCOPE-DONE (.*)$/.exec(line);
          if (done) {
            result = JSON.parse(done[1]);
            clearTimeout(timer);
            mb.kill('SIGKILL');
            resolve();
          }
        }
      };
      mb.stdout.on('data', onData);
      mb.stderr.on('data', onData);
      mb.on('exit', () => { clearTimeout(timer); resolve(); });
    });
  } finally {
    await run.close();
    fs.rmSync(home, { recursive: true, force: true });
  }
  return result_(lines, result, run);
}

function result_(lines, result, run) {
  return {
    lines: lines.map((l) => normalize(l, run.ports)),
    jsOutcome: outcomeOf(result),
    ports: run.ports,
    origins: run.origins,
    exchanges: run.exchanges,
    ...(flags['via-corscope'] ? { records: run.records.map((r) => JSON.parse(normalize(JSON.stringify(r), run.ports))) } : {}),
  };
}

/** Firefox: one headless process, WebDriver BiDi; a new user context (cookies, caches) per case. */
async function openFirefox() {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'corscope-firefox-'));
  fs.copyFileSync(path.join(here, 'user.js'), path.join(profile, 'user.js'));
  const ff = spawn(FIREFOX, ['--headless', '--no-remote', '--profile', profile, '--remote-debugging-port=0', 'about:blank'], {
    env: { ...process.env, MOZ_REMOTE_SETTINGS_DEVTOOLS: '1' },
  });
  // Firefox goes with this script, however it ends.
  process.on('exit', () => ff.kill('SIGKILL'));
  for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => process.exit(1));
  const endpoint = await new Promise((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`Firefox did not start: ${err}`)), 60_000);
    ff.stderr.on('data', (d) => {
      err += d;
      const m = /WebDriver BiDi listening on (ws:\/\/\S+)/.exec(err);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
  });
  const ws = new WebSocket(`${endpoint}/session`);
  await new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = reject; });
  let id = 0;
  const pending = new Map();
  const listeners = new Set();
  ws.onmessage = (event) => {
    const message = JSON.parse(event.data);
    if (message.id !== undefined && pending.has(message.id)) {
      const { resolve, reject } = pending.get(message.id);
      pending.delete(message.id);
      if (message.type === 'error') reject(new Error(`${message.error}: ${message.message}`));
      else resolve(message.result);
    } else if (message.type === 'event') for (const listener of listeners) listener(message);
  };
  const send = (method, params) => new Promise((resolve, reject) => { const n = ++id; pending.set(n, { resolve, reject }); ws.send(JSON.stringify({ id: n, method, params })); });
  await send('session.new', { capabilities: {} });
  await send('session.subscribe', { events: ['log.entryAdded'] });
  return {
    send,
    listeners,
    close: async () => { try { await send('browser.close', {}); } catch { /* gone */ } ff.kill('SIGKILL'); fs.rmSync(profile, { recursive: true, force: true }); },
  };
}

async function runFirefox(firefox, def) {
  const run = await startCase(def);
  const lines = [];
  let result;
  const { userContext } = await firefox.send('browser.createUserContext', {});
  const { context } = await firefox.send('browsingContext.create', { type: 'tab', userContext });
  try {
    await new Promise((resolve) => {
      const timer = setTimeout(resolve, CASE_TIMEOUT_MS);
      const listener = ({ method, params }) => {
        if (method !== 'log.entryAdded' || params.source?.context === undefined) return;
        if (params.level === 'error' && params.type !== 'console') lines.push(params.text);
        if (params.type === 'console' && typeof params.text === 'string' && params.text.startsWith('CORSCOPE-DONE ')) {
          result = JSON.parse(params.text.slice('CORSCOPE-DONE '.length));
          clearTimeout(timer);
          // The last lines of a failed call come with the rejection; let them land.
          setTimeout(resolve, 150);
        }
      };
      firefox.listeners.add(listener);
      firefox.send('browsingContext.navigate', { context, url: run.url, wait: 'none' }).catch(() => {});
      timer.unref?.();
      resolve.cleanup = () => firefox.listeners.delete(listener);
    }).finally(() => firefox.listeners.clear());
  } finally {
    await firefox.send('browsingContext.close', { context }).catch(() => {});
    await firefox.send('browser.removeUserContext', { userContext }).catch(() => {});
    await run.close();
  }
  return result_(lines, result, run);
}

/**
 * A page client for standalone runs, when the suite's (test/browser/harness/page-client.ts) is not
 * given: fetch or XHR, with `repeat`, `repeatDelayMs` and `andThen` as the suite's does them.
 */
function defaultPageClient() {
  return `async function (call) {
    const one = (c) => c.api === 'xhr' ? new Promise((resolve) => { const x = new XMLHttpRequest(); const events = [];
        x.open(c.method || 'GET', c.url, true); if (c.withCredentials) x.withCredentials = true;
        for (const [k, v] of c.headers || []) x.setRequestHeader(k, v);
        for (const e of ['load', 'error', 'abort', 'loadend']) x.addEventListener(e, () => { events.push(e); if (e === 'loadend') resolve({ ok: events.includes('load'), status: x.status, events }); });
        x.send(c.body ?? null); })
      : (async () => { try { const init = { method: c.method || 'GET' }; for (const k of ['headers', 'credentials', 'mode', 'body', 'redirect', 'cache']) if (c[k] !== undefined) init[k] = c[k];
          const r = await fetch(c.url, init); await r.text().catch(() => ''); return { ok: true, status: r.status };
        } catch (e) { return { ok: false, error: String(e) }; } })();
    const base = { ...call }; delete base.andThen;
    const plan = []; for (let i = 0; i < (call.repeat || 1); i++) plan.push(base);
    for (const over of call.andThen || []) plan.push({ ...base, ...over });
    const calls = [];
    for (let i = 0; i < plan.length; i++) { if (i > 0 && call.repeatDelayMs) await new Promise((r) => setTimeout(r, call.repeatDelayMs)); calls.push(await one(plan[i])); }
    return { calls };
  }`;
}

const wanted = flags.browsers.split(',');
const out = { recordedAt: new Date().toISOString(), versions: {}, cases: [] };
let firefox;
try {
  if (wanted.includes('firefox')) {
    firefox = await openFirefox();
    out.versions.firefox = spawnSync(FIREFOX, ['--version']).stdout.toString().trim();
  }
  if (wanted.includes('webkit')) out.versions.webkit = 'WebKitGTK MiniBrowser (libwebkit2gtk-4.1-0)';
  for (const def of definitions) {
    const entry = { id: def.id };
    if (firefox) entry.firefox = await runFirefox(firefox, def);
    if (wanted.includes('webkit')) entry.webkit = await runWebKit(def);
    out.cases.push(entry);
    process.stderr.write(`${def.id}: ${Object.keys(entry).filter((k) => k !== 'id').map((b) => `${b} ${entry[b].lines.length} line(s)`).join(', ')}\n`);
  }
} finally {
  await firefox?.close();
}
const text = JSON.stringify(out, null, 1) + '\n';
if (flags.out) fs.writeFileSync(flags.out, text);
else process.stdout.write(text);
