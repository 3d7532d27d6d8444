import { trimOws } from './header-list.js';
import type { HeaderLine } from './types.js';

/**
 * What Chrome sends: CORS-safelisted methods and request-headers, forbidden request-headers, and
 * whether a request needs a CORS-preflight fetch (Fetch §4.8 "CORS-preflight fetch";
 * Chromium `cors.cc` `IsCorsSafelistedHeader`, `cors_util.cc`, `NeedsPreflight`).
 */

/** Fetch "normalize a method": only these six are uppercased; `patch` stays `patch`. */
const NORMALIZED_METHODS = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT']);

export function normalizeMethod(method: string): string {
  const upper = method.toUpperCase();
  return NORMALIZED_METHODS.has(upper) ? upper : method;
}

/** `IsCorsSafelistedMethod`: Chrome uppercases before comparing. */
export function isCorsSafelistedMethod(method: string): boolean {
  const upper = method.toUpperCase();
  return upper === 'GET' || upper === 'HEAD' || upper === 'POST';
}

const FORBIDDEN_NAMES = new Set([
  'accept-charset', 'accept-encoding', 'access-control-request-headers', 'access-control-request-method',
  'connection', 'content-length', 'cookie', 'cookie2', 'date', 'dnt', 'expect', 'host', 'keep-alive',
  'origin', 'referer', 'set-cookie', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'user-agent', 'via',
]);
const METHOD_OVERRIDE_NAMES = new Set(['x-http-method', 'x-http-method-override', 'x-method-override']);
const FORBIDDEN_OVERRIDE_METHODS = new Set(['connect', 'trace', 'track']);

/**
 * A forbidden request-header (`net::HttpUtil::IsSafeHeader` is false): scripts cannot set it, so it
 * never causes a preflight. Chrome still counts `User-Agent` here although the standard dropped it.
 */
export function isForbiddenRequestHeader(name: string, value: string): boolean {
  const lower = name.toLowerCase();
  if (lower.startsWith('proxy-') || lower.startsWith('sec-')) return true;
  if (FORBIDDEN_NAMES.has(lower)) return true;
  if (METHOD_OVERRIDE_NAMES.has(lower)) {
    return value.split(',').some((m) => FORBIDDEN_OVERRIDE_METHODS.has(trimOws(m).toLowerCase()));
  }
  return false;
}

const CLIENT_HINTS = [
  'device-memory', 'dpr', 'width', 'viewport-width', 'rtt', 'downlink', 'ect', 'save-data',
  'sec-ch-ua', 'sec-ch-ua-arch', 'sec-ch-ua-platform', 'sec-ch-ua-model', 'sec-ch-ua-mobile',
  'sec-ch-ua-full-version', 'sec-ch-ua-platform-version', 'sec-ch-prefers-color-scheme',
  'sec-ch-ua-bitness', 'sec-ch-viewport-height', 'sec-ch-device-memory', 'sec-ch-dpr', 'sec-ch-width',
  'sec-ch-viewport-width', 'sec-ch-ua-full-version-list', 'sec-ch-ua-wow64',
  'sec-ch-prefers-reduced-motion', 'sec-ch-ua-form-factors', 'sec-ch-prefers-reduced-transparency',
];
const SAFELISTED_NAMES = new Set([
  'accept', 'accept-language', 'content-language', 'content-type', 'range', 'intervention', ...CLIENT_HINTS,
]);
const SAFELISTED_CONTENT_TYPES = new Set(['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain']);
const ECT_VALUES = new Set(['slow-2g', '2g', '3g', '4g']);
/** Chrome's limit on each safelisted value, and on their sum. */
export const SAFELISTED_VALUE_LIMIT = 128;
export const SAFELISTED_TOTAL_LIMIT = 1024;

/** CORS-unsafe request-header byte: < 0x20 except TAB, `"():<>?@[\]{}`, DEL. */
function hasCorsUnsafeByte(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if ((code < 0x20 && code !== 0x09) || code === 0x7f || '"():<>?@[\\]{}'.includes(value[i]!)) return true;
  }
  return false;
}

const LANGUAGE_BYTES = /^[0-9A-Za-z *,\-.;=]*$/;
const DECIMAL = /^\d+(\.\d+)?$/;
const INTEGER = /^\d+$/;
const TYPE_SUBTYPE = /^[!#$%&'*+\-.^_`|~0-9a-z]+\/[!#$%&'*+\-.^_`|~0-9a-z]+$/;
const SIMPLE_RANGE = /^bytes=(\d+)-(\d*)$/;

/** `IsCorsSafelistedHeader(name, value)` with Chrome's extra names and value rules. */
export function isCorsSafelistedHeader(name: string, value: string): boolean {
  if (value.length > SAFELISTED_VALUE_LIMIT) return false;
  const lower = name.toLowerCase();
  if (!SAFELISTED_NAMES.has(lower)) return false;
  switch (lower) {
    case 'accept':
      return !hasCorsUnsafeByte(value);
    case 'accept-language':
    case 'content-language':
      return LANGUAGE_BYTES.test(value);
    case 'content-type':
      return isSafelistedContentType(value);
    case 'range':
      return isSimpleRange(value);
    case 'device-memory':
    case 'dpr':
    case 'downlink':
      return DECIMAL.test(value);
    case 'width':
    case 'viewport-width':
    case 'rtt':
      return INTEGER.test(value);
    case 'ect':
      return ECT_VALUES.has(value);
    case 'save-data':
      return value.toLowerCase() === 'on';
    default:
      return true;
  }
}

/** Chrome takes the text before the first ";" (parameters are ignored) and wants one of three types. */
function isSafelistedContentType(value: string): boolean {
  const lower = value.toLowerCase();
  if (hasCorsUnsafeByte(lower)) return false;
  const semicolon = lower.indexOf(';');
  const essence = trimOws(semicolon < 0 ? lower : lower.slice(0, semicolon));
  return TYPE_SUBTYPE.test(essence) && SAFELISTED_CONTENT_TYPES.has(essence);
}

/** One range of the form `bytes=N-` or `bytes=N-M` (N ≤ M); no suffix range, no list. */
function isSimpleRange(value: string): boolean {
  const match = SIMPLE_RANGE.exec(value);
  if (!match) return false;
  return match[2] === '' || Number(match[1]) <= Number(match[2]);
}

/**
 * `CorsUnsafeNotForbiddenRequestHeaderNames`: lowercased names in request order; when the safelisted
 * values together exceed 1024 bytes, those names become unsafe too and follow the others.
 */
export function corsUnsafeRequestHeaderNames(headers: readonly HeaderLine[]): string[] {
  const unsafe: string[] = [];
  const safe: string[] = [];
  let total = 0;
  for (const [name, value] of headers) {
    if (isForbiddenRequestHeader(name, value)) continue;
    const lower = name.toLowerCase();
    if (isCorsSafelistedHeader(name, value)) {
      safe.push(lower);
      total += value.length;
    } else {
      unsafe.push(lower);
    }
  }
  if (total > SAFELISTED_TOTAL_LIMIT) unsafe.push(...safe);
  return unsafe;
}

/** Whether a cross-origin request with this method and these author headers needs a preflight. */
export function needsPreflight(method: string, headers: readonly HeaderLine[]): boolean {
  return !isCorsSafelistedMethod(method) || corsUnsafeRequestHeaderNames(headers).length > 0;
}

/** The `Access-Control-Request-Headers` value Chrome sends: unique lowercase names, sorted, joined by ",". */
export function accessControlRequestHeaders(headers: readonly HeaderLine[]): string | null {
  const names = [...new Set(corsUnsafeRequestHeaderNames(headers))].sort();
  return names.length === 0 ? null : names.join(',');
}
