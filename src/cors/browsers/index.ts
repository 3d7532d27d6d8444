import { urlScheme } from '../origin.js';
import type { Exchange, Initiator } from '../types.js';
import { FIREFOX_CATALOG, firefoxLine, type FirefoxLine } from './firefox-messages.js';
import { firefoxVerdict } from './firefox.js';
import { safariVerdict } from './safari.js';
import { SAFARI_CATALOG } from './safari-messages.js';
import type { BrowserVerdict, OtherBrowsers } from './types.js';

export { firefoxVerdict, firefoxLines } from './firefox.js';
export { safariVerdict } from './safari.js';
export { FIREFOX_CATALOG, firefoxReason, type FirefoxKey, type FirefoxLine } from './firefox-messages.js';
export { SAFARI_CATALOG } from './safari-messages.js';
export type * from './types.js';

/** Firefox's and Safari's verdicts on one exchange, from the same plain data Chrome's engine reads. */
export function otherBrowsers(exchange: Exchange): OtherBrowsers {
  return { firefox: firefoxVerdict(exchange), safari: safariVerdict(exchange) };
}

/** Schemes both engines fetch without a CORS refusal of their own (data: and blob: never go out). */
const FETCHABLE_SCHEMES = new Set(['http', 'https', 'data', 'blob']);

/** A call refused in the page before any request, so no proxy sees it (`corscope check`, the tests). */
export interface RefusedCall {
  /** The URL the page asked for, as written. */
  readonly url: string;
  /** The page's own URL (Firefox names the document, not its origin). */
  readonly pageUrl: string;
  readonly initiator: Initiator;
  /** `same-origin`: fetch's `mode: 'same-origin'` to another origin. */
  readonly mode?: 'cors' | 'same-origin';
}

/**
 * What each browser prints for a call it refuses before sending anything: a URL whose scheme
 * cannot be fetched cross-origin (Chrome's `CorsDisabledScheme`), or a same-origin-mode fetch to
 * another origin. WebKit writes these lines with the script's location in front
 * (`http://page/:1:97: CONSOLE SECURITY ERROR …`), which a reader of its console output must not drop.
 */
export function refusedBeforeSending(call: RefusedCall): OtherBrowsers | null {
  const scheme = urlScheme(call.url);
  const cannotLoad = call.initiator === 'xhr' ? SAFARI_CATALOG.xhrCannotLoad(call.url) : SAFARI_CATALOG.fetchCannotLoad(call.url);
  let line: FirefoxLine;
  let safari: readonly string[];
  if (scheme === 'file') {
    line = firefoxLine('CheckLoadURIError', FIREFOX_CATALOG.CheckLoadURIError(call.pageUrl, call.url));
    safari = [SAFARI_CATALOG.onlyHttp(), cannotLoad];
  } else if (scheme === null || !FETCHABLE_SCHEMES.has(scheme)) {
    line = firefoxLine('CORSRequestNotHttp', FIREFOX_CATALOG.CORSRequestNotHttp(call.url));
    safari = [SAFARI_CATALOG.onlyHttp(), cannotLoad];
  } else if (call.mode === 'same-origin') {
    line = firefoxLine('CheckSameOriginError', FIREFOX_CATALOG.CheckSameOriginError(call.pageUrl, call.url));
    safari = [SAFARI_CATALOG.sameOriginMode(call.url)];
  } else {
    return null;
  }
  const firefox: BrowserVerdict = { verdict: 'blocked', lines: [line.text], reason: line.category };
  return { firefox, safari: { verdict: 'blocked', lines: safari } };
}
