import type { Browser, BrowserContext, Frame, Page } from 'playwright-core';
import { expand, isCorsLine, primaryLines, type CaseDefinition, type Pair } from './cases.js';
import { pageClient, type CallOutcome, type PageCall, type PageResult } from './page-client.js';
import { apiServer, listenLoopback, pageHandler, type Listening, type ServerHit } from './upstream.js';

const CALL_TIMEOUT_MS = 8_000;
/** A case is over when nothing (console, server, proxy) happened for this long after the call. */
const SETTLE_QUIET_MS = 300;
const SETTLE_MAX_MS = 3_000;

/** Something put between the page and the scripted API (corscope); the page calls it instead. */
export interface Front {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Starts the front for a case: `api` is the scripted API's origin; `bump` marks activity (a logged
 * exchange) so the case waits for late events.
 */
export type StartFront = (api: { origin: string; port: number }, bump: () => void) => Promise<Front>;

export interface CaseRun {
  readonly id: string;
  /** Every console message of type error, exactly as Chrome printed it, in order. */
  readonly consoleErrors: readonly string[];
  /** The same minus `Failed to load resource: …`. */
  readonly primary: readonly string[];
  /** The CORS lines among them (`Access to … blocked by CORS policy`, `Fetch API cannot load …`). */
  readonly corsLines: readonly string[];
  readonly js: PageResult;
  /** Requests that reached the scripted API servers (not the page server). */
  readonly hits: readonly ServerHit[];
  /** `PAGE_PORT`, `API_PORT` (what the page called: the front's port when there is one), `API2_PORT`; `UPSTREAM_PORT` behind a front. */
  readonly ports: Readonly<Record<string, number>>;
  readonly origins: { readonly page: string; readonly api: string; readonly api2: string; readonly upstream: string };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timeout after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

function callCount(def: CaseDefinition): number {
  return (def.client.repeat ?? 1) + (def.client.andThen?.length ?? 0);
}

/** The longest one attempt at a case may take: calls, plus servers, context, navigation and settling. */
function caseBudgetMs(def: CaseDefinition): number {
  return 15_000 + callCount(def) * CALL_TIMEOUT_MS;
}

/** A test timeout that lets the slowest of these cases use all its attempts. */
export function testTimeoutMs(defs: readonly CaseDefinition[]): number {
  return Math.max(...defs.map((d) => 3 * caseBudgetMs(d) + 2_000));
}

/**
 * Runs one case in a fresh browser context (fresh preflight cache, HTTP cache and cookie jar) on
 * fresh loopback ports, and records what Chrome printed and what reached the servers. A harness
 * failure (a timeout, a navigation that did not happen) is retried twice from scratch; what Chrome
 * printed is never retried, it is returned for the test to judge.
 */
export async function runCase(browser: Browser, def: CaseDefinition, startFront?: StartFront): Promise<CaseRun> {
  const errors: string[] = [];
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      return await withTimeout(runOnce(browser, def, startFront), caseBudgetMs(def), `${def.id}: whole case`);
    } catch (e) {
      errors.push(`attempt ${attempt}: ${String(e instanceof Error ? e.message : e).split('\n')[0]}`);
      if (!browser.isConnected()) break;
      await sleep(200 * attempt);
    }
  }
  throw new Error(`${def.id}: the harness could not run the case\n${errors.join('\n')}`);
}

async function runOnce(browser: Browser, def: CaseDefinition, startFront?: StartFront): Promise<CaseRun> {
  const listening: Listening[] = [];
  let front: Front | undefined;
  let ctx: BrowserContext | undefined;
  let lastEventAt = Date.now();
  const bump = () => {
    lastEventAt = Date.now();
  };
  try {
    const pageHost = def.pageHost ?? 'localhost';
    const apiHost = def.apiHost ?? 'localhost';
    const api2Host = def.api2Host ?? 'localhost';
    const hits: ServerHit[] = [];
    // Filled in once every port is known; the servers read it when they answer.
    const tokens: Record<string, string> = {};
    const page = await listenLoopback(pageHandler());
    listening.push(page);
    const api = apiServer('api', def.server.api, tokens, hits, bump);
    const apiL = await listenLoopback(api.handler, api.onClientError);
    listening.push(apiL);
    const api2 = apiServer('api2', def.server.api2, tokens, hits, bump);
    const api2L = await listenLoopback(api2.handler, api2.onClientError);
    listening.push(api2L);

    const upstream = `http://${apiHost}:${apiL.port}`;
    if (startFront) front = await startFront({ origin: upstream, port: apiL.port }, bump);
    // Behind a front, the front *is* the API for the page and for the script (a `Location:
    // {API}/new-api` stays on it): the exchange Chrome sees is the one of the direct run.
    const apiPort = front ? front.port : apiL.port;
    Object.assign(tokens, {
      PAGE: `http://${pageHost}:${page.port}`,
      PAGE_PORT: String(page.port),
      API: `http://${apiHost}:${apiPort}`,
      API_PORT: String(apiPort),
      API_HOSTPORT: `${apiHost}:${apiPort}`,
      API2: `http://${api2Host}:${api2L.port}`,
      API2_PORT: String(api2L.port),
      API2_HOSTPORT: `${api2Host}:${api2L.port}`,
    });
    const ports: Record<string, number> = { PAGE_PORT: page.port, API_PORT: apiPort, API2_PORT: api2L.port };
    if (front) ports.UPSTREAM_PORT = apiL.port;

    const expandPairs = (pairs: readonly Pair[] | undefined) => pairs?.map(([k, v]): [string, string] => [k, expand(String(v), tokens)]);
    const { andThen, ...rest } = def.client;
    const call: PageCall = {
      ...(rest as Omit<PageCall, 'api' | 'callTimeoutMs' | 'headers'>),
      api: def.client.api ?? 'fetch',
      url: expand(def.client.url, tokens),
      callTimeoutMs: CALL_TIMEOUT_MS,
    };
    const headers = expandPairs(def.client.headers);
    if (headers) call.headers = headers;
    if (typeof def.client.body === 'string') call.body = expand(def.client.body, tokens);
    if (andThen) {
      call.andThen = andThen.map((o) => {
        const over = { ...(o as Partial<PageCall>) };
        if (o.url) over.url = expand(o.url, tokens);
        const h = expandPairs(o.headers);
        if (h) over.headers = h;
        return over;
      });
    }

    ctx = await browser.newContext();
    if (def.cookies !== false) {
      // Host-only Lax cookies on both loopback names: a credentialed call carries one.
      await ctx.addCookies([
        { name: 'oracle_sid', value: 'localhost-cookie', url: 'http://localhost/', sameSite: 'Lax' },
        { name: 'oracle_sid', value: 'ip-cookie', url: 'http://127.0.0.1/', sameSite: 'Lax' },
      ]);
    }
    const tab: Page = await ctx.newPage();
    const consoleErrors: string[] = [];
    let recording = false;
    tab.on('console', (m) => {
      bump();
      if (recording && m.type() === 'error') consoleErrors.push(m.text());
    });

    const sandboxed = def.context === 'sandboxed-iframe';
    await tab.goto(`${tokens.PAGE}${sandboxed ? '/sandboxed' : '/'}`, { waitUntil: 'load', timeout: 10_000 });
    let target: Page | Frame = tab;
    if (sandboxed) {
      const frame = tab.frames().find((f) => f.url().endsWith('/frame'));
      if (!frame) throw new Error(`${def.id}: sandboxed frame not found`);
      target = frame;
    }
    await sleep(20);
    hits.length = 0;
    recording = true;

    const js = await withTimeout(target.evaluate(pageClient, call), CALL_TIMEOUT_MS * callCount(def) + 2000, `${def.id}: page call`);
    const done = Date.now();
    bump();
    while (Date.now() - done < SETTLE_MAX_MS) {
      await sleep(50);
      if (Date.now() - lastEventAt >= SETTLE_QUIET_MS) break;
    }
    recording = false;
    const primary = primaryLines(consoleErrors);
    return {
      id: def.id,
      consoleErrors: consoleErrors.slice(),
      primary,
      corsLines: primary.filter(isCorsLine),
      js,
      hits: hits.slice(),
      ports,
      origins: { page: tokens.PAGE!, api: tokens.API!, api2: tokens.API2!, upstream },
    };
  } finally {
    if (ctx) await withTimeout(ctx.close(), 5000, 'context.close').catch(() => {});
    if (front) await front.close().catch(() => {});
    await Promise.all(listening.map((l) => l.close()));
  }
}

/** A call's outcome in a few words, for messages: `resolved 200 (cors)`, `rejected`, `xhr load 200`. */
export function describeCall(c: CallOutcome): string {
  if (c.events) return `xhr ${c.ok ? 'load' : 'error'} ${c.status ?? ''}`.trim();
  return c.ok ? `resolved ${c.status} (${c.type})` : `rejected${c.timedOut ? ' (timeout)' : ''}: ${c.error ?? ''}`;
}
