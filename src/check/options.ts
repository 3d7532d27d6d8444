/**
 * `corscope check` options: what the page would call, from which origin, and how. Turning what a
 * person typed into these is `parseCheckInput`; its mistakes come back as values with a message.
 */
import type { OtherBrowser } from '../cors/browsers/index.js';
import { isForbiddenRequestHeader, normalizeMethod, urlScheme } from '../cors/index.js';
import type { HeaderLine, Initiator, Wording } from '../cors/types.js';
import type { StackName } from '../diagnose/types.js';

export interface CheckOptions {
  /** The URL the page calls, exactly as the page would write it (a missing `http://` is Chrome's scheme error). */
  readonly url: string;
  /** The page's origin, e.g. `http://localhost:5173` (or `null` for a sandboxed page). */
  readonly origin: string;
  /** The method as the page writes it; fetch uppercases only DELETE GET HEAD OPTIONS POST PUT. */
  readonly method?: string;
  /** The headers the page sets, in the order it sets them (`Cookie` stands for the browser's cookie jar). */
  readonly headers?: readonly HeaderLine[];
  /** `credentials: 'include'` / `withCredentials = true`; otherwise the credentials mode is `omit`. */
  readonly credentials?: boolean;
  readonly initiator?: Initiator;
  /** A request body; without it none is sent. */
  readonly data?: string;
  /** Per request, until the response head (default 10 000 ms). */
  readonly timeoutMs?: number;
  /** Accept a self-signed TLS certificate (Chrome would only after the user accepted it). */
  readonly insecure?: boolean;
  readonly wording?: Wording;
  /** Sent as `User-Agent` (default `corscope`). */
  readonly userAgent?: string;
  /** Log Cookie and Authorization values in findings instead of `[redacted]`. */
  readonly logSecrets?: boolean;
  /** The server's stack, when its fingerprints do not tell it (`--stack`). */
  /** Make that browser's line each record's `msg` (Chrome's stays in `chrome`). */
  readonly headline?: OtherBrowser;
  readonly stack?: StackName;
}

/** A mistake in what was typed: one line for the person who typed it. */
export interface CheckInputError {
  readonly error: string;
}

export interface CheckInput {
  readonly options: CheckOptions;
  /** What was typed but a page could not do (forbidden headers fetch drops): said, not sent. */
  readonly notes: readonly string[];
}

/** What was typed: the options, with headers as the `Name: value` strings given with -H. */
export type RawCheckInput = Omit<CheckOptions, 'headers'> & { readonly headers?: readonly string[] };

/** RFC 9110 token: what a method and a header name may consist of. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export function parseCheckInput(raw: RawCheckInput): CheckInput | CheckInputError {
  const url = checkUrlSyntax(raw.url);
  if (typeof url !== 'string') return url;
  const origin = parseOrigin(raw.origin);
  if (typeof origin !== 'string') return origin;
  const method = raw.method ?? 'GET';
  if (!TOKEN.test(method)) return { error: `--method '${method}' is not a valid HTTP method` };
  if (['CONNECT', 'TRACE', 'TRACK'].includes(method.toUpperCase())) {
    return { error: `fetch() refuses the method ${method.toUpperCase()}; a page cannot send it` };
  }
  const sent = normalizeMethod(method);
  if (raw.data !== undefined && (sent === 'GET' || sent === 'HEAD')) {
    return { error: `fetch() refuses a body on a ${sent} request; drop --data or choose a method with -X` };
  }
  const notes: string[] = [];
  if (sent !== sent.toUpperCase()) {
    // Node's HTTP client capitalizes every method; the preflight still asks for it exactly as Chrome does.
    notes.push(`Chrome sends the method '${sent}' as written (fetch capitalizes only DELETE GET HEAD OPTIONS POST PUT); the preflight asks for '${sent}', but the actual request goes out as '${sent.toUpperCase()}'`);
  }
  const headers: HeaderLine[] = [];
  for (const line of raw.headers ?? []) {
    const parsed = parseHeaderLine(line);
    if ('error' in parsed) return parsed;
    const [name, value] = parsed.header;
    const lower = name.toLowerCase();
    if (lower === 'origin') return { error: `set the page's origin with --origin, not -H 'Origin: …'` };
    if (lower === 'cookie') {
      if (raw.credentials) headers.push(parsed.header);
      else notes.push(`the Cookie header is not sent without --credentials (fetch's default credentials mode sends no cookies cross-origin)`);
      continue;
    }
    if (isForbiddenRequestHeader(name, value)) {
      notes.push(`fetch() drops the forbidden header '${name}'; it is not sent`);
      continue;
    }
    headers.push(parsed.header);
  }
  const timeoutMs = raw.timeoutMs ?? 10_000;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    return { error: `--timeout must be a positive number of milliseconds, got '${String(raw.timeoutMs)}'` };
  }
  return {
    options: {
      url,
      origin,
      method,
      headers: combineDuplicates(headers),
      credentials: raw.credentials ?? false,
      initiator: raw.initiator ?? 'fetch',
      ...(raw.data !== undefined ? { data: raw.data } : {}),
      timeoutMs,
      insecure: raw.insecure ?? false,
      wording: raw.wording ?? 'current',
      ...(raw.userAgent ? { userAgent: raw.userAgent } : {}),
      logSecrets: raw.logSecrets ?? false,
      ...(raw.headline ? { headline: raw.headline } : {}),
    },
    notes,
  };
}

/**
 * A URL `check` can act on. One with a scheme Chrome cannot fetch (`localhost:3000/api`) stays: it
 * gets Chrome's scheme error. One without any scheme is relative, which has no meaning here.
 */
function checkUrlSyntax(value: string): string | CheckInputError {
  const scheme = urlScheme(value);
  if (scheme === null) {
    return { error: `'${value}' is not an absolute URL; did you mean 'http://${value}'?` };
  }
  if (scheme === 'http' || scheme === 'https') {
    try {
      new URL(value);
    } catch {
      return { error: `'${value}' is not a valid URL` };
    }
  }
  return value;
}

/** Chrome sends `scheme://host[:port]`: no path, no trailing slash; or `null` for an opaque origin. */
export function parseOrigin(value: string): string | CheckInputError {
  if (value === 'null') return value;
  let origin: string;
  try {
    origin = new URL(value).origin;
  } catch {
    return { error: `--origin '${value}' is not an origin (expected e.g. http://localhost:5173)` };
  }
  if (origin === 'null') return { error: `--origin '${value}' is not an http(s) origin (expected e.g. http://localhost:5173)` };
  if (origin !== value.replace(/\/$/, '')) return { error: `--origin '${value}' is not an origin; did you mean '${origin}'?` };
  return origin;
}

/** `Name: value` as curl takes it; the value is trimmed as an HTTP parser would. */
export function parseHeaderLine(line: string): { readonly header: HeaderLine } | CheckInputError {
  const colon = line.indexOf(':');
  if (colon <= 0) return { error: `-H '${line}' is not a header; write it as 'Name: value'` };
  const name = line.slice(0, colon).trim();
  const value = line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '');
  if (!TOKEN.test(name)) return { error: `-H '${line}': '${name}' is not a valid header name` };
  if (/[\r\n\0]/.test(value)) return { error: `-H '${line}': a header value cannot contain line breaks` };
  return { header: [name, value] };
}

/** fetch's `Headers` joins a repeated name into one line, `a, b`, under the first spelling. */
function combineDuplicates(headers: readonly HeaderLine[]): HeaderLine[] {
  const out: [string, string][] = [];
  for (const [name, value] of headers) {
    const existing = out.find(([n]) => n.toLowerCase() === name.toLowerCase());
    if (existing) existing[1] = `${existing[1]}, ${value}`;
    else out.push([name, value]);
  }
  return out;
}
