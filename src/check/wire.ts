/**
 * The requests Chrome puts on the wire for a page's cross-origin call, header by header, in
 * Chrome 156's usual order (as recorded in test/fixtures/chrome-oracle.json). Browser-only noise
 * (client hints, Accept-Encoding, Accept-Language, Connection) is left out: no CORS rule reads it.
 */
import { accessControlRequestHeaders, isSameOrigin } from '../cors/index.js';
import type { HeaderLine, RequestSnapshot } from '../cors/types.js';

export interface Call {
  readonly url: string;
  /** The method as fetch sends it (after normalization). */
  readonly method: string;
  /** The headers the page set, in its order (no forbidden header among them). */
  readonly authorHeaders: readonly HeaderLine[];
  /** The `Origin` header: the page's origin, `null` once a redirect tainted it, absent when not sent. */
  readonly originHeader: string | null;
  readonly pageOrigin: string;
  /** The browser's cookies for this URL (only with credentials `include`, never on a preflight). */
  readonly cookie?: string;
  readonly body?: string;
  readonly userAgent: string;
}

/**
 * CORS-preflight fetch (Fetch §4.8; Chromium `CreatePreflightRequest`): OPTIONS to the same URL,
 * no author headers, no cookies, `Access-Control-Request-Headers` only when non-empty.
 */
export function preflightRequest(call: Call): RequestSnapshot {
  const requestHeaders = accessControlRequestHeaders(call.authorHeaders);
  const headers: HeaderLine[] = [
    ['Host', hostOf(call.url)],
    ['Accept', '*/*'],
    ['Access-Control-Request-Method', call.method],
    ...(requestHeaders !== null ? [['Access-Control-Request-Headers', requestHeaders] as const] : []),
    ['Origin', call.originHeader ?? call.pageOrigin],
    ['User-Agent', call.userAgent],
    ['Sec-Fetch-Mode', 'cors'],
    ...fetchSiteLine(call),
    ...destAndReferer(call),
  ];
  return { url: call.url, method: 'OPTIONS', headers };
}

/** The actual request: the page's headers first, then what the browser adds. */
export function actualRequest(call: Call): RequestSnapshot {
  const hasAccept = call.authorHeaders.some(([n]) => n.toLowerCase() === 'accept');
  const hasContentType = call.authorHeaders.some(([n]) => n.toLowerCase() === 'content-type');
  const body = call.body;
  const headers: HeaderLine[] = [
    ['Host', hostOf(call.url)],
    ...(body !== undefined ? [['Content-Length', String(Buffer.byteLength(body))] as const] : []),
    ...call.authorHeaders,
    // fetch() and XMLHttpRequest.send() label a string body they were given no type for.
    ...(body !== undefined && !hasContentType ? [['Content-Type', 'text/plain;charset=UTF-8'] as const] : []),
    ['User-Agent', call.userAgent],
    ...(hasAccept ? [] : [['Accept', '*/*'] as const]),
    ...(call.originHeader !== null ? [['Origin', call.originHeader] as const] : []),
    ...fetchSiteLine(call),
    ['Sec-Fetch-Mode', 'cors'],
    ...destAndReferer(call),
    ...(call.cookie !== undefined ? [['Cookie', call.cookie] as const] : []),
  ];
  return { url: call.url, method: call.method, headers };
}

function fetchSiteLine(call: Call): HeaderLine[] {
  const site = fetchSite(call.pageOrigin, call.url);
  return site !== null ? [['Sec-Fetch-Site', site]] : [];
}

/** `Sec-Fetch-Dest`, and the `Referer` Chrome's default policy (strict-origin-when-cross-origin) leaves. */
function destAndReferer(call: Call): HeaderLine[] {
  return [['Sec-Fetch-Dest', 'empty'], ...(call.pageOrigin !== 'null' ? [['Referer', `${call.pageOrigin}/`] as const] : [])];
}

/**
 * `Sec-Fetch-Site`, only where it is certain without the public suffix list: same host (any port)
 * is same-site when the scheme matches; two different IP addresses or single-label hosts
 * (`localhost`) are cross-site. Otherwise the header is left out rather than guessed.
 */
export function fetchSite(pageOrigin: string, url: string): 'same-origin' | 'same-site' | 'cross-site' | null {
  if (pageOrigin === 'null') return 'cross-site';
  if (isSameOrigin(pageOrigin, url)) return 'same-origin';
  let page: URL;
  let target: URL;
  try {
    page = new URL(pageOrigin);
    target = new URL(url);
  } catch {
    return null;
  }
  if (page.protocol !== target.protocol) return 'cross-site';
  if (page.hostname === target.hostname) return 'same-site';
  const standalone = (host: string) => !host.includes('.') || /^\d+\.\d+\.\d+\.\d+$/.test(host) || host.startsWith('[');
  return standalone(page.hostname) || standalone(target.hostname) ? 'cross-site' : null;
}

/** `host[:port]` as Chrome sends it in Host (the default port left out). */
function hostOf(url: string): string {
  return new URL(url).host;
}
