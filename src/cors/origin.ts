/**
 * Origins as Chrome serializes and compares them (`url::Origin`, `SecurityOrigin::ToString`).
 */

/** The serialized origin of an absolute URL (`scheme://host[:port]`), or null when it has none. */
export function urlOrigin(url: string): string | null {
  const known = ORIGINS.get(url);
  if (known !== undefined) return known;
  const parsed = safeUrl(url);
  const origin = parsed === null || parsed.origin === 'null' ? null : parsed.origin;
  if (url.length <= MAX_REMEMBERED_URL) {
    if (ORIGINS.size >= REMEMBERED_URLS) ORIGINS.delete(ORIGINS.keys().next().value!);
    ORIGINS.set(url, origin);
  }
  return origin;
}

/**
 * The origins of the last URLs asked about: every request a proxy judges asks for its own URL's
 * origin (is it same-origin?), a page asks for the same few URLs again and again, and a WHATWG URL
 * parse is the costliest step of classifying a request. Bounded in count and key length; the
 * oldest entry goes first. A pure memo: the answer for a URL never changes.
 */
const ORIGINS = new Map<string, string | null>();
const REMEMBERED_URLS = 512;
const MAX_REMEMBERED_URL = 2048;

export function safeUrl(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** The scheme of a URL as the browser would read it (`localhost:8081/api` has scheme `localhost`). */
export function urlScheme(url: string): string | null {
  const match = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(url);
  return match ? match[1]!.toLowerCase() : null;
}

/** Same origin per the HTML standard: scheme, host and port equal (opaque origins never are). */
export function isSameOrigin(origin: string, url: string): boolean {
  return origin !== 'null' && urlOrigin(url) === origin;
}

/**
 * An approximation of `GURL(value).is_valid()`, which decides between Chrome's "invalid value" and
 * "not equal" wordings for `Access-Control-Allow-Origin`. GURL needs a scheme; for the special
 * schemes it needs a host and a port in range, which WHATWG URL parsing checks the same way.
 */
export function isValidGurl(value: string): boolean {
  if (value === '' || urlScheme(value) === null) return false;
  return safeUrl(bytesAsUtf8(value)) !== null;
}

/** Header values arrive one character per byte; GURL reads those bytes as UTF-8. */
function bytesAsUtf8(value: string): string {
  if (!/[\x80-\xff]/.test(value)) return value;
  const bytes = Uint8Array.from(value, (c) => c.charCodeAt(0) & 0xff);
  return UTF8.decode(bytes);
}

const UTF8 = new TextDecoder();
