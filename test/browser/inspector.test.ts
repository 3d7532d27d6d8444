/**
 * Issue 16 in the real Chromium: the inspector open while the demo's calls run. Rows appear live
 * with the verdicts corscope logged; a blocked exchange opened shows the line Chrome printed, word
 * for word, and marks the header Chrome refused; filters, search and the keyboard work; a header
 * value of `<img src=x onerror=alert(1)>` is shown as those characters; a row where Firefox or
 * Safari would not do what Chrome does says so; with several APIs the opened exchange names its
 * target and search finds it; a page opened late shows the history; a page open while corscope
 * restarts carries on by itself.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCorscope, createInspector, type ExchangeRecord } from '../../src/index.js';
import { disagrees } from '../../src/log/browsers.js';
import { startInspectedDemo, XSS, type InspectedDemo } from './harness/inspector-demo.js';
import { chromiumOrReport, useBrowser } from './harness/suite.js';

interface Row {
  readonly key: string;
  readonly id: string;
  readonly verdict: string;
  readonly method: string;
  readonly url: string;
  readonly status: string;
  readonly count: string;
  readonly selected: boolean;
}

function rows(page: Page): Promise<Row[]> {
  return page.$$eval('#exchanges tr.row', (trs) =>
    trs.map((tr) => ({
      key: tr.getAttribute('data-key') ?? '',
      id: tr.querySelector('.c-id')!.firstChild!.textContent ?? '',
      verdict: tr.querySelector('.c-verdict .badge')!.textContent ?? '',
      method: tr.querySelector('.c-method')!.textContent ?? '',
      url: tr.querySelector('.c-url .url')!.textContent ?? '',
      status: tr.querySelector('.c-status')!.textContent ?? '',
      count: tr.querySelector('.count')?.textContent ?? '',
      selected: tr.getAttribute('aria-selected') === 'true',
    })),
  );
}

/** The verdict as the terminal and the page show it. */
const shown = (r: ExchangeRecord): string => (r.verdict === 'conditional' ? (r.credentialsSign ? 'depends' : 'ok') : r.verdict === 'not-cors' ? 'not CORS' : r.verdict === 'allowed' ? 'ok' : 'blocked');
const idOf = (key: string): string => key.slice(key.lastIndexOf(':') + 1);

async function settled(demo: InspectedDemo): Promise<void> {
  let last = -1;
  while (demo.records.length !== last) {
    last = demo.records.length;
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** Waits until the page shows as many exchanges (folded ones counted) as corscope emitted. */
async function caughtUp(page: Page, demo: InspectedDemo): Promise<void> {
  await settled(demo);
  await page.waitForFunction((n) => [...(globalThis as unknown as PageGlobals).document.querySelectorAll('[data-verdict] .n')].reduce((sum, el) => sum + Number(el.textContent), 0) === n, demo.records.length, { timeout: 10_000 });
  await painted(page);
}

/**
 * The page's globals, in functions Playwright runs there (strings would be eval, which the
 * inspector's CSP refuses; the cast is gone once compiled). The project's TypeScript has no DOM
 * library, hence the shape by hand.
 */
interface El {
  readonly textContent: string | null;
  readonly id: string;
}
interface PageGlobals {
  readonly document: { querySelectorAll(s: string): Iterable<El> & { length: number }; querySelector(s: string): El | null; readonly activeElement: El | null };
  requestAnimationFrame(f: () => void): void;
}

/** The page draws once per animation frame: two frames later, what changed is on screen. */
function painted(page: Page): Promise<unknown> {
  return page.evaluate(() => new Promise((r) => (globalThis as unknown as PageGlobals).requestAnimationFrame(() => (globalThis as unknown as PageGlobals).requestAnimationFrame(() => r(undefined)))));
}

/**
 * A button of the demo's page, pressed from script: the page is a background tab (the inspector is
 * in front, where the list is drawn each animation frame), and Playwright's click would wait for
 * frames a background tab does not draw.
 */
async function press(page: Page, selector: string): Promise<void> {
  await page.$eval(selector, (button) => (button as unknown as { click(): void }).click());
}

async function setOnlyProblems(page: Page, on: boolean): Promise<void> {
  if ((await page.isChecked('#only-problems')) !== on) await page.click('#only-problems');
  await painted(page);
}

async function openRowOf(page: Page, record: ExchangeRecord): Promise<void> {
  await page.click(`#exchanges tr.row[data-key$=":${record.id}"] .c-url`);
  await page.waitForSelector(`#detail[data-key$=":${record.id}"]`);
}

const chromium = chromiumOrReport();

if (chromium) {
  const browser = useBrowser(chromium);
  let demo: InspectedDemo;
  let context: BrowserContext;
  let inspector: Page;
  let page: Page;
  const chromeLines: string[] = [];
  const dialogs: string[] = [];
  const record = (path: string, stage = 'request'): ExchangeRecord => {
    const found = demo.records.find((r) => new URL(r.url).pathname === path && r.stage === stage && !r.redirectedFrom);
    if (!found) throw new Error(`no record for ${stage} ${path}`);
    return found;
  };

  beforeAll(async () => {
    demo = await startInspectedDemo();
    context = await browser().newContext({ viewport: { width: 1400, height: 900 } });
    inspector = await context.newPage();
    inspector.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await inspector.goto(demo.inspectorUrl);
    await inspector.waitForSelector('#status[data-state="live"]');
    page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error' && m.text().startsWith('Access to ')) chromeLines.push(m.text());
    });
    await page.goto(demo.pageUrl);
    await inspector.bringToFront();
  });
  afterAll(async () => {
    await context?.close();
    await demo?.close();
  });

  describe(`Chromium ${chromium.version}: the inspector beside the demo`, () => {
    it('rows appear live, with the verdicts corscope logged; "only problems" turns on once there is one; a repeat is a counter', async () => {
      expect(await rows(inspector)).toEqual([]);
      await press(page, '#all');
      await page.waitForFunction(() => [...(globalThis as unknown as PageGlobals).document.querySelectorAll('td.result')].every((td) => td.textContent !== '–'), undefined, { timeout: 20_000 });
      await caughtUp(inspector, demo);
      expect(await inspector.isChecked('#only-problems')).toBe(true);
      const problems = await rows(inspector);
      expect(problems.some((r) => r.url.endsWith('/works'))).toBe(false);
      await setOnlyProblems(inspector, false);
      const all = await rows(inspector);
      expect(all.map((r) => idOf(r.key)).sort()).toEqual(demo.records.map((r) => r.id).sort());
      for (const r of demo.records) {
        const row = all.find((x) => idOf(x.key) === r.id)!;
        expect({ verdict: row.verdict, method: row.method, url: row.url, status: row.status }, `#${r.id} ${r.method} ${r.url}`).toEqual({ verdict: shown(r), method: r.method, url: r.url, status: String(r.status) });
      }
      expect(all.filter((r) => r.verdict === 'blocked').length).toBe(demo.records.filter((r) => r.verdict === 'blocked').length);
      // The same call again, live: it folds into its first row as a counter (`same as #n`).
      const first = record('/missing-acao');
      await press(page, 'button[data-path="/missing-acao"][data-api="xhr"]');
      await inspector.waitForFunction((id) => (globalThis as unknown as PageGlobals).document.querySelector(`tr.row[data-key$=":${id}"] .count`)?.textContent === '×2', first.id, { timeout: 10_000 });
      await caughtUp(inspector, demo);
    });

    it("a blocked exchange opened: Chrome's line, word for word, and the header it refuses marked against the request's", async () => {
      const mismatch = record('/mismatch');
      await openRowOf(inspector, mismatch);
      const line = await inspector.textContent('#detail .console.error');
      expect(line).toBe(mismatch.chrome!.message);
      expect(chromeLines).toContain(line);
      expect(await inspector.$$eval('#detail .side.response li.offending', (lis) => lis.map((li) => [li.querySelector('.name')!.textContent, li.querySelector('.value')!.textContent]))).toEqual([['Access-Control-Allow-Origin', 'https://app.example.com']]);
      expect(await inspector.$$eval('#detail .side.request li.against', (lis) => lis.map((li) => [li.querySelector('.name')!.textContent, li.querySelector('.value')!.textContent]))).toEqual([['Origin', new URL(demo.pageUrl).origin]]);
      expect(await inspector.textContent('#detail .console.other')).toBe(mismatch.chrome!.variants.xhr);
      expect(await inspector.textContent('#detail .card.diagnosis')).toContain(mismatch.diagnosis!.fix);
      // What Firefox and Safari print for the same exchange, as the record says (issue 18).
      expect(await inspector.$$eval('#detail .card.browsers pre.console.browser', (pres) => pres.map((p) => p.textContent))).toEqual([mismatch.browsers!.firefox, mismatch.browsers!.safari].filter((b) => b.lines.length > 0).map((b) => b.lines.join('\n')));

      const missing = record('/missing-acao');
      await openRowOf(inspector, missing);
      expect(chromeLines).toContain(await inspector.textContent('#detail .console.error'));
      expect(await inspector.$$eval('#detail .side.response li.offending', (lis) => lis.map((li) => li.className + ' ' + li.textContent))).toEqual(['line offending missing !Access-Control-Allow-Origin: not sent']);

      const duplicate = record('/duplicate-acao');
      await openRowOf(inspector, duplicate);
      expect(await inspector.$$eval('#detail .side.response li.offending .value', (els) => els.map((e) => e.textContent))).toEqual(['*', new URL(demo.pageUrl).origin]);

      const preflight = record('/preflight-404', 'preflight');
      await openRowOf(inspector, preflight);
      expect(chromeLines).toContain(await inspector.textContent('#detail .console.error'));
      expect(await inspector.textContent('#detail .side.response li.start.offending')).toBe('status 404');

      const method = record('/method-not-allowed', 'preflight');
      await openRowOf(inspector, method);
      expect(await inspector.$$eval('#detail .side.request li.against', (lis) => lis.map((li) => li.textContent))).toEqual(['\u25cfAccess-Control-Request-Method: DELETE']);
      expect(await inspector.$$eval('#detail .side.response li.offending', (lis) => lis.map((li) => li.textContent))).toEqual(['\u25cfAccess-Control-Allow-Methods: GET, POST']);
    });

    it('filters by verdict and stage, and search over URL and message', async () => {
      await setOnlyProblems(inspector, false);
      const visible = async () => (await rows(inspector)).map((r) => `${r.method} ${new URL(r.url).pathname} ${r.verdict}`);
      await inspector.click('[data-verdict="blocked"]');
      await painted(inspector);
      expect((await visible()).every((r) => !r.endsWith(' blocked'))).toBe(true);
      expect(await visible()).toContain('PUT /works ok');
      await inspector.click('[data-verdict="blocked"]');
      await inspector.click('[data-stage="preflight"]');
      await painted(inspector);
      const groups = await inspector.$$eval('tbody.unit', (bodies) => bodies.map((b) => [...b.querySelectorAll('.c-method')].map((m) => m.textContent)));
      expect(groups.length).toBeGreaterThan(0);
      expect(groups.every((g) => g.includes('OPTIONS'))).toBe(true);
      await inspector.click('[data-stage="all"]');
      await inspector.fill('#search', 'mismatch');
      await expect.poll(visible).toEqual(['GET /mismatch blocked']);
      // Chrome's message, not the URL: "contains multiple values".
      await inspector.fill('#search', 'multiple values');
      await expect.poll(visible).toEqual(['GET /duplicate-acao blocked']);
      await inspector.fill('#search', '');
      await setOnlyProblems(inspector, true);
      await expect.poll(async () => (await visible()).includes('PUT /works ok')).toBe(false);
    });

    it('keyboard: / to search, Enter to open, up and down through the list, Esc to close', async () => {
      await inspector.click('.brand');
      await inspector.keyboard.press('/');
      expect(await inspector.evaluate(() => (globalThis as unknown as PageGlobals).document.activeElement?.id)).toBe('search');
      await inspector.keyboard.type('header-not');
      await expect.poll(async () => (await rows(inspector)).length).toBe(1);
      await inspector.keyboard.press('Enter');
      await inspector.waitForSelector('#detail:not([hidden])');
      expect(await inspector.textContent('#detail h2 .url')).toBe(record('/header-not-allowed', 'preflight').url);
      await inspector.keyboard.press('Escape');
      await inspector.waitForSelector('#detail', { state: 'hidden' });
      await inspector.keyboard.press('/');
      await inspector.keyboard.press('Escape');
      await expect.poll(async () => (await rows(inspector)).length).toBeGreaterThan(3);
      await inspector.keyboard.press('Home');
      const list = await rows(inspector);
      expect(list[0]!.selected).toBe(true);
      await inspector.keyboard.press('ArrowDown');
      await inspector.keyboard.press('ArrowDown');
      await inspector.keyboard.press('ArrowUp');
      expect((await rows(inspector)).map((r) => r.selected)).toEqual(list.map((_, i) => i === 1));
      await inspector.keyboard.press('Enter');
      await inspector.waitForSelector(`#detail[data-key="${list[1]!.key}"]`);
      // With the exchange open, the arrows move through the list and the open exchange follows.
      await inspector.keyboard.press('ArrowDown');
      await inspector.waitForSelector(`#detail[data-key="${list[2]!.key}"]`);
      await inspector.keyboard.press('Escape');
      await inspector.waitForSelector('#detail', { state: 'hidden' });
    });

    it('a header value of <img src=x onerror=alert(1)> is shown as those characters, in the header lines and the body', async () => {
      await page.evaluate(async ({ api, xss }) => {
        await fetch(`${api}/xss`, { headers: { 'X-Note': xss } }).catch(() => undefined);
      }, { api: demo.proxyUrl, xss: XSS });
      await settled(demo);
      const xss = demo.records.find((r) => r.url.endsWith('/xss') && r.stage === 'request')!;
      await inspector.waitForSelector(`tr.row[data-key$=":${xss.id}"]`);
      await openRowOf(inspector, xss);
      const values = await inspector.$$eval('#detail .lines li.line', (lis) => lis.map((li) => [li.querySelector('.name')!.textContent!.toLowerCase(), li.querySelector('.value')!.textContent]));
      expect(values).toContainEqual(['x-debug', XSS]);
      expect(values).toContainEqual(['x-note', XSS]);
      expect(await inspector.textContent('#detail .body-text')).toBe(`${XSS}<script>alert(2)</script>`);
      expect(await inspector.evaluate(() => (globalThis as unknown as PageGlobals).document.querySelectorAll('img, #detail script, #exchanges script').length)).toBe(0);
      await inspector.waitForTimeout(200);
      expect(dialogs).toEqual([]);
    });

    it('a row where Firefox or Safari would not do what Chrome does says so, and only such a row', async () => {
      await page.evaluate(async (api) => {
        await fetch(`${api}/acac-then-empty`, { credentials: 'include' }).catch(() => undefined);
      }, demo.proxyUrl);
      await settled(demo);
      const odd = demo.records.find((r) => r.url.endsWith('/acac-then-empty'))!;
      expect([disagrees(odd, 'firefox'), disagrees(odd, 'safari')]).toEqual([true, false]);
      await inspector.fill('#search', '');
      await setOnlyProblems(inspector, false);
      await inspector.waitForSelector(`tr.row[data-key$=":${odd.id}"] .tag.other-browser`);
      const marked = await inspector.$$eval('#exchanges tr.row', (trs) => trs.map((tr) => [tr.getAttribute('data-key'), [...tr.querySelectorAll('.tag.other-browser')].map((t) => t.getAttribute('data-browser') + ' ' + t.textContent)]));
      const byId = new Map(demo.records.map((r) => [r.id, r]));
      expect(marked.length).toBeGreaterThan(5);
      for (const [key, tags] of marked) {
        const r = byId.get(idOf(key as string))!;
        const words = { allowed: 'allows', blocked: 'blocks', conditional: 'depends' } as const;
        expect(tags, `#${r.id} ${r.url}`).toEqual((['firefox', 'safari'] as const).filter((b) => disagrees(r, b)).map((b) => `${b} ${b === 'firefox' ? 'Firefox' : 'Safari'} ${words[r.browsers![b].verdict]}`));
      }
      expect(marked.find(([key]) => idOf(key as string) === odd.id)![1]).toEqual(['firefox Firefox allows']);
    });

    it('corscope fronting several APIs: the opened exchange names its target, and search finds it', async () => {
      const apis = await Promise.all(['users', 'auth'].map(async (name) => {
        const server = http.createServer((req, res) => {
          res.writeHead(200, { 'Access-Control-Allow-Origin': '*', 'Content-Type': 'text/plain' });
          res.end(name);
        });
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
      }));
      const several = createCorscope({ targets: apis.map((a) => a.origin), port: 0, closeTimeoutMs: 200 });
      const records: ExchangeRecord[] = [];
      several.on('exchange', (r) => records.push(r));
      await several.listen();
      const own = createInspector({ info: { command: 'proxy' } });
      own.follow(several);
      await own.listen();
      const tab = await context.newPage();
      try {
        for (const { port } of several.listening) {
          await new Promise<void>((resolve, reject) => http.get({ host: '127.0.0.1', port, path: '/me', headers: { Origin: demo.pageUrl, 'Sec-Fetch-Mode': 'cors' } }, (res) => res.resume().on('end', resolve)).on('error', reject));
        }
        expect(records.map((r) => r.target)).toEqual(apis.map((a) => `${a.origin}/`));
        await tab.goto(own.url!);
        await tab.bringToFront();
        await setOnlyProblems(tab, false);
        await expect.poll(async () => (await rows(tab)).length).toBe(2);
        const auth = records[1]!;
        await openRowOf(tab, auth);
        expect(await tab.textContent('#detail .d-facts .target code')).toBe(auth.target);
        await tab.fill('#search', auth.target!);
        await expect.poll(async () => (await rows(tab)).map((r) => idOf(r.key))).toEqual([auth.id]);
      } finally {
        await tab.close();
        await own.close();
        await several.close();
        await Promise.all(apis.map((a) => new Promise((resolve) => a.server.close(resolve))));
        await inspector.bringToFront();
      }
    });

    it("the answer's cookies: what corscope rewrote so the browser keeps them, and what Chrome refuses anyway (names, never values)", async () => {
      const api = http.createServer((req, res) => {
        res.writeHead(200, ['Access-Control-Allow-Origin', demo.pageUrl, 'Set-Cookie', 'sid=v4lue; Domain=127.0.0.1; Path=/', 'Set-Cookie', 'theme=dark; SameSite=None']);
        res.end('ok');
      });
      await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
      const origin = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
      const proxy = createCorscope({ target: origin, port: 0, closeTimeoutMs: 200 });
      const records: ExchangeRecord[] = [];
      proxy.on('exchange', (r) => records.push(r));
      await proxy.listen();
      const own = createInspector({ info: { command: 'proxy' } });
      own.follow(proxy);
      await own.listen();
      const tab = await context.newPage();
      try {
        await new Promise<void>((resolve, reject) => http.get({ host: '127.0.0.1', port: proxy.port, path: '/login', headers: { Host: `localhost:${proxy.port}`, Origin: demo.pageUrl, 'Sec-Fetch-Mode': 'cors', 'Sec-Fetch-Site': 'same-site' } }, (res) => res.resume().on('end', resolve)).on('error', reject));
        await tab.goto(own.url!);
        await tab.bringToFront();
        await setOnlyProblems(tab, false);
        await expect.poll(async () => (await rows(tab)).length).toBe(1);
        await openRowOf(tab, records[0]!);
        const text = await tab.textContent('#detail section.card:has(li.cookie)');
        expect(text).toContain('Cookies Chrome refuses');
        expect(text).toContain('sid rewritten by corscope: Domain=127.0.0.1 dropped');
        expect(text).toContain('themeChrome refuses it (SameSiteNoneInsecure)');
        expect(await tab.textContent('#detail')).not.toContain('v4lue');
      } finally {
        await tab.close();
        await own.close();
        await proxy.close();
        await new Promise((resolve) => api.close(resolve));
        await inspector.bringToFront();
      }
    });

    it('a page opened late shows what happened so far, then follows', async () => {
      const late = await context.newPage();
      await late.goto(demo.inspectorUrl);
      await late.bringToFront();
      await caughtUp(late, demo);
      await setOnlyProblems(late, false);
      await setOnlyProblems(inspector, false);
      await inspector.fill('#search', '');
      await inspector.waitForTimeout(150);
      expect((await rows(late)).map((r) => [r.key.slice(r.key.indexOf(':')), r.verdict, r.count])).toEqual((await rows(inspector)).map((r) => [r.key.slice(r.key.indexOf(':')), r.verdict, r.count]));
      await press(page, 'button[data-path="/wildcard-credentials"][data-api="fetch"]');
      await caughtUp(late, demo);
      await late.close();
      await inspector.bringToFront();
    });

    it('a page open while corscope restarts reconnects by itself, keeps what it had and marks the new run', async () => {
      const before = (await rows(inspector)).length;
      await demo.restart();
      await inspector.waitForSelector('#status[data-state="live"]', { timeout: 15_000 });
      await press(page, 'button[data-path="/mismatch"]');
      await settled(demo);
      await inspector.waitForSelector('tr.divider');
      await expect.poll(async () => (await rows(inspector)).length).toBe(before + 1);
      expect(await inspector.textContent('tr.divider')).toBe('corscope started again: what follows is its new run');
      const last = (await rows(inspector)).at(-1)!;
      expect([idOf(last.key), new URL(last.url).pathname, last.verdict]).toEqual(['1', '/mismatch', 'blocked']);
    });
  });
}
