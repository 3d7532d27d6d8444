/**
 * Set-Cookie through corscope (issue 17). A target's cookies are written for the target's host;
 * the browser talks to corscope's. So a `Domain=api.staging.example.com` is refused by Chrome only
 * because corscope is in between, and a `Path=/v1` misses every path the browser uses. This
 * rewrites such lines as http-proxy's `cookieDomainRewrite: ''` / `cookiePathRewrite` do, and says
 * for the record what it rewrote and why Chrome would refuse a cookie anyway. Pure: no I/O.
 */
import type { HeaderLine } from '../cors/types.js';
import { parseSetCookie, type ParsedSetCookie } from './line.js';
import { bareHost, domainMatches, isLocalhost, judge, type CookieRejection, type CookieWarning } from './rules.js';

export { isLocalhost, type CookieBlockedReason, type CookieRejection, type CookieWarning } from './rules.js';

export interface CookieScope {
  /** The target's hostname, e.g. `api.staging.example.com` or `127.0.0.1` (IPv6 with or without brackets). */
  readonly targetHost: string;
  /** The target URL's path without a trailing slash ('' for `/`), e.g. `/v1`. */
  readonly targetBasePath: string;
  /**
   * The URL the browser requested through corscope, e.g. `http://localhost:8081/login`. Only its
   * scheme and host matter, so an origin will do and one scope may serve every request of a target
   * that arrives under one Host.
   */
  readonly browserUrl: string;
}

/** What the record says of one cookie. Its name only: values are secrets. */
export interface CookieFact {
  readonly name: string;
  /** The Domain attribute corscope dropped (`to: null`): the cookie is host-only on the browser's host. */
  readonly domain?: { readonly from: string; readonly to: string | null };
  /** The Path attribute corscope rewrote from under the target's base path. */
  readonly path?: { readonly from: string; readonly to: string };
  /** Why Chrome refuses to store the cookie at the browser's URL, after any rewrite. */
  readonly rejected?: CookieRejection;
  /** A third-party cookie (set by a cross-site fetch): stored only where the browser allows those. */
  readonly warning?: CookieWarning;
}

export interface CookieOutcome {
  /** The response's lines, each rewritten Set-Cookie in place; the same array when none was rewritten. */
  readonly headers: readonly HeaderLine[];
  /** The cookies there is something to say about (rewritten, refused or third-party), in line order; never empty. */
  readonly cookies: readonly CookieFact[];
}

/**
 * The response's Set-Cookie lines as they go to the browser, and what to say of them.
 * `undefined` when there is nothing to change and nothing to say (always so without a Set-Cookie
 * line: one scan of the header names, nothing allocated): forward `lines` as they are.
 * `initiator` is the page's origin for a subresource request (see `requestingOriginOf`); with it, a
 * cookie a cross-site fetch cannot set is named too.
 */
export function cookiesOf(lines: readonly HeaderLine[], scope: CookieScope, rewrite: boolean, initiator?: string): CookieOutcome | undefined {
  const first = firstSetCookie(lines);
  if (first < 0) return undefined;

  const url = parseUrl(scope.browserUrl);
  const browserHost = url === undefined ? '' : bareHost(url.hostname);
  const targetHost = bareHost(scope.targetHost);
  let headers: HeaderLine[] | undefined;
  let facts: CookieFact[] | undefined;
  for (let i = first; i < lines.length; i++) {
    const [name, value] = lines[i]!;
    if (!isSetCookie(name)) continue;
    const parsed = parseSetCookie(value);
    let judged = parsed;
    let domain: CookieFact['domain'];
    let path: CookieFact['path'];
    // A line Chrome drops whole is forwarded untouched: rewriting cannot save it.
    if (rewrite && parsed.invalid === undefined) {
      const rewritten = rewriteLine(value, parsed, targetHost, browserHost, scope.targetBasePath);
      if (rewritten !== undefined) {
        ({ domain, path } = rewritten);
        headers ??= lines.slice();
        headers[i] = [name, rewritten.line];
        judged = parseSetCookie(rewritten.line);
      }
    }
    const { rejected, warning } =
      url === undefined ? NOT_JUDGED : judge(judged, { url, host: browserHost }, initiator, !rewrite && wouldDrop(judged.domain, targetHost, browserHost));
    if (domain === undefined && path === undefined && rejected === undefined && warning === undefined) continue;
    (facts ??= []).push({
      name: parsed.name,
      ...(domain && { domain }),
      ...(path && { path }),
      ...(rejected && { rejected }),
      ...(warning && { warning }),
    });
  }
  return facts === undefined ? undefined : { headers: headers ?? lines, cookies: facts };
}

const NOT_JUDGED: { rejected?: CookieRejection; warning?: CookieWarning } = {};

/** `Set-Cookie` in any case, without allocating (the name is compared in place). */
/** Whether the answer sets a cookie at all: what a caller checks before building a scope. */
export function setsCookie(lines: readonly HeaderLine[]): boolean {
  return firstSetCookie(lines) >= 0;
}

function firstSetCookie(lines: readonly HeaderLine[]): number {
  for (let i = 0; i < lines.length; i++) if (isSetCookie(lines[i]![0])) return i;
  return -1;
}

function isSetCookie(name: string): boolean {
  if (name.length !== 10) return false;
  const want = 'set-cookie';
  for (let i = 0; i < 10; i++) {
    const c = name.charCodeAt(i);
    // ASCII letters fold to lowercase with 0x20; '-' is compared as is.
    if ((c >= 0x41 && c <= 0x5a ? c | 0x20 : c) !== want.charCodeAt(i)) return false;
  }
  return true;
}

function parseUrl(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/**
 * A Domain written for the target and not covering the browser's host is dropped rather than
 * rewritten to `Domain=localhost`: Chrome accepts `Domain=localhost` only at exactly `localhost`
 * (there is no registrable domain there) and then stores the same host-only cookie, while the same
 * line is refused when the browser uses 127.0.0.1, app.localhost or another public URL, and makes a
 * `__Host-` cookie invalid. Without the attribute, the cookie is host-only on whatever host the
 * browser used, which is always accepted, and it is what http-proxy's `cookieDomainRewrite: ''` does.
 */
const wouldDrop = (domain: string | undefined, targetHost: string, browserHost: string): boolean =>
  domain !== undefined && domain !== '' && browserHost !== '' && domainMatches(targetHost, domain) && !domainMatches(browserHost, domain);

/** A Path under the target's base path, as the browser sees it: `/v1/auth` -> `/auth`, `/v1` -> `/`. */
function pathUnder(path: string, base: string): string | undefined {
  if (base === '' || base === '/') return undefined;
  if (path === base || path === `${base}/`) return '/';
  return path.startsWith(`${base}/`) ? path.slice(base.length) : undefined;
}

interface Rewritten {
  readonly line: string;
  readonly domain?: { readonly from: string; readonly to: null };
  readonly path?: { readonly from: string; readonly to: string };
}

/** The line with each such Domain dropped and each such Path rewritten; every other byte kept. */
function rewriteLine(line: string, parsed: ParsedSetCookie, targetHost: string, browserHost: string, basePath: string): Rewritten | undefined {
  const edits: { start: number; end: number; text: string }[] = [];
  let domain: Rewritten['domain'];
  let path: Rewritten['path'];
  for (const span of parsed.domains) {
    const value = line.slice(span.valueStart, span.valueEnd);
    if (!wouldDrop(value, targetHost, browserHost)) continue;
    // From the ';' in front to the next ';': "a=1; Domain=x; Path=/" -> "a=1; Path=/".
    edits.push({ start: span.separator, end: span.end, text: '' });
    domain = { from: value, to: null };
  }
  for (const span of parsed.paths) {
    const value = line.slice(span.valueStart, span.valueEnd);
    const to = pathUnder(value, basePath);
    if (to === undefined) continue;
    edits.push({ start: span.valueStart, end: span.valueEnd, text: to });
    path = { from: value, to };
  }
  if (edits.length === 0) return undefined;
  edits.sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  for (const edit of edits) {
    out += line.slice(at, edit.start) + edit.text;
    at = edit.end;
  }
  out += line.slice(at);
  return { line: out, ...(domain && { domain }), ...(path && { path }) };
}

/**
 * The page's origin when a response's cookies are set in its context: a subresource request
 * (Sec-Fetch-Mode other than `navigate`) that carries an Origin. `undefined` when Chrome sets them
 * in a same-site context whatever the page (a top-level navigation), or when the request does not
 * tell (no Sec-Fetch-Mode: Chrome sends it only to https: and localhost; Origin `null`).
 */
export function requestingOriginOf(requestHeaders: readonly HeaderLine[]): string | undefined {
  let origin: string | undefined;
  let mode: string | undefined;
  for (const [name, value] of requestHeaders) {
    if (name.length === 6 && name.toLowerCase() === 'origin') origin = value.trim();
    else if (name.length === 14 && name.toLowerCase() === 'sec-fetch-mode') mode = value.trim().toLowerCase();
  }
  if (mode === undefined || mode === 'navigate' || origin === undefined || origin === 'null') return undefined;
  return origin;
}

/** What a CookieScope needs of a target URL: its host, and its path without trailing slashes. */
export function cookieTargetOf(target: string | URL): { readonly targetHost: string; readonly targetBasePath: string } {
  const url = typeof target === 'string' ? new URL(target) : target;
  return { targetHost: bareHost(url.hostname), targetBasePath: url.pathname.replace(/\/+$/, '') };
}

/**
 * A target whose cookies need rewriting by default: one Chrome does not count as localhost
 * (net::IsLocalhost: localhost, *.localhost, 127.0.0.0/8, ::1), so its Domain attributes cannot
 * name the host the browser uses.
 */
export function isRemoteTarget(target: string | URL): boolean {
  const url = typeof target === 'string' ? new URL(target) : target;
  return !isLocalhost(url.hostname);
}
