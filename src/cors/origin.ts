/**
 * Origins as Chrome serializes and compares them (`url::Origin`, `SecurityOrigin::ToString`).
 */

/** The serialized origin of an absolute URL (`scheme://host[:port]`), or null when it has none. */
export function urlOrigin(url: string): string | null {
  const canonical = canonicalOrigin(url);
  if (canonical !== undefined) return canonical;
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

/**
 * The origin of an http(s) URL whose authority is already in canonical form, read off its text: a
 * proxy asks for its own URL's origin on every request, and for a page fetching a new URL each time
 * the memo above never hits. Canonical: lower-case scheme, a host that is a canonical dotted IPv4
 * address or lower-case labels of letters, digits and '-' whose last label does not start with a
 * digit (the parser reads those as numbers) and none of them punycode (the parser checks those),
 * then optionally a port of digits without a leading zero, in range and not the scheme's default,
 * then '/', '?', '#' or the end. `undefined` for anything else: the WHATWG parser decides.
 */
function canonicalOrigin(url: string): string | undefined {
  let i = url.startsWith('http://') ? 7 : url.startsWith('https://') ? 8 : 0;
  if (i === 0) return undefined;
  const hostStart = i;
  let labelStart = i;
  let dots = 0;
  let digitsOnly = true;
  for (; i < url.length; i++) {
    const c = url.charCodeAt(i);
    if (c === 0x2e /* . */) {
      if (i === labelStart) return undefined;
      labelStart = i + 1;
      dots++;
    } else if ((c >= 0x61 && c <= 0x7a) || c === 0x2d /* - */) digitsOnly = false;
    else if (c < 0x30 || c > 0x39) break;
  }
  if (i === labelStart) return undefined; // empty host, empty last label, or a trailing dot
  if (digitsOnly) {
    if (dots !== 3 || !isCanonicalIpv4(url, hostStart, i)) return undefined;
  } else {
    const last = url.charCodeAt(labelStart);
    const punycode = url.indexOf('xn--', hostStart);
    if ((last >= 0x30 && last <= 0x39) || (punycode !== -1 && punycode < i)) return undefined;
  }
  if (url.charCodeAt(i) === 0x3a /* : */) {
    const portStart = ++i;
    let port = 0;
    for (let c = url.charCodeAt(i); c >= 0x30 && c <= 0x39; c = url.charCodeAt(++i)) port = port * 10 + (c - 0x30);
    const digits = i - portStart;
    if (digits === 0 || digits > 5 || url.charCodeAt(portStart) === 0x30 || port > 65535) return undefined;
    if (port === (hostStart === 7 ? 80 : 443)) return undefined;
  }
  if (i < url.length) {
    const c = url.charCodeAt(i);
    if (c !== 0x2f /* / */ && c !== 0x3f /* ? */ && c !== 0x23 /* # */) return undefined;
  }
  return url.slice(0, i);
}

/**
 * `url[start, end)`, known to be four dot-separated runs of digits, is a dotted IPv4 address as the
 * URL parser prints it: each part 0–255 with no leading zero (`010` is octal to the parser).
 * Read in place: this runs for every request to a proxy on `127.0.0.1`.
 */
function isCanonicalIpv4(url: string, start: number, end: number): boolean {
  let value = 0;
  let digits = 0;
  for (let i = start; i <= end; i++) {
    const c = i === end ? 0x2e : url.charCodeAt(i);
    if (c === 0x2e /* . */) {
      if (value > 255) return false;
      value = 0;
      digits = 0;
    } else {
      if (digits === 1 && value === 0) return false;
      value = value * 10 + (c - 0x30);
      if (++digits > 3) return false;
    }
  }
  return true;
}

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
