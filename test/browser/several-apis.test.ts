/**
 * Issue 17, live: one corscope in front of two APIs (each on its own port, so each keeps its own
 * origin), a page on another origin calling both, and redirects from one to the other. Chrome's
 * console is the judge: every CORS line it prints is the `chrome.message` of the record corscope
 * wrote for that hop (with "(redirected from …)" and the page's origin although the hop carried
 * `Origin: null`), a call Chrome lets through has no blocked record, and each record names its target.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCorscope, type CorscopeServer, type ExchangeRecord } from '../../src/index.js';
import { startDemoServers } from '../../src/demo/run.js';
import { isCorsLine } from './harness/cases.js';
import { describeRecords } from './harness/corscope.js';
import { chromiumOrReport, useBrowser } from './harness/suite.js';
import { listenLoopback, type Listening } from './harness/upstream.js';

type Answer = { status: number; headers: [string, string][] };
type Script = Record<string, (req: IncomingMessage) => Answer>;

/** A scripted API: each path answers as written; a preflight to a path it knows gets its headers too. */
function api(script: () => Script): http.RequestListener {
  return (req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    const path = (req.url ?? '/').split('?')[0]!;
    const route = script()[path];
    const answer = route ? route(req) : { status: 404, headers: [] };
    res.writeHead(answer.status, answer.headers.flat());
    res.end(answer.status === 204 || (answer.status >= 300 && answer.status < 400) ? '' : '{"ok":true}');
  };
}

const chromium = chromiumOrReport();

if (chromium) {
  const browser = useBrowser(chromium);
  let page = '';
  const servers: Listening[] = [];
  /** Listens on loopback (both 127.0.0.1 and ::1, a port Chrome allows); closed after the file. */
  const serve = async (handler: http.RequestListener): Promise<number> => {
    const listening = await listenLoopback(handler);
    servers.push(listening);
    return listening.port;
  };
  /** A scripted API on loopback: its origin as corscope's target names it. */
  const apiAt = async (script: () => Script): Promise<string> => `http://127.0.0.1:${await serve(api(script))}`;
  let targetA = '';
  let targetB = '';
  let elsewhereUrl = '';
  const records: ExchangeRecord[] = [];
  let corscope: CorscopeServer;
  let patched: CorscopeServer;
  const patchedRecords: ExchangeRecord[] = [];

  /** The page origin's lines: the APIs allow it, and with credentials. */
  const allowPage = (): [string, string][] => [['Access-Control-Allow-Origin', page], ['Access-Control-Allow-Credentials', 'true'], ['Vary', 'Origin']];

  beforeAll(async () => {
    const pagePort = await serve((req, res) => {
      req.resume();
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end('<!doctype html><title>two APIs</title>');
    });
    page = `http://localhost:${pagePort}`;
    targetB = await apiAt(() => ({
      '/me': () => ({ status: 200, headers: allowPage() }),
      // The sign-in page allows the page's origin, not the `null` a cross-origin redirect leaves.
      '/login': () => ({ status: 200, headers: allowPage() }),
      '/login-null': () => ({ status: 200, headers: [['Access-Control-Allow-Origin', 'null'], ['Access-Control-Allow-Credentials', 'true']] }),
      // Preflighted calls: the preflight (and the call) allow the page's origin only, or null too.
      '/items': () => ({ status: 204, headers: [...allowPage(), ['Access-Control-Allow-Methods', 'PUT'], ['Access-Control-Allow-Headers', 'content-type']] }),
      '/items-null': (req) => ({ status: 204, headers: [['Access-Control-Allow-Origin', req.headers.origin ?? ''], ['Access-Control-Allow-Credentials', 'true'], ['Access-Control-Allow-Methods', 'PUT'], ['Access-Control-Allow-Headers', 'content-type']] }),
    }));
    elsewhereUrl = await apiAt(() => ({ '/login': () => ({ status: 200, headers: [] }) }));
    targetA = await apiAt(() => ({
      '/data': () => ({ status: 200, headers: allowPage() }),
      // A redirect to B's own address: corscope points it at its listener for B.
      '/to-b': () => ({ status: 302, headers: [...allowPage(), ['Location', `${targetB}/login?next=%2Fto-b`]] }),
      '/to-b-null': () => ({ status: 302, headers: [...allowPage(), ['Location', `${targetB}/login-null`]] }),
      '/to-elsewhere': () => ({ status: 302, headers: [...allowPage(), ['Location', `${elsewhereUrl}/login`]] }),
      // A PUT the API moved to B (307 keeps the method and body): Chrome preflights again at B, with Origin null.
      '/move': (req) => (req.method === 'OPTIONS'
        ? { status: 204, headers: [...allowPage(), ['Access-Control-Allow-Methods', 'PUT'], ['Access-Control-Allow-Headers', 'content-type']] }
        : { status: 307, headers: [...allowPage(), ['Location', `${targetB}/items`]] }),
      '/move-null': (req) => (req.method === 'OPTIONS'
        ? { status: 204, headers: [...allowPage(), ['Access-Control-Allow-Methods', 'PUT'], ['Access-Control-Allow-Headers', 'content-type']] }
        : { status: 307, headers: [...allowPage(), ['Location', `${targetB}/items-null`]] }),
    }));
    corscope = createCorscope({ targets: [targetA, targetB], port: 0, closeTimeoutMs: 500 });
    corscope.on('exchange', (r) => records.push(r));
    await corscope.listen();
    patched = createCorscope({ targets: [targetA, targetB], port: 0, patch: true, closeTimeoutMs: 500 });
    patched.on('exchange', (r) => patchedRecords.push(r));
    await patched.listen();
  });
  afterAll(async () => {
    await Promise.all([corscope?.close(), patched?.close()]);
    await Promise.all(servers.map((s) => s.close()));
  });

  /** Calls `url` from the page with credentials; Chrome's CORS lines and whether the call resolved. */
  async function call(b: Browser, url: string, init: { method?: string; json?: boolean } = {}): Promise<{ lines: string[]; ok: boolean; status?: number }> {
    const context = await b.newContext();
    try {
      const tab = await context.newPage();
      const errors: string[] = [];
      tab.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      await tab.goto(page);
      const result = await tab.evaluate(async ({ u, method, json }) => {
        try {
          const res = await fetch(u, { credentials: 'include', method, ...(json ? { headers: { 'content-type': 'application/json' }, body: '{}' } : {}) });
          return { ok: true, status: res.status };
        } catch {
          return { ok: false };
        }
      }, { u: url, method: init.method ?? 'GET', json: init.json ?? false });
      // Console messages arrive on their own channel: give them a moment.
      await tab.waitForTimeout(200);
      return { lines: errors.filter(isCorsLine), ...result };
    } finally {
      await context.close();
    }
  }

  /** The fronts of a corscope as the page calls them (`localhost`, each target's port). */
  const fronts = (cs: CorscopeServer) => cs.listening.map(({ port }) => `http://localhost:${port}`);
  const settle = () => new Promise((r) => setTimeout(r, 100));

  describe(`Chromium ${chromium.version}: one corscope, two APIs, and the redirects between them`, () => {
    it('the page calls both APIs through one corscope; each record names its target', async () => {
      const [a, b] = fronts(corscope);
      records.length = 0;
      const first = await call(browser(), `${a}/data`);
      const second = await call(browser(), `${b}/me`);
      await settle();
      expect([first.ok, second.ok, first.lines, second.lines]).toEqual([true, true, [], []]);
      expect(records.map((r) => [r.url, r.verdict, r.target])).toEqual([
        [`${a}/data`, 'allowed', `${targetA}/`],
        [`${b}/me`, 'allowed', `${targetB}/`],
      ]);
    });

    it("a redirect from A to B: Chrome's line (redirected from A, the page's origin, Origin null on the wire) is corscope's record for the hop", async () => {
      const [a, b] = fronts(corscope);
      records.length = 0;
      const run = await call(browser(), `${a}/to-b`);
      await settle();
      const logged = `corscope logged:\n${describeRecords(records)}`;
      expect(run.ok, logged).toBe(false);
      expect(run.lines, logged).toHaveLength(1);
      const hop = records.find((r) => r.url.startsWith(`${b}/login`));
      expect(hop, logged).toBeDefined();
      expect(hop!.chrome?.message, logged).toBe(run.lines[0]);
      expect(run.lines[0]).toContain(`(redirected from '${a}/to-b')`);
      expect(hop).toMatchObject({ verdict: 'blocked', origin: 'null', redirectedFrom: `${a}/to-b`, target: `${targetB}/` });
      const redirect = records.find((r) => r.url === `${a}/to-b`);
      expect(redirect).toMatchObject({ status: 302, verdict: 'allowed', target: `${targetA}/` });
    });

    it('the same redirect to a sign-in page that allows null: Chrome lets it through, and corscope blocks nothing', async () => {
      const [a] = fronts(corscope);
      records.length = 0;
      const run = await call(browser(), `${a}/to-b-null`);
      await settle();
      expect(run, describeRecords(records)).toMatchObject({ ok: true, status: 200, lines: [] });
      expect(records.map((r) => r.verdict)).toEqual(['allowed', 'allowed']);
      expect(records[1]).toMatchObject({ origin: 'null', redirectedFrom: `${a}/to-b-null` });
    });

    it("a redirect to an origin corscope does not front is left as sent, and the redirect's diagnosis predicts Chrome's line there", async () => {
      const [a] = fronts(corscope);
      records.length = 0;
      const run = await call(browser(), `${a}/to-elsewhere`);
      await settle();
      const logged = `corscope logged:\n${describeRecords(records)}`;
      expect(run.ok, logged).toBe(false);
      expect(run.lines, logged).toHaveLength(1);
      expect(records, logged).toHaveLength(1);
      expect(records[0]!.diagnosis?.prediction, logged).toContain(run.lines[0]);
    });

    it('with --patch the redirect from A to B succeeds, and the record says what was patched for Origin null', async () => {
      const [a, b] = fronts(patched);
      patchedRecords.length = 0;
      const run = await call(browser(), `${a}/to-b`);
      await settle();
      const logged = describeRecords(patchedRecords);
      expect(run, logged).toMatchObject({ ok: true, status: 200, lines: [] });
      const hop = patchedRecords.find((r) => r.url.startsWith(`${b}/login`));
      expect(hop?.verdict, logged).toBe('blocked');
      expect(hop?.patched?.added, logged).toContain('Access-Control-Allow-Origin: null');
    });

    it("a preflighted PUT moved from A to B (307): Chrome preflights again at B with Origin null; its line is corscope's record of that preflight", async () => {
      const [a, b] = fronts(corscope);
      records.length = 0;
      const run = await call(browser(), `${a}/move`, { method: 'PUT', json: true });
      await settle();
      const logged = `corscope logged:\n${describeRecords(records)}`;
      expect(run.ok, logged).toBe(false);
      expect(run.lines, logged).toHaveLength(1);
      const preflight = records.find((r) => r.stage === 'preflight' && r.url === `${b}/items`);
      expect(preflight, logged).toMatchObject({ verdict: 'blocked', origin: 'null', redirectedFrom: `${a}/move` });
      expect(preflight!.chrome?.message, logged).toBe(run.lines[0]);
    });

    it('the same PUT to a B that allows the Origin it is sent (null): preflight and call pass at B, as Chrome says', async () => {
      const [a, b] = fronts(corscope);
      records.length = 0;
      const run = await call(browser(), `${a}/move-null`, { method: 'PUT', json: true });
      await settle();
      const logged = describeRecords(records);
      expect(run, logged).toMatchObject({ ok: true, status: 204, lines: [] });
      expect(records.filter((r) => r.url === `${b}/items-null`).map((r) => [r.stage, r.verdict, r.origin, r.redirectedFrom]), logged).toEqual([
        ['preflight', 'allowed', 'null', `${a}/move-null`],
        ['request', 'allowed', 'null', `${a}/move-null`],
      ]);
    });

    it("the demo: its API redirects an expired session to its auth server; the page's button prints Chrome's line, which is corscope's record", async () => {
      const demo = await startDemoServers();
      const cs = createCorscope({ targets: [demo.apiUrl, demo.authUrl], port: 0, closeTimeoutMs: 500 });
      const seen: ExchangeRecord[] = [];
      cs.on('exchange', (r) => seen.push(r));
      await cs.listen();
      const [main, auth] = fronts(cs) as [string, string];
      demo.servePage({ main, auth }, false);
      const context = await browser().newContext();
      try {
        const tab = await context.newPage();
        const errors: string[] = [];
        tab.on('console', (m) => {
          if (m.type() === 'error') errors.push(m.text());
        });
        await tab.goto(demo.pageUrl);
        await tab.click('button[data-path="/userinfo"]');
        const answered = (path: string) => tab.waitForFunction(`document.getElementById('result-${path}').textContent !== '\u2013'`);
        await answered('userinfo');
        await tab.click('button[data-path="/account"]');
        await answered('account');
        await tab.waitForTimeout(200);
        const lines = errors.filter(isCorsLine);
        const logged = describeRecords(seen);
        expect(await tab.textContent('#result-userinfo'), logged).toMatch(/^fetch: 200/);
        expect(lines, logged).toHaveLength(1);
        const hop = seen.find((r) => r.url.startsWith(`${auth}/login`));
        expect(hop?.chrome?.message, logged).toBe(lines[0]);
        expect(lines[0]).toContain(`(redirected from '${main}/account')`);
        expect(hop?.diagnosis?.fix, logged).toBeTruthy();
      } finally {
        await context.close();
        await cs.close();
        await demo.close();
      }
    });
  });
}
