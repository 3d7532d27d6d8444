/**
 * Node's view of an exchange -> the engine's plain input. Always from `rawHeaders`: Node's merged
 * `headers` joins duplicates, and a duplicated CORS header is itself a finding.
 */
import type { IncomingMessage } from 'node:http';
import { firstHeaderValue } from '../cors/index.js';
import type { HeaderLine, Initiator, RequestSnapshot } from '../cors/types.js';

/** `[name, value, name, value, …]` (Node's rawHeaders) -> lines, order and duplicates kept. */
export function toLines(raw: readonly string[]): HeaderLine[] {
  const lines: HeaderLine[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) lines.push([raw[i]!, raw[i + 1]!]);
  return lines;
}

/**
 * The origin the browser believes it is talking to: `--public-url` when corscope sits behind
 * something else, otherwise the listener's scheme and the Host header exactly as received.
 */
export function browserOrigin(req: IncomingMessage, publicUrl: URL | undefined, fallbackHost: string): string {
  if (publicUrl) return publicUrl.origin;
  const host = req.headers.host || fallbackHost;
  const scheme = (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
  return `${scheme}://${host}`;
}

/** The absolute URL the browser used: the one Chrome prints in its message. */
export function browserUrl(req: IncomingMessage, publicUrl: URL | undefined, fallbackHost: string): string {
  const path = req.url ?? '/';
  if (publicUrl) return joinPath(publicUrl, path);
  return browserOrigin(req, undefined, fallbackHost) + (path.startsWith('/') ? path : `/${path}`);
}

/** `--public-url http://x/base` + `/api` -> `http://x/base/api` (a path prefix is kept). */
function joinPath(base: URL, path: string): string {
  const prefix = base.pathname.replace(/\/+$/, '');
  return `${base.origin}${prefix}${path.startsWith('/') ? path : `/${path}`}`;
}

export function requestSnapshot(req: IncomingMessage, url: string): RequestSnapshot {
  return { url, method: req.method ?? 'GET', headers: toLines(req.rawHeaders) };
}

/** XHR and fetch look alike on the wire; only libraries that add X-Requested-With tell them apart. */
export function initiatorOf(request: RequestSnapshot, forced: Initiator | undefined): Initiator {
  if (forced) return forced;
  return firstHeaderValue(request.headers, 'x-requested-with')?.toLowerCase() === 'xmlhttprequest' ? 'xhr' : 'fetch';
}
