/**
 * Response heads a strict HTTP parser refuses, asked of today's Chromium directly and through
 * corscope: the page must see the same thing both ways (status, reason, body, every header it may
 * read), or fail the same way. Node's parser refuses all of these; Chrome reads most of them, and
 * corscope used to answer them with a 502 that put a CORS error on the page.
 *
 * `CORSCOPE_RECORD=1 npx vitest run test/browser/response-heads.test.ts` (re)writes
 * test/fixtures/chrome-response-heads.json from the direct runs; the unit tests of
 * src/proxy/chrome-response.ts replay it.
 */
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCorscope, type CorscopeServer, type ExchangeRecord } from '../../src/index.js';
import { RESPONSE_HEAD_CASES, type HeadObservation, type ResponseHeadFixture } from '../support/response-heads.js';
import { chromiumOrReport, useBrowser } from './harness/suite.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/chrome-response-heads.json', import.meta.url));
const RECORD = process.env.CORSCOPE_RECORD === '1';

/**
 * Where corscope cannot give the page what Chrome gets directly: whether the call succeeds directly
 * and through corscope (asserted), and why they differ. Each is a head Node's parser accepts but
 * reads differently from Chrome, or an answer only the connection's close explains.
 */
const DIFFERS: Readonly<Record<string, { readonly direct: boolean; readonly through: boolean; readonly why: string }>> = {
  'te-chunked-not-last': {
    direct: false,
    through: true,
    why: "Node reads 'Transfer-Encoding: chunked, identity' as not chunked and forwards the bytes; Chrome reads it as chunked and fails",
  },
  'te-chunked-http10': {
    direct: true,
    through: true,
    why: 'Node decodes the chunked body of an HTTP/1.0 answer; Chrome reads chunked framing only from HTTP/1.1 on, so the page gets the raw chunks',
  },
  'cr-only-lines': {
    direct: true,
    through: false,
    why: 'no LF at all: Chrome reads the whole answer as a head once the connection closes; Node refuses the read, and it holds no end of a head: 502',
  },
};

const chromium = chromiumOrReport();
const fixture: ResponseHeadFixture | null = RECORD ? null : (JSON.parse(fs.readFileSync(FIXTURE, 'utf8')) as ResponseHeadFixture);

if (chromium) {
  const browser = useBrowser(chromium);
  let target: net.Server;
  let page: http.Server;
  let front: CorscopeServer;
  let patching: CorscopeServer;
  const records: ExchangeRecord[] = [];
  const ports = { target: 0, page: 0, front: 0, patching: 0 };
  const direct = new Map<string, HeadObservation>();

  beforeAll(async () => {
    target = net.createServer((socket) => {
      let head = '';
      socket.on('error', () => socket.destroy());
      socket.on('data', (chunk) => {
        head += chunk.toString('latin1');
        if (!head.includes('\r\n\r\n')) return;
        const path = /^\S+ \/(\S*)/.exec(head)?.[1] ?? '';
        const bare = path.startsWith(BARE);
        const c = RESPONSE_HEAD_CASES.find((x) => x.id === (bare ? path.slice(BARE.length) : path));
        const raw = c ? (bare ? withoutCors(c.raw) : c.raw) : 'HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n';
        socket.end(Buffer.from(raw, 'latin1'));
      });
    });
    page = http.createServer((_req, res) => res.end('<!doctype html><title>page</title>'));
    ports.target = await listen(target);
    ports.page = await listen(page);
    front = createCorscope({ target: `http://127.0.0.1:${ports.target}`, host: '127.0.0.1', port: 0, closeTimeoutMs: 500 });
    front.on('exchange', (r) => records.push(r));
    patching = createCorscope({ target: `http://127.0.0.1:${ports.target}`, host: '127.0.0.1', port: 0, closeTimeoutMs: 500, patch: true });
    await patching.listen();
    ports.patching = patching.port!;
    await front.listen();
    ports.front = front.port!;
  });
  afterAll(async () => {
    await front?.close();
    await patching?.close();
    target?.close();
    page?.close();
    if (RECORD) {
      const recorded: ResponseHeadFixture = {
        recorded: new Date().toISOString().slice(0, 10),
        chromium: chromium.version,
        how: 'CORSCOPE_RECORD=1 npx vitest run test/browser/response-heads.test.ts: a raw TCP target sends `raw` (latin1) and closes; a page on another origin fetches it',
        cases: RESPONSE_HEAD_CASES.map((c) => ({ ...c, chrome: direct.get(c.id)! })),
      };
      fs.writeFileSync(FIXTURE, `${JSON.stringify(recorded, null, 2)}\n`);
    }
  });

  describe.concurrent('response heads Node refuses: the page sees the same through corscope', () => {
    it.each(RESPONSE_HEAD_CASES.map((c) => [c.id, c] as const))('%s', async (id, c) => {
      const straight = await observe(browser(), ports.page, ports.target, id, c.method);
      direct.set(id, straight);
      if (RECORD) return;
      expect(straight, 'today\'s Chromium reads it as recorded').toEqual(fixture!.cases.find((x) => x.id === id)?.chrome);
      const through = await observe(browser(), ports.page, ports.front, id, c.method);
      const differs = DIFFERS[id];
      if (differs === undefined) {
        expect(through, `through corscope (records: ${JSON.stringify(records.filter((r) => r.url.endsWith(`/${id}`)).map((r) => [r.status, r.msg]))})`).toEqual(straight);
        expect(through.cors, 'no CORS line appears that Chrome prints without corscope').toEqual([]);
        return;
      }
      expect({ direct: straight.ok, through: through.ok }, differs.why).toEqual({ direct: differs.direct, through: differs.through });
    });
  });

  // The same answers without their CORS lines, through `--patch`: where Node refused the head,
  // corscope writes Chrome's reading anew with the patch, and Chrome must read that as it read the
  // original (status, reason, body), with the call now allowed.
  const readable = RECORD ? [] : fixture!.cases.filter((c) => c.chrome.ok && DIFFERS[c.id] === undefined);
  describe.concurrent('the same answers without CORS lines, through --patch: Chrome reads the rewritten head as the original', () => {
    it.each(readable.map((c) => [c.id, c] as const))('%s', async (id, c) => {
      const patched = await observe(browser(), ports.page, ports.patching, `${BARE}${id}`, c.method);
      const want = c.chrome as Extract<HeadObservation, { ok: true }>;
      expect(patched).toMatchObject({ ok: true, status: want.status, statusText: want.statusText, body: want.body, cors: [] });
    });
  });
}

/** Path prefix for a case served without its CORS lines. */
const BARE = 'no-cors/';
const withoutCors = (raw: string): string => raw.replace(/Access-Control-(Allow-Origin|Expose-Headers) ?:[^\r\n]*(\r\n|\n|\r)/g, '');

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));
}

/** Framing and connection lines differ by design (corscope re-frames what it forwards). */
const FRAMING = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'date']);

async function observe(browser: Browser, pagePort: number, port: number, id: string, method: string | undefined): Promise<HeadObservation> {
  const context = await browser.newContext();
  try {
    const tab = await context.newPage();
    const errors: string[] = [];
    tab.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await tab.goto(`http://127.0.0.1:${pagePort}/`);
    const js = await tab.evaluate(
      async ({ url, method }) => {
        try {
          const r = await fetch(url, { method: method ?? 'GET' });
          const bytes = new Uint8Array(await r.arrayBuffer());
          return { ok: true as const, status: r.status, statusText: r.statusText, body: String.fromCharCode(...bytes), headers: [...r.headers] };
        } catch (e) {
          return { ok: false as const, error: String(e) };
        }
      },
      { url: `http://localhost:${port}/${id}`, method },
    );
    await new Promise((r) => setTimeout(r, 100));
    const cors = errors.filter((l) => l.includes('CORS policy'));
    if (!js.ok) {
      const netError = errors.map((l) => /net::(ERR_[A-Z_]+)/.exec(l)?.[1]).find(Boolean) ?? null;
      return { ok: false, netError, cors };
    }
    const headers = js.headers.filter(([n]) => !FRAMING.has(n)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return { ok: true, status: js.status, statusText: js.statusText, body: js.body, headers, cors };
  } finally {
    await context.close();
  }
}
