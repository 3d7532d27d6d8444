import { credentialsOf } from '../judge.js';
import { headerValues, normalizedHeader, trimOws } from '../header-list.js';
import { redirectLocation, resolveLocation } from '../redirect.js';
import type { Exchange, HeaderLine, Initiator } from '../types.js';

/** The plain facts every engine reads from one exchange, as the proxy saw it. */
export interface EngineInput {
  readonly stage: Exchange['stage'];
  readonly url: string;
  /** The `Origin` the request carried: `null` after a tainting redirect, as every engine sends it. */
  readonly origin: string;
  readonly initiator: Initiator;
  readonly status: number;
  readonly headers: readonly HeaderLine[];
  /** A redirect's Location resolved against `url`; null when the response is not a redirect. */
  readonly location: string | null;
  /** The actual request's method (`Access-Control-Request-Method` on a preflight). */
  readonly method: string;
  /** `Access-Control-Request-Headers`, lowercased, in the order sent (every engine sorts it). */
  readonly requestedHeaders: readonly string[];
  /** The names the page set, as written and in order, when the caller knows them (`corscope check`). */
  readonly authorHeaderOrder?: readonly string[];
}

export function engineInput(exchange: Exchange): EngineInput {
  const { request, response, stage } = exchange;
  const context = exchange.context ?? {};
  const rawLocation = redirectLocation(response.status, response.headers);
  return {
    stage,
    url: request.url,
    origin: headerValues(request.headers, 'origin')[0] ?? 'null',
    initiator: context.initiator ?? 'fetch',
    status: response.status,
    headers: response.headers,
    location: rawLocation === null ? null : (resolveLocation(rawLocation, request.url) ?? rawLocation),
    method:
      stage === 'preflight'
        ? (headerValues(request.headers, 'access-control-request-method')[0] ?? request.method)
        : request.method,
    requestedHeaders:
      stage === 'preflight'
        ? (normalizedHeader(request.headers, 'access-control-request-headers') ?? '')
            .split(',')
            .map((name) => trimOws(name).toLowerCase())
            .filter((name) => name !== '')
        : [],
    ...(context.authorHeaderOrder ? { authorHeaderOrder: context.authorHeaderOrder } : {}),
  };
}

/** One engine's answer for one credentials mode: the lines it prints and whether it blocks. */
export interface Run<Line> {
  readonly blocked: boolean;
  readonly lines: readonly Line[];
}

/**
 * The credentials mode as far as it is known, as for Chrome: a certain mode is judged as is; an
 * unknown one is judged without credentials first (what fails there fails for certain), then with
 * them (what fails only there is `conditional`).
 */
export function byCredentials<Line>(
  exchange: Exchange,
  run: (include: boolean) => Run<Line>,
): { verdict: 'allowed' | 'blocked' | 'conditional'; lines: readonly Line[] } {
  const credentials = exchange.context?.credentials ?? credentialsOf(exchange.request, exchange.stage);
  if (credentials !== 'unknown') {
    const result = run(credentials === 'include');
    return { verdict: result.blocked ? 'blocked' : 'allowed', lines: result.lines };
  }
  const without = run(false);
  if (without.blocked) return { verdict: 'blocked', lines: without.lines };
  const withCredentials = run(true);
  return withCredentials.blocked
    ? { verdict: 'conditional', lines: withCredentials.lines }
    : { verdict: 'allowed', lines: without.lines };
}

/** RFC 9110 tchar, as Gecko's `NS_IsValidHTTPToken` and WebKit's `isValidHTTPToken` read it. */
export function isHttpToken(value: string): boolean {
  return value.length > 0 && /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(value);
}

/** A comma list as both engines split it: items trimmed, empty items skipped. */
export function commaItems(value: string | null): string[] {
  if (value === null) return [];
  return value
    .split(',')
    .map((item) => item.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, ''))
    .filter((item) => item !== '');
}

export const isOk = (status: number) => status >= 200 && status <= 299;
