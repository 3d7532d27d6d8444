import { consoleLines, CORS_ENABLED_SCHEMES } from './messages.js';
import { urlScheme } from './origin.js';
import type { Finding } from './types.js';

/**
 * `CorsDisabledScheme`: the page asked for a URL whose scheme Chrome cannot CORS-fetch (often a
 * URL typed without `http://`, so `localhost:8081/api` reads as scheme `localhost`). The request
 * never leaves the browser, so a proxy never sees it; `corscope check` and the tests use this.
 */
export function schemeError(url: string, pageOrigin: string): Finding | null {
  const scheme = urlScheme(url);
  if (scheme !== null && CORS_ENABLED_SCHEMES.includes(scheme)) return null;
  const hostPort = scheme !== null && /^\d+/.test(url.slice(scheme.length + 1));
  const local = scheme === 'file';
  return {
    code: 'CorsDisabledScheme',
    severity: 'error',
    chrome: consoleLines('CorsDisabledScheme', { url, origin: pageOrigin }),
    rule: `A cross-origin request must use one of the schemes ${CORS_ENABLED_SCHEMES.join(', ')}.`,
    cause: local
      ? `The URL '${url}' is a local file: a web page may not read files from disk.`
      : `The URL '${url}' has ${scheme === null ? 'no scheme' : `the scheme '${scheme}'`}${hostPort ? ": it looks like host:port without 'http://'" : ''}.`,
    fix: local
      ? 'Serve the file over http: (from the dev server) and call that URL.'
      : `Call ${hostPort ? `'http://${url}'` : 'an http: or https: URL'}.`,
  };
}
