/** The facts a fix writer needs, worked out once from the exchange and the verdict. */
import { headerValues, normalizedHeader } from '../cors/index.js';
import { trimOws } from '../cors/header-list.js';
import { disallowedHeaders, isMethodAllowed, parseAllowLists } from '../cors/preflight.js';
import { pathOf, type Cause } from './cause.js';
import type { DiagnosisInput, FixContext, Observation } from './types.js';

export function fixContext(input: DiagnosisInput, cause: Cause): FixContext {
  const { exchange, verdict } = input;
  // The preflight names the method and headers; an actual request's own are in its paired preflight.
  const asked = exchange.stage === 'preflight' ? exchange : input.preflight?.observation;
  const method = (asked && headerValues(asked.request.headers, 'access-control-request-method')[0]) ?? exchange.request.method;
  const requestHeaders = asked ? requestedHeaders(asked) : [];
  // Credentials are part of the fix when the call carries them, or when what Chrome reports first is
  // about them; a failure that only a credentialed call would meet later does not make them so.
  const credentials =
    verdict.credentials === 'include' ||
    input.usesCredentials === true ||
    (verdict.credentials === 'unknown' && input.history?.allowsCredentials === true) ||
    verdict.primary?.onlyIf === 'credentials-include' ||
    ['WildcardOriginNotAllowed', 'PreflightWildcardOriginNotAllowed', 'InvalidAllowCredentials', 'PreflightInvalidAllowCredentials'].includes(verdict.primary?.code ?? '');
  // What Chrome parsed decides what is missing; the lists as sent are what the fix writer quotes.
  const lists = parseAllowLists(exchange.response.headers);
  const preflight = exchange.stage === 'preflight';
  const missingMethods = preflight && !isMethodAllowed(method, lists.methods ?? [], credentials) ? [method] : [];
  const missingHeaders = preflight ? disallowedHeaders(requestHeaders, lists.headers ?? [], credentials) : [];
  return {
    code: cause.code,
    origin: verdict.origin ?? 'null',
    method,
    requestHeaders,
    credentials,
    allowedMethods: rawList(exchange, 'access-control-allow-methods'),
    allowedHeaders: rawList(exchange, 'access-control-allow-headers'),
    missingMethods,
    missingHeaders,
    allowOrigin: normalizedHeader(exchange.response.headers, 'access-control-allow-origin'),
    status: exchange.response.status,
    path: pathOf(exchange.request.url),
    ...(cause.location ? { location: cause.location } : {}),
    headerFix: verdict.primary?.fix ?? '',
  };
}

function requestedHeaders(preflight: Observation): string[] {
  const value = normalizedHeader(preflight.request.headers, 'access-control-request-headers') ?? '';
  return value
    .split(',')
    .map((name) => trimOws(name).toLowerCase())
    .filter((name) => name !== '');
}

/** A list header's items as sent (case kept), every line. */
function rawList(exchange: Observation, name: string): string[] {
  return headerValues(exchange.response.headers, name)
    .flatMap((v) => v.split(','))
    .map((item) => trimOws(item))
    .filter((item) => item !== '');
}
