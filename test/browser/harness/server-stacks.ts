/**
 * Real server stacks (test/servers/<stack>/stack.mjs) run live behind corscope, their calls made by
 * a page in the suite's Chromium, as test/servers/record.mjs recorded them: the page on
 * http://localhost:5173 (another page origin where a call says `page`), a sign-in page with no CORS
 * on http://localhost:9000, and corscope where the recorder's capture proxy stood.
 */
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { DiagnosisCode, StackName } from '../../../src/diagnose/types.js';
import { createCorscope, type CorscopeOptions, type ExchangeRecord } from '../../../src/index.js';
import { isCorsLine, primaryLines } from './cases.js';
import { pageClient, type CallOutcome, type PageCall } from './page-client.js';

/** The page origins the stacks' apps and fixes name literally (record.mjs serves the same). */
export const PAGE = 'http://localhost:5173';
const PAGE_PORTS = [5173, 5174] as const;
/** Where a redirect to the sign-in page leaves the API for (record.mjs's `ELSEWHERE`). */
export const ELSEWHERE_PORT = 9000;

/** One call of a case, as in stack.mjs. */
export interface StackCall {
  readonly method?: string;
  readonly path: string;
  readonly headers?: readonly (readonly [string, string])[];
  readonly body?: string;
  readonly credentials?: 'omit' | 'same-origin' | 'include';
  /** The page origin the call is made from (default PAGE). */
  readonly page?: string;
}

/** A case of stack.mjs (its recording is test/fixtures/servers/<stack>.json). */
export interface StackCase {
  readonly name: string;
  readonly intent: DiagnosisCode;
  readonly misconfig: string;
  readonly scenario: string;
  /** false: the page's user has no session cookie even for credentialed calls. */
  readonly cookie?: boolean;
  readonly calls: readonly StackCall[];
  readonly fix?: { readonly scenario: string; readonly applied: string };
  readonly expected?: {
    readonly stack?: StackName | null;
    readonly evidence?: readonly string[];
    readonly recognised?: StackName | null;
    readonly code?: DiagnosisCode;
  };
}

export interface StackModule {
  readonly stack: StackName;
  start(scenario: string, port: number): Promise<{ stop(): Promise<void> }>;
  readonly cases: readonly StackCase[];
}

const SERVERS = path.resolve(import.meta.dirname, '../../servers');

/** A stack.mjs (plain JavaScript, shared with the recorder), typed. */
export async function loadStack(name: string): Promise<StackModule> {
  return (await import(pathToFileURL(path.join(SERVERS, name, 'stack.mjs')).href)) as StackModule;
}

function listenOn(server: http.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

/**
 * `handler` on 127.0.0.1:port and, where the machine has IPv6 loopback, [::1]:port, so `localhost`
 * reaches it whichever address Chrome picks. Resolves null when the port is taken.
 */
async function listenFixed(port: number, handler: http.RequestListener): Promise<http.Server[] | null> {
  const servers: http.Server[] = [];
  for (const host of ['127.0.0.1', '::1']) {
    const server = http.createServer(handler);
    try {
      await listenOn(server, port, host);
      servers.push(server);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (host === '::1' && (code === 'EADDRNOTAVAIL' || code === 'EAFNOSUPPORT')) continue; // no IPv6 loopback
      await Promise.all(servers.map(closeServer));
      if (code === 'EADDRINUSE') return null;
      throw e;
    }
  }
  return servers;
}

const PAGE_HTML = '<!doctype html><title>page</title><p>page';
const SIGN_IN_HTML = '<!doctype html><title>Sign in</title><form method=post><input name=user></form>';

export interface FixedOrigins {
  /** false when port 9000 was taken: a redirect to the sign-in page reaches whatever holds it. */
  readonly signIn: boolean;
  close(): Promise<void>;
}

/**
 * The page on localhost:5173 (also 127.0.0.1:5173) and localhost:5174, and the sign-in page on
 * localhost:9000, shared by every case of a file (they hold no state; the browser files run one
 * after another, so no other suite file holds these ports meanwhile). The page ports are required:
 * the apps allow `http://localhost:5173` literally.
 */
export async function listenFixedOrigins(): Promise<FixedOrigins> {
  const all: http.Server[] = [];
  const close = () => Promise.all(all.map(closeServer)).then(() => {});
  const page: http.RequestListener = (req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(PAGE_HTML);
  };
  for (const port of PAGE_PORTS) {
    const servers = await listenFixed(port, page);
    if (!servers) {
      await close();
      throw new Error(`port ${port} is taken: the page must be served on http://localhost:${port}, the origin the apps allow and the fixes name`);
    }
    all.push(...servers);
  }
  // The sign-in page knows nothing of CORS: a 200 with HTML, to any method.
  const signIn = await listenFixed(ELSEWHERE_PORT, (req, res) => {
    req.resume();
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': String(Buffer.byteLength(SIGN_IN_HTML)) });
    res.end(SIGN_IN_HTML);
  });
  if (signIn) all.push(...signIn);
  return { signIn: signIn !== null, close };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/**
 * The stack's app for a scenario on a port the OS chose. `start` takes a port and does not say which
 * it bound, so the port is asked for first; another listener may take it meanwhile, then it is asked again.
 */
export async function startApp(stack: StackModule, scenario: string): Promise<{ port: number; stop(): Promise<void> }> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      const app = await stack.start(scenario, port);
      return { port, stop: () => app.stop() };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 5) throw e;
    }
  }
}

const CALL_TIMEOUT_MS = 8_000;
/** The harness's settle rule (run-case.ts): a call is over when nothing happened for this long. */
const SETTLE_QUIET_MS = 300;
const SETTLE_MAX_MS = 3_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One call as the page made it: what it did, what Chrome printed, what corscope logged for it. */
export interface CallRun {
  readonly call: StackCall;
  readonly outcome: CallOutcome;
  /** Console errors minus `Failed to load resource: …`. */
  readonly primary: readonly string[];
  readonly corsLines: readonly string[];
  readonly records: readonly ExchangeRecord[];
}

export interface StackRun {
  readonly calls: readonly CallRun[];
  /** corscope's origin as the page called it: `http://localhost:<port>`. */
  readonly api: string;
}

/**
 * Runs a case's calls against the stack's app for `scenario` (the case's, or its fix's), behind a
 * fresh corscope (its memory then holds what the app did earlier in the case), in a fresh browser
 * context: with the recorder's session cookie for `localhost` when a call sends credentials, unless
 * the case says `cookie: false`.
 */
export async function runStackCase(
  browser: Browser,
  stack: StackModule,
  kase: StackCase,
  scenario: string,
  options: Partial<CorscopeOptions> = {},
): Promise<StackRun> {
  const app = await startApp(stack, scenario);
  let ctx: BrowserContext | undefined;
  let lastEventAt = Date.now();
  const bump = () => {
    lastEventAt = Date.now();
  };
  const records: ExchangeRecord[] = [];
  const cs = createCorscope({ closeTimeoutMs: 1000, initiator: 'fetch', ...options, target: `http://127.0.0.1:${app.port}`, host: '127.0.0.1', port: 0 });
  cs.on('exchange', (record) => {
    records.push(record);
    bump();
  });
  try {
    await cs.listen();
    const api = `http://localhost:${cs.port}`;
    ctx = await browser.newContext();
    if (kase.cookie !== false && kase.calls.some((c) => c.credentials === 'include')) {
      // The page's user is signed in: a cookie for the API's host, as a login would have left.
      await ctx.addCookies([{ name: 'session', value: 'recorded-session', domain: 'localhost', path: '/', sameSite: 'Lax' }]);
    }
    const tab: Page = await ctx.newPage();
    const consoleErrors: string[] = [];
    tab.on('console', (m) => {
      bump();
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    const calls: CallRun[] = [];
    let at: string | undefined;
    for (const call of kase.calls) {
      const from = call.page ?? PAGE;
      if (from !== at) {
        await tab.goto(`${from}/`, { waitUntil: 'load', timeout: 10_000 });
        at = from;
      }
      const printed = consoleErrors.length;
      const logged = records.length;
      const page: PageCall = { api: 'fetch', url: api + call.path, method: call.method ?? 'GET', callTimeoutMs: CALL_TIMEOUT_MS };
      if (call.headers) page.headers = call.headers.map(([n, v]): [string, string] => [n, v]);
      if (call.body !== undefined) page.body = call.body;
      if (call.credentials) page.credentials = call.credentials;
      const result = await tab.evaluate(pageClient, page);
      const done = Date.now();
      bump();
      while (Date.now() - done < SETTLE_MAX_MS) {
        await sleep(50);
        if (Date.now() - lastEventAt >= SETTLE_QUIET_MS) break;
      }
      const primary = primaryLines(consoleErrors.slice(printed));
      calls.push({ call, outcome: result.calls[0]!, primary, corsLines: primary.filter(isCorsLine), records: records.slice(logged) });
    }
    return { calls, api };
  } finally {
    if (ctx) await ctx.close().catch(() => {});
    await cs.close().catch(() => {});
    await app.stop();
  }
}
