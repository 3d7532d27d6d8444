import { headerLineCount, headerValues, normalizedHeader, trimOws } from './header-list.js';
import { parseAllowLists, type PreflightAllowLists } from './preflight.js';
import { redirectLocation, resolveLocation } from './redirect.js';
import type { Exchange, Initiator, Stage, Wording } from './types.js';

/** Everything the checks read from one exchange, parsed once. */
export interface ExchangeFacts {
  readonly stage: Stage;
  readonly url: string;
  readonly initialUrl?: string;
  /** The `Origin` header as sent (`null` after tainting). */
  readonly origin: string;
  /** The origin Chrome prints. */
  readonly pageOrigin: string;
  readonly initiator: Initiator;
  readonly wording: Wording;
  readonly status: number;
  readonly allowOrigin: string | null;
  readonly allowOriginLines: number;
  readonly allowCredentials: string | null;
  readonly allowCredentialsLines: number;
  /** The actual request's method: `Access-Control-Request-Method` on a preflight. */
  readonly method: string;
  /** The author request-header names a preflight asks for (lowercase, as in `Access-Control-Request-Headers`). */
  readonly requestedHeaders: readonly string[];
  /** The order the page set its headers in, when the caller knows it. */
  readonly authorHeaderOrder?: readonly string[];
  readonly allowLists: PreflightAllowLists;
  readonly maxAge: string | null;
  /** A redirect's Location, resolved against `url`; null when the response is not a redirect. */
  readonly location: string | null;
  readonly vary: readonly string[];
  readonly exposeHeaders: string | null;
}

export function gatherFacts(exchange: Exchange, origin: string): ExchangeFacts {
  const { stage, request, response } = exchange;
  const context = exchange.context ?? {};
  const headers = response.headers;
  const rawLocation = redirectLocation(response.status, headers);
  const requestedHeaders =
    stage === 'preflight'
      ? (normalizedHeader(request.headers, 'access-control-request-headers') ?? '')
          .split(',')
          .map((name) => trimOws(name).toLowerCase())
          .filter((name) => name !== '')
      : [];
  return {
    stage,
    url: request.url,
    ...(context.redirect ? { initialUrl: context.redirect.initialUrl } : {}),
    origin,
    pageOrigin: context.pageOrigin ?? origin,
    initiator: context.initiator ?? 'fetch',
    wording: context.wording ?? 'current',
    status: response.status,
    allowOrigin: normalizedHeader(headers, 'access-control-allow-origin'),
    allowOriginLines: headerLineCount(headers, 'access-control-allow-origin'),
    allowCredentials: normalizedHeader(headers, 'access-control-allow-credentials'),
    allowCredentialsLines: headerLineCount(headers, 'access-control-allow-credentials'),
    method:
      stage === 'preflight'
        ? (headerValues(request.headers, 'access-control-request-method')[0] ?? request.method)
        : request.method,
    requestedHeaders,
    ...(context.authorHeaderOrder ? { authorHeaderOrder: context.authorHeaderOrder.map((n) => n.toLowerCase()) } : {}),
    allowLists: parseAllowLists(headers),
    maxAge: normalizedHeader(headers, 'access-control-max-age'),
    location: rawLocation === null ? null : (resolveLocation(rawLocation, request.url) ?? rawLocation),
    vary: headerValues(headers, 'vary').flatMap((v) => v.split(',').map((item) => trimOws(item).toLowerCase())),
    exposeHeaders: normalizedHeader(headers, 'access-control-expose-headers'),
  };
}
