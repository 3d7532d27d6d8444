import { normalizedHeader, parseTokenList } from './header-list.js';
import { isCorsSafelistedMethod } from './request.js';
import type { HeaderLine } from './types.js';

/**
 * The preflight result (Chromium `preflight_result.cc`): parsing `Access-Control-Allow-Methods` /
 * `-Headers` / `-Max-Age`, and the method and header rules (Fetch §4.8 steps 7–8).
 */

export interface PreflightAllowLists {
  /** Methods, case preserved; null when the header does not parse. */
  readonly methods: string[] | null;
  /** Header names, lowercased; null when the header does not parse. */
  readonly headers: string[] | null;
  readonly rawMethods: string | null;
  readonly rawHeaders: string | null;
}

export function parseAllowLists(response: readonly HeaderLine[]): PreflightAllowLists {
  const rawMethods = normalizedHeader(response, 'access-control-allow-methods');
  const rawHeaders = normalizedHeader(response, 'access-control-allow-headers');
  const headers = parseTokenList(rawHeaders);
  return {
    methods: parseTokenList(rawMethods),
    headers: headers === null ? null : headers.map((h) => h.toLowerCase()),
    rawMethods,
    rawHeaders,
  };
}

/**
 * The method rule: safelisted methods always pass (Chrome uppercases for that test); otherwise an
 * exact, case-sensitive entry, or `*` when credentials are not included.
 */
export function isMethodAllowed(method: string, allowed: readonly string[], include: boolean): boolean {
  if (isCorsSafelistedMethod(method)) return true;
  if (allowed.includes(method)) return true;
  return !include && allowed.includes('*');
}

/**
 * The header rule (`EnsureAllowedCrossOriginHeaders`). Returns the disallowed names in the order
 * given. With `*` and no credentials everything passes: Chrome 156 still lets `Authorization`
 * through `*` (it only files a deprecation issue), see `authorizationCoveredByWildcard`.
 */
export function disallowedHeaders(requested: readonly string[], allowed: readonly string[], include: boolean): string[] {
  if (!include && allowed.includes('*')) return [];
  return requested.filter((name) => !allowed.includes(name));
}

/** Chrome 156 lets `Authorization` pass through `Access-Control-Allow-Headers: *` with a deprecation. */
export function authorizationCoveredByWildcard(requested: readonly string[], allowed: readonly string[], include: boolean): boolean {
  return !include && allowed.includes('*') && requested.includes('authorization') && !allowed.includes('authorization');
}

/** Chrome's default preflight cache lifetime and its cap (`ParseAccessControlMaxAge`). */
export const DEFAULT_MAX_AGE_SECONDS = 5;
export const MAX_AGE_CAP_SECONDS = 7200;

/** How long Chrome caches this preflight, in seconds. */
export function preflightCacheSeconds(rawMaxAge: string | null): number {
  if (rawMaxAge === null || !/^[+-]?\d+$/.test(rawMaxAge)) return DEFAULT_MAX_AGE_SECONDS;
  const seconds = Number(rawMaxAge);
  if (seconds < 0) return 0;
  return Math.min(seconds, MAX_AGE_CAP_SECONDS);
}
