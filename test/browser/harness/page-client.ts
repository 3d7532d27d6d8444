/**
 * The call the page makes. `pageClient` is serialised by Playwright and runs inside the page (or
 * the sandboxed frame): it must stay self-contained (no imports, no helpers from outside).
 * The project compiles without the DOM library, so the few browser names it uses are declared here.
 */

export interface PageCall {
  api: 'fetch' | 'xhr';
  url: string;
  method?: string;
  headers?: [string, string][];
  body?: string;
  credentials?: string;
  mode?: string;
  redirect?: string;
  cache?: string;
  withCredentials?: boolean;
  repeat?: number;
  repeatDelayMs?: number;
  andThen?: Partial<PageCall>[];
  callTimeoutMs: number;
}

/** One call's outcome. fetch: resolved (`ok` = resolved, whatever the status) or rejected. XHR: `load` or not. */
export interface CallOutcome {
  ok: boolean;
  method: string;
  url: string;
  status?: number;
  type?: string;
  events?: string[];
  error?: string;
  timedOut?: boolean;
}

export interface PageResult {
  origin: string;
  calls: CallOutcome[];
}

interface XhrLike {
  open(method: string, url: string, async: boolean): void;
  setRequestHeader(name: string, value: string): void;
  addEventListener(type: string, listener: () => void): void;
  send(body: string | null): void;
  abort(): void;
  withCredentials: boolean;
  readonly status: number;
}
declare const XMLHttpRequest: new () => XhrLike;
declare const self: { readonly origin: string };

export async function pageClient(call: PageCall): Promise<PageResult> {
  const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

  async function viaFetch(c: PageCall): Promise<Omit<CallOutcome, 'method' | 'url'>> {
    const init: Record<string, unknown> = { method: c.method ?? 'GET' };
    if (c.headers) init.headers = c.headers;
    if (c.credentials) init.credentials = c.credentials;
    if (c.mode) init.mode = c.mode;
    if (c.body !== undefined && c.body !== null) init.body = c.body;
    if (c.redirect) init.redirect = c.redirect;
    if (c.cache) init.cache = c.cache;
    const ac = new AbortController();
    init.signal = ac.signal;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      ac.abort();
    }, c.callTimeoutMs);
    try {
      const r = await fetch(c.url, init as RequestInit);
      await r.text().catch(() => '');
      return { ok: true, status: r.status, type: r.type };
    } catch (e) {
      return { ok: false, timedOut, error: String(e) };
    } finally {
      clearTimeout(timer);
    }
  }

  function viaXhr(c: PageCall): Promise<Omit<CallOutcome, 'method' | 'url'>> {
    return new Promise((resolve) => {
      const x = new XMLHttpRequest();
      const events: string[] = [];
      let done = false;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const finish = (extra: Partial<CallOutcome>) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        resolve({ ok: events.includes('load'), status: x.status, events, ...extra });
      };
      timer = setTimeout(() => {
        try {
          x.abort();
        } catch {
          // already finished
        }
        finish({ ok: false, timedOut: true });
      }, c.callTimeoutMs);
      try {
        x.open(c.method ?? 'GET', c.url, true);
        if (c.withCredentials) x.withCredentials = true;
        for (const [k, v] of c.headers ?? []) x.setRequestHeader(k, v);
      } catch (e) {
        finish({ ok: false, error: String(e) });
        return;
      }
      for (const ev of ['loadstart', 'load', 'error', 'abort', 'timeout', 'loadend']) {
        x.addEventListener(ev, () => {
          events.push(ev);
          if (ev === 'loadend') setTimeout(() => finish({}), 0);
        });
      }
      try {
        x.send(c.body ?? null);
      } catch (e) {
        finish({ ok: false, error: String(e) });
      }
    });
  }

  // repeat: the same call N times (preflight cache); andThen: the base call with fields overridden.
  const base: PageCall = { ...call };
  delete base.andThen;
  const plan: PageCall[] = [];
  for (let i = 0; i < (call.repeat ?? 1); i++) plan.push(base);
  for (const over of call.andThen ?? []) plan.push({ ...base, ...over });
  const calls: CallOutcome[] = [];
  for (let i = 0; i < plan.length; i++) {
    const c = plan[i]!;
    if (i > 0 && call.repeatDelayMs) await pause(call.repeatDelayMs);
    const outcome = c.api === 'xhr' ? await viaXhr(c) : await viaFetch(c);
    calls.push({ method: c.method ?? 'GET', url: c.url, ...outcome });
  }
  return { origin: self.origin, calls };
}
