import { checkAccess, checkCredentials, type AccessFailure } from './access-check.js';
import { pickDisallowedHeader } from './header-order.js';
import { disallowedHeaders, isMethodAllowed } from './preflight.js';
import { hasUrlCredentials } from './redirect.js';
import type { ExchangeFacts } from './facts.js';
import type { CorsErrorCode } from './types.js';

/**
 * Chrome's checks for one credentials mode, in Chrome's order. The first failure is the one Chrome
 * reports; the others are what will surface once it is fixed.
 */

export interface Failure {
  readonly code: CorsErrorCode;
  /** Chrome's `failed_parameter`. */
  readonly hint: string;
  /** Every header name the failure is about (header rule: all the refused names, Chrome's first). */
  readonly names?: readonly string[];
}

const PREFLIGHT_TWIN: Record<AccessFailure, CorsErrorCode> = {
  WildcardOriginNotAllowed: 'PreflightWildcardOriginNotAllowed',
  MissingAllowOriginHeader: 'PreflightMissingAllowOriginHeader',
  MultipleAllowOriginValues: 'PreflightMultipleAllowOriginValues',
  InvalidAllowOriginValue: 'PreflightInvalidAllowOriginValue',
  AllowOriginMismatch: 'PreflightAllowOriginMismatch',
  InvalidAllowCredentials: 'PreflightInvalidAllowCredentials',
};

/** The access check, plus the credentials failure that would follow a fixed origin. */
function accessFailures(facts: ExchangeFacts, include: boolean, preflight: boolean): Failure[] {
  const failed = checkAccess({
    allowOrigin: facts.allowOrigin,
    allowCredentials: facts.allowCredentials,
    include,
    origin: facts.origin,
  });
  if (failed === null) return [];
  const code = (f: AccessFailure) => (preflight ? PREFLIGHT_TWIN[f] : f);
  const failures: Failure[] = [{ code: code(failed.failure), hint: failed.hint }];
  if (failed.failure !== 'InvalidAllowCredentials' && failed.failure !== 'WildcardOriginNotAllowed') {
    const credentials = checkCredentials(facts.allowCredentials, include);
    if (credentials) failures.push({ code: code(credentials.failure), hint: credentials.hint });
  }
  return failures;
}

/** A CORS-preflight fetch's response (Chromium `PreflightController`, `PreflightResult`). */
export function preflightFailures(facts: ExchangeFacts, include: boolean): Failure[] {
  const failures: Failure[] = [];
  const redirected = facts.location !== null;
  if (redirected) failures.push({ code: 'PreflightDisallowedRedirect', hint: '' });
  failures.push(...accessFailures(facts, include, true));
  if (!redirected && (facts.status < 200 || facts.status > 299)) {
    failures.push({ code: 'PreflightInvalidStatus', hint: '' });
  }
  const { methods, headers } = facts.allowLists;
  if (methods === null) failures.push({ code: 'InvalidAllowMethodsPreflightResponse', hint: '' });
  if (headers === null) failures.push({ code: 'InvalidAllowHeadersPreflightResponse', hint: '' });
  if (methods !== null && !isMethodAllowed(facts.method, methods, include)) {
    failures.push({ code: 'MethodDisallowedByPreflightResponse', hint: facts.method });
  }
  if (headers !== null) {
    const refused = disallowedHeaders(facts.requestedHeaders, headers, include);
    if (refused.length > 0) {
      const named = pickDisallowedHeader(refused, facts.authorHeaderOrder ?? facts.requestedHeaders, facts.initiator, facts.url);
      failures.push({ code: 'HeaderDisallowedByPreflightResponse', hint: named, names: refused });
    }
  }
  return failures;
}

/** An actual request's response: a redirect hop, or the final response. */
export function requestFailures(facts: ExchangeFacts, include: boolean): Failure[] {
  // A 304 revalidates Chrome's cached copy: the CORS check runs on the cached headers merged with
  // the 304's, so a 304 that repeats no CORS header is judged by the response it revalidates.
  if (facts.status === 304 && facts.allowOrigin === null) return [];
  const failures = accessFailures(facts, include, false);
  if (facts.location !== null && hasUrlCredentials(facts.location)) {
    // Chrome never fills this hint: it prints `Redirect location ''`.
    failures.push({ code: 'RedirectContainsCredentials', hint: '' });
  }
  return failures;
}
