#!/usr/bin/env node
/**
 * Records which Set-Cookie lines real Chromium stores, and sends back, into
 * test/fixtures/chrome-cookies.json (the cases are ./cases.mjs):
 *
 *   npm run build && node test/browser/cookies/record.mjs [--out FILE] [case-id ...]
 *
 * Re-runs itself in a network namespace with only loopback (`unshare --net --kill-child`, needs
 * root), so its fixed ports collide with nothing and nothing leaves the machine; the names
 * *.example.com, *.example.co.uk and *.example.test are mapped to 127.0.0.1 inside Chromium
 * (--host-resolver-rules) to see Chrome's rules for hosts that are not localhost.
 * In there: pages on ports 5173 (http) and 5443 (https, the self-signed localhost certificate of
 * test/proxy/tls), the endpoints on 8081 (http) and 8443 (https), every port on 127.0.0.1 and ::1.
 * Each case runs in a regular profile that allows third-party cookies, its jar emptied (and, when
 * marked `incognito`, in an off-the-record context too, which blocks them): the page fetches the case's URL
 * with credentials, whose answer carries the Set-Cookie line (and CORS headers that let the page
 * read it); then it fetches `next` and `alsoAt` with credentials. Kept per case: whether Chromium
 * stored the cookie (context.cookies()), the reasons it gave for refusing it (DevTools'
 * Network.responseReceivedExtraInfo blockedCookies), the Cookie header each later request carried,
 * and the set request's Origin and Sec-Fetch-* lines.
 * Cases with `through` serve the line as corscope's cookiesOf rewrites it (dist/, so build first).
 *
 * Needs /usr/bin/chromium (apt-get install -y chromium; CORSCOPE_CHROMIUM=/path points elsewhere),
 * driven by playwright-core; never a browser download.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { cases as allCases } from './cases.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
const CHROMIUM = process.env.CORSCOPE_CHROMIUM || '/usr/bin/chromium';

const { values: flags, positionals: only } = parseArgs({
  allowPositionals: true,
  options: { out: { type: 'string', default: path.join(root, 'test/fixtures/chrome-cookies.json') } },
});

if (process.env.CORSCOPE_NETNS !== '1') {
  const inner = `ip link set lo up && exec ${[process.execPath, ...process.argv.slice(1)].map((a) => JSON.stringify(a)).join(' ')}`;
  const r = spawnSync('unshare', ['--net', '--kill-child', 'sh', '-c', inner], { stdio: 'inherit', env: { ...process.env, CORSCOPE_NETNS: '1' } });
  process.exit(r.status ?? 1);
}

const cases = allCases.filter((c) => only.length === 0 || only.includes(c.id));
if (cases.length === 0) {
  console.error(`no case named ${only.join(', ')}`);
  process.exit(2);
}
const { cookiesOf, cookieTargetOf } = await import(pathToFileURL(path.join(root, 'dist/cookies/index.js')).href);

/** What the servers saw for the case being run. */
let seen = { id: '', line: '', setRequest: [], cookies: [] };
const NOTED = new Set(['origin', 'sec-fetch-site', 'sec-fetch-mode', 'sec-fetch-dest']);

function handle(scheme) {
  return (req, res) => {
    const url = new URL(req.url, `${scheme}://${req.headers.host}`);
    const cors = req.headers.origin ? [['Access-Control-Allow-Origin', req.headers.origin], ['Access-Control-Allow-Credentials', 'true'], ['Vary', 'Origin']] : [];
    const head = (lines) => res.writeHead(200, [...cors, ['Cache-Control', 'no-store'], ...lines].flat());
    if (url.pathname === '/page') {
      head([['Content-Type', 'text/html; charset=utf-8']]);
      res.end('<!doctype html><title>page</title><p>page');
      return;
    }
    if (url.searchParams.get('case') === seen.id && url.pathname.endsWith('/login')) {
      const lines = [];
      for (let i = 0; i < req.rawHeaders.length; i += 2) if (NOTED.has(req.rawHeaders[i].toLowerCase())) lines.push([req.rawHeaders[i], req.rawHeaders[i + 1]]);
      seen.setRequest = lines;
      head([['Content-Type', 'text/plain'], ['X-Cookie-Case', seen.id], ['Set-Cookie', seen.line]]);
      res.end('set');
      return;
    }
    seen.cookies.push({ url: `${url.origin}${url.pathname}`, cookie: req.headers.cookie ?? null });
    head([['Content-Type', 'application/json']]);
    res.end(JSON.stringify({ cookie: req.headers.cookie ?? null }));
  };
}

const tls = { key: fs.readFileSync(path.join(root, 'test/proxy/tls/key.pem')), cert: fs.readFileSync(path.join(root, 'test/proxy/tls/cert.pem')) };
const servers = [];
async function listen(make, port) {
  for (const host of ['127.0.0.1', '::1']) {
    const server = make();
    await new Promise((resolve, reject) => {
      server.once('error', (err) => (host === '::1' ? resolve() : reject(err)));
      server.listen(port, host, () => resolve());
    });
    servers.push(server);
  }
}
await listen(() => http.createServer(handle('http')), 5173);
await listen(() => http.createServer(handle('http')), 8081);
await listen(() => https.createServer(tls, handle('https')), 5443);
await listen(() => https.createServer(tls, handle('https')), 8443);

// The suite's flags (test/browser/harness/chromium.ts): every cookie and CORS feature at Chrome's default.
const DISABLED = ['DestroyProfileOnBrowserClose', 'HttpsUpgrades', 'HttpsFirstBalancedModeAutoEnable', 'LensOverlay', 'MediaRouter', 'OptimizationHints', 'NetworkTimeServiceQuerying', 'AimEnabled', 'PreconnectToSearch'];
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'corscope-cookies-'));
const launchOptions = {
  executablePath: CHROMIUM,
  headless: true,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    `--disable-features=${DISABLED.join(',')}`,
    '--host-resolver-rules=MAP *.example.com 127.0.0.1, MAP *.example.co.uk 127.0.0.1, MAP *.example.test 127.0.0.1',
  ],
  env: { ...process.env, HOME: scratch, TMPDIR: scratch, XDG_CONFIG_HOME: scratch, XDG_CACHE_HOME: scratch },
};
// A developer's Chrome: a regular profile that allows third-party cookies (Settings > Privacy >
// Third-party cookies > Allow; a fresh profile of Debian's Chromium blocks them and refuses every
// cross-site cookie with UserPreferences before SameSite is looked at), its jar emptied before each
// case. Playwright's newContext() is an off-the-record profile like Incognito, which blocks
// third-party cookies: the cases marked `incognito` run there too.
const profile = path.join(scratch, 'profile');
fs.mkdirSync(path.join(profile, 'Default'), { recursive: true });
fs.writeFileSync(path.join(profile, 'Default/Preferences'), JSON.stringify({ profile: { cookie_controls_mode: 0 } }));
const regular = await chromium.launchPersistentContext(profile, { ...launchOptions, ignoreHTTPSErrors: true });
const incognitoBrowser = await chromium.launch(launchOptions);
const version = incognitoBrowser.version();

async function run(c, profile) {
  let served = c.setCookie;
  if (c.through) {
    const outcome = cookiesOf([['Set-Cookie', c.setCookie]], { ...cookieTargetOf(c.through), browserUrl: c.url }, true);
    served = outcome ? outcome.headers[0][1] : c.setCookie;
  }
  seen = { id: c.id, line: served, setRequest: [], cookies: [] };
  const context = profile === 'regular' ? regular : await incognitoBrowser.newContext({ ignoreHTTPSErrors: true });
  if (profile === 'regular') await context.clearCookies();
  const page = await context.newPage();
  try {
    const cdp = await context.newCDPSession(page);
    const blocked = [];
    cdp.on('Network.responseReceivedExtraInfo', (e) => {
      const mark = Object.entries(e.headers ?? {}).find(([k]) => k.toLowerCase() === 'x-cookie-case');
      if (mark?.[1] === c.id) for (const b of e.blockedCookies ?? []) blocked.push(...b.blockedReasons);
    });
    await cdp.send('Network.enable');
    await page.goto(`${c.page}/page`);
    const next = c.next ?? `${new URL(c.url).origin}/me`;
    const set = `${c.url}?case=${encodeURIComponent(c.id)}`;
    const fetched = await page.evaluate(async ({ set, checks }) => {
      try {
        const r = await fetch(set, { credentials: 'include' });
        await r.text();
        for (const u of checks) await (await fetch(u, { credentials: 'include' })).text();
        return 'ok';
      } catch (err) {
        return String(err);
      }
    }, { set, checks: [next, ...(c.alsoAt ?? [])] });
    await new Promise((r) => setTimeout(r, 150)); // the extra-info event may trail the body
    const stored = (await context.cookies()).map(({ name, domain, path: p, secure, sameSite, partitionKey }) => ({
      name,
      domain,
      path: p,
      secure,
      sameSite,
      ...(partitionKey !== undefined && { partitionKey }),
    }));
    const sent = {};
    for (const u of [next, ...(c.alsoAt ?? [])]) sent[u] = seen.cookies.find((s) => s.url === u)?.cookie ?? null;
    return {
      id: profile === 'regular' ? c.id : `${c.id}@incognito`,
      what: c.what,
      profile,
      page: c.page,
      url: c.url,
      setCookie: c.setCookie,
      ...(c.through && { through: c.through, served }),
      ...(fetched !== 'ok' && { fetchError: fetched }),
      setRequest: seen.setRequest,
      stored: stored.length > 0,
      storedAs: stored,
      blockedReasons: [...new Set(blocked)],
      sent,
    };
  } finally {
    await page.close();
    if (profile !== 'regular') await context.close();
  }
}

const results = [];
try {
  for (const c of cases) {
    for (const profile of c.incognito ? ['regular', 'incognito'] : ['regular']) {
      const r = await run(c, profile);
      results.push(r);
      console.log(`${r.stored ? 'stored ' : 'REFUSED'} ${r.id}${r.blockedReasons.length ? ` (${r.blockedReasons.join(', ')})` : ''}${r.fetchError ? ` fetch: ${r.fetchError}` : ''}`);
    }
  }
} finally {
  await regular.close();
  await incognitoBrowser.close();
  for (const s of servers) s.close();
  fs.rmSync(scratch, { recursive: true, force: true });
}

const fixture = {
  browser: `Chromium ${version} (${CHROMIUM}, headless, driven by playwright-core)`,
  recorded: new Date().toISOString().slice(0, 10),
  how: 'node test/browser/cookies/record.mjs (cases: test/browser/cookies/cases.mjs)',
  cases: results,
};
if (only.length > 0) console.log(JSON.stringify(results, null, 2));
else fs.writeFileSync(flags.out, `${JSON.stringify(fixture, null, 2)}\n`);
