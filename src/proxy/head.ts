/**
 * Writing the target's response head back to the browser: every end-to-end line as received (order,
 * case, duplicates), hop-by-hop lines dropped (RFC 9110 §7.6.1) and the body framing left to Node.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { HeaderLine } from '../cors/types.js';
import type { Route } from './fronts.js';

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'upgrade',
  // Node frames the body itself (chunked or Content-Length) on the browser side.
  'transfer-encoding',
]);

export function stripHopByHop(lines: readonly HeaderLine[]): HeaderLine[] {
  const listed = connectionListed(lines);
  return lines.filter(([name]) => isEndToEnd(name, listed));
}

/**
 * The head as `res.writeHead` takes it verbatim, `[name, value, name, value, …]`, hop-by-hop lines
 * dropped: one pass and one array per response (the proxy's hot path).
 */
export function wireHead(lines: readonly HeaderLine[]): string[] {
  const listed = connectionListed(lines);
  const flat: string[] = [];
  for (const [name, value] of lines) if (isEndToEnd(name, listed)) flat.push(name, value);
  return flat;
}

/** Header lines as they go on the wire, each with its CRLF. */
export function headerBlock(lines: readonly HeaderLine[]): string {
  let block = '';
  for (const [name, value] of lines) block += `${name}: ${value}\r\n`;
  return block;
}

/**
 * A response head as bytes (latin1, as Node reads header values), for a connection corscope writes
 * itself: Node's server no longer manages it, or its response writer refuses what Chrome reads (a
 * status below 100, control characters). `Connection: close` ends it; the connection closes after
 * the body. `status` is written as given (`099` stays `099`).
 */
export function closingHead(status: number | string, statusText: string, lines: readonly HeaderLine[]): Buffer {
  return Buffer.from(`HTTP/1.1 ${status}${statusText === '' ? '' : ` ${statusText}`}\r\n${headerBlock(lines)}Connection: close\r\n\r\n`, 'latin1');
}

/** Names a `Connection` line lists are hop-by-hop too (RFC 9110 §7.6.1). */
function connectionListed(lines: readonly HeaderLine[]): Set<string> | undefined {
  let listed: Set<string> | undefined;
  for (const [name, value] of lines) {
    if (name.length !== 10 || name.toLowerCase() !== 'connection') continue;
    listed ??= new Set();
    for (const token of value.split(',')) listed.add(token.trim().toLowerCase());
  }
  return listed;
}

function isEndToEnd(name: string, listed: Set<string> | undefined): boolean {
  const lower = name.toLowerCase();
  return !HOP_BY_HOP.has(lower) && !listed?.has(lower);
}

/** The request lines that belong to the browser's connection only (besides those `Connection` lists). */
const REQUEST_HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'upgrade']);

/** Request lines that frame the body: Node re-frames it for the target from these, so they stay. */
const FRAMING = new Set(['content-length', 'transfer-encoding']);

/**
 * The browser's request as it goes on to the target, without the lines that were about the
 * browser's connection only (RFC 9110 §7.6.1): `Connection`, the names it lists, `Keep-Alive`,
 * `Proxy-Connection`, `TE` and `Upgrade`. Node's agent says what it needs on its own connection. A
 * forwarded `Connection: close` made the target close a connection the agent then reused.
 * `Expect: 100-continue` goes too: Node answered it on the browser's connection before corscope saw
 * the request (as nginx does), and http-proxy-3 skips its `proxyReq` event for a request that
 * expects, so `--timeout` could not watch it (a silent target then hung the request for good).
 * `headers` is the request's parsed view, which http-proxy-3 copies; the raw lines the engine
 * judges are untouched.
 */
export function dropHopByHopRequest(headers: IncomingHttpHeaders): void {
  const connection = headers.connection;
  // Chrome sends `Connection: keep-alive` on every request, which is what the agent says on its own
  // connection: left in place, because deleting a property is ~1 µs once http-proxy-3 copies the object.
  const plain = connection === undefined || (connection.length === 10 && connection.toLowerCase() === 'keep-alive');
  if (plain && headers['keep-alive'] === undefined && headers['proxy-connection'] === undefined && headers.te === undefined && headers.upgrade === undefined && headers.expect === undefined) return;
  if (headers.expect !== undefined) delete headers.expect;
  if (connection !== undefined) {
    for (const token of connection.split(',')) {
      const name = token.trim().toLowerCase();
      if (name !== '' && !FRAMING.has(name)) delete headers[name];
    }
  }
  for (const name of REQUEST_HOP_BY_HOP) if (headers[name] !== undefined) delete headers[name];
}

/** `dropHopByHopRequest` for raw request lines, in order (a raw relay adds its own `Connection`). */
export function forwardedRequestLines(lines: readonly HeaderLine[]): HeaderLine[] {
  const listed = connectionListed(lines);
  return lines.filter(([name]) => {
    const lower = name.toLowerCase();
    return FRAMING.has(lower) || (!REQUEST_HOP_BY_HOP.has(lower) && !listed?.has(lower));
  });
}

export interface LocationRewrite {
  /** The lines given when nothing was rewritten (not a copy), new lines otherwise. */
  readonly headers: readonly HeaderLine[];
  /** The absolute URL the browser will follow next, when corscope can see it. */
  readonly next?: string;
}

/**
 * A redirect to a fronted target (this one or another) is pointed at corscope's listener for it,
 * so the browser stays on the proxy and the next hop is judged too; the target's base path goes,
 * since corscope adds it back. Locations elsewhere are left as sent.
 */
export function rewriteLocation(status: number, lines: readonly HeaderLine[], routes: readonly Route[], requestUrl: string): LocationRewrite {
  if (status < 300 || status > 399) return { headers: lines };
  let next: string | undefined;
  const headers = lines.map((line): HeaderLine => {
    if (line[0].toLowerCase() !== 'location') return line;
    const value = line[1];
    const route = routes.find(({ from }) => startsWithOrigin(value, from));
    if (route) {
      const rest = value.slice(route.from.length);
      const rewritten = route.to + (rest === '' || rest.startsWith('/') ? rest : `/${rest}`);
      next ??= rewritten;
      return [line[0], rewritten];
    }
    next ??= resolve(value, requestUrl);
    return line;
  });
  return next ? { headers, next } : { headers };
}

function startsWithOrigin(value: string, origin: string): boolean {
  if (!value.toLowerCase().startsWith(origin.toLowerCase())) return false;
  const rest = value.charAt(origin.length);
  return rest === '' || rest === '/' || rest === '?' || rest === '#';
}

function resolve(location: string, base: string): string | undefined {
  try {
    return new URL(location, base).href;
  } catch {
    return undefined;
  }
}

/** Patch mode turned a failing preflight into a 204, which has no body: its length goes too. */
export function bodiless<T extends { readonly status: number; readonly headers: readonly HeaderLine[] }>(originalStatus: number, head: T): T {
  if (head.status !== 204 || originalStatus === 204) return head;
  return { ...head, headers: head.headers.filter(([name]) => name.toLowerCase() !== 'content-length') };
}
