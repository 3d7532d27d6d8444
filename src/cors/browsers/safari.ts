import { classifyRequest } from '../classify.js';
import { normalizedHeader } from '../header-list.js';
import { safeUrl } from '../origin.js';
import type { Exchange } from '../types.js';
import { byCredentials, commaItems, engineInput, isHttpToken, isOk, type EngineInput, type Run } from './inputs.js';
import { SAFARI_CATALOG as SAY, WEBKIT_COMMON_REQUEST_HEADERS } from './safari-messages.js';
import type { BrowserVerdict } from './types.js';

/**
 * WebKit's (Safari's) rules where they differ from Chrome's, from WebCore
 * `CrossOriginAccessControl.cpp`, `CrossOriginPreflightResultCache.cpp` and WebKit
 * `NetworkLoadChecker.cpp`, checked against WebKitGTK 2.50:
 * - Access-Control-Allow-Origin is read as one string (lines joined with ", "): `*` passes without
 *   credentials, the page's origin passes, and anything else is the wildcard, the "more than one
 *   origin" (a comma) or one line for missing, wrong and invalid alike;
 * - a preflight checks its status first (a redirected preflight is a non-2xx one), then the origin,
 *   then parses both lists before it checks the method, then the headers;
 * - the refused header is the first in the page's own header map: WebKit's common headers first,
 *   spelled canonically, then the others as the page wrote them, in the order it set them;
 * - every failure is followed by the page-side "cannot load … due to access control checks." line.
 */

const ACAO = 'access-control-allow-origin';

/** `passesAccessControlCheck`: the message, or null when the response passes. */
function accessCheck(input: EngineInput, include: boolean): string | null {
  const allowOrigin = normalizedHeader(input.headers, ACAO) ?? '';
  if (allowOrigin === '*' && !include) return null;
  if (allowOrigin !== input.origin) {
    if (allowOrigin === '*') return SAY.wildcardWithCredentials();
    if (allowOrigin.includes(',')) return SAY.multipleOrigins();
    return SAY.originNotAllowed(input.origin, input.status);
  }
  if (include && normalizedHeader(input.headers, 'access-control-allow-credentials') !== 'true') {
    return SAY.credentialsNotTrue();
  }
  return null;
}

function blocked(input: EngineInput, message: string): Run<string> {
  const page = input.initiator === 'xhr' ? SAY.xhrCannotLoad(input.url) : SAY.fetchCannotLoad(input.url);
  return { blocked: true, lines: [message, page] };
}

const PASS: Run<string> = { blocked: false, lines: [] };

/** `validatePreflightResponse`, then `CrossOriginPreflightResultCacheItem::validateMethodAndHeaders`. */
function preflight(input: EngineInput, include: boolean): Run<string> {
  if (!isOk(input.status)) return blocked(input, SAY.preflightNotSuccessful(input.status));
  const access = accessCheck(input, include);
  if (access) return blocked(input, access);
  const rawMethods = normalizedHeader(input.headers, 'access-control-allow-methods');
  const methods = commaItems(rawMethods);
  if (!methods.every(isHttpToken)) return blocked(input, SAY.invalidAllowMethods(rawMethods ?? ''));
  const rawHeaders = normalizedHeader(input.headers, 'access-control-allow-headers');
  const allowedHeaders = commaItems(rawHeaders);
  if (!allowedHeaders.every(isHttpToken)) return blocked(input, SAY.invalidAllowHeaders(rawHeaders ?? ''));
  const method = input.method;
  const methodAllowed =
    methods.includes(method) || (methods.includes('*') && !include) || method === 'GET' || method === 'HEAD' || method === 'POST';
  if (!methodAllowed) return blocked(input, SAY.methodNotAllowed(method));
  const allowed = new Set(allowedHeaders.map((name) => name.toLowerCase()));
  if (allowed.has('*') && !include) return PASS;
  const refused = headerMapOrder(input).find((name) => !allowed.has(name.toLowerCase()));
  return refused === undefined ? PASS : blocked(input, SAY.headerNotAllowed(refused));
}

/**
 * The page's unsafe headers in `HTTPHeaderMap` order. Without the page's own order (a proxy sees
 * only the sorted, lowercased Access-Control-Request-Headers) that sorted order stands in, common
 * headers first, and an uncommon name can only be printed lowercased.
 */
function headerMapOrder(input: EngineInput): string[] {
  const requested = new Set(input.requestedHeaders);
  const written = (input.authorHeaderOrder ?? []).filter((name) => requested.has(name.toLowerCase()));
  const seen = new Set(written.map((name) => name.toLowerCase()));
  const names = [...written, ...input.requestedHeaders.filter((name) => !seen.has(name))];
  const spelled = names.map((name) => WEBKIT_COMMON_REQUEST_HEADERS.get(name.toLowerCase()) ?? name);
  const common = spelled.filter((name) => WEBKIT_COMMON_REQUEST_HEADERS.has(name.toLowerCase()));
  return [...common, ...spelled.filter((name) => !WEBKIT_COMMON_REQUEST_HEADERS.has(name.toLowerCase()))];
}

/** `NetworkLoadChecker::validateResponse` and `checkRedirection`. */
function request(input: EngineInput, include: boolean): Run<string> {
  // WebKit leaves a 304 to the cached response it revalidates.
  if (input.status === 304) return PASS;
  const access = accessCheck(input, include);
  if (input.location === null) return access ? blocked(input, access) : PASS;
  const location = safeUrl(input.location);
  // The new request's URL is printed without the user:password the Location carried.
  const target = location === null ? input.location : withoutCredentials(location);
  if (access) return blocked(input, SAY.redirectDenied(target, access));
  // WebKit's network layer refuses ftp: before any CORS step, in its own words.
  if (location !== null && location.protocol === 'ftp:') return blocked(input, SAY.ftpDisabled());
  if (location !== null && location.protocol !== 'http:' && location.protocol !== 'https:') {
    return blocked(input, SAY.redirectDenied(target, SAY.redirectNonCorsScheme()));
  }
  if (location !== null && (location.username !== '' || location.password !== '')) {
    return blocked(input, SAY.redirectDenied(target, SAY.redirectHasCredentials(input.location)));
  }
  return PASS;
}

function withoutCredentials(url: URL): string {
  const copy = new URL(url.href);
  copy.username = '';
  copy.password = '';
  return copy.href;
}

/** Safari's verdict and console lines for one exchange. */
export function safariVerdict(exchange: Exchange): BrowserVerdict {
  if ('notCors' in classifyRequest(exchange.request)) return { verdict: 'allowed', lines: [] };
  const input = engineInput(exchange);
  return byCredentials(exchange, (include) => (input.stage === 'preflight' ? preflight(input, include) : request(input, include)));
}
