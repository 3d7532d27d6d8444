/**
 * One redirect step as Chrome takes it (Fetch §4.4 "HTTP-redirect fetch"; Chromium
 * `CorsURLLoader::OnReceiveRedirect`), after the engine has passed the 3xx itself.
 */
import { redirectLocation, redirectTaints, resolveLocation, urlScheme } from '../cors/index.js';
import type { HeaderLine, ResponseSnapshot } from '../cors/types.js';
import type { CheckFailure } from './run.js';

/** Chrome's limit: the 21st redirect fails with net::ERR_TOO_MANY_REDIRECTS. */
export const MAX_REDIRECTS = 20;

/** What changes from one request of the chain to the next. */
export interface Hop {
  readonly url: string;
  readonly method: string;
  readonly body: string | undefined;
  readonly authorHeaders: readonly HeaderLine[];
  /** A cross-origin hop made the origin opaque: `Origin: null` from then on. */
  readonly tainted: boolean;
  readonly redirects: number;
}

export type Step = { readonly done: true } | { readonly next: Hop } | { readonly failure: CheckFailure };

/** Request-body headers dropped when a redirect turns the method into GET (Fetch §4.4 step 12). */
const BODY_HEADERS = new Set(['content-encoding', 'content-language', 'content-location', 'content-type']);

export function followRedirect(hop: Hop, response: ResponseSnapshot, pageOrigin: string): Step {
  const location = redirectLocation(response.status, response.headers);
  if (location === null) return { done: true };
  const url = hop.url;
  const next = resolveLocation(location, url);
  if (next === null) {
    return { failure: { code: 'INVALID_REDIRECT', message: `the Location '${location}' is not a valid URL`, url, chrome: 'net::ERR_INVALID_REDIRECT' } };
  }
  const scheme = urlScheme(next);
  if (scheme !== 'http' && scheme !== 'https') {
    return {
      failure: { code: 'UNSAFE_REDIRECT', message: `Chrome does not follow a redirect to a ${scheme ?? 'schemeless'}: URL ('${next}')`, url, chrome: 'net::ERR_UNSAFE_REDIRECT' },
    };
  }
  if (hop.redirects + 1 > MAX_REDIRECTS) {
    return { failure: { code: 'TOO_MANY_REDIRECTS', message: `more than ${MAX_REDIRECTS} redirects`, url, chrome: 'net::ERR_TOO_MANY_REDIRECTS' } };
  }
  const { status } = response;
  const toGet = ((status === 301 || status === 302) && hop.method === 'POST') || (status === 303 && hop.method !== 'GET' && hop.method !== 'HEAD');
  return {
    next: {
      url: next,
      method: toGet ? 'GET' : hop.method,
      body: toGet ? undefined : hop.body,
      authorHeaders: toGet ? hop.authorHeaders.filter(([n]) => !BODY_HEADERS.has(n.toLowerCase())) : hop.authorHeaders,
      tainted: hop.tainted || redirectTaints(url, next, pageOrigin),
      redirects: hop.redirects + 1,
    },
  };
}
