import { classifyRequest } from '../classify.js';
import { headerValues } from '../header-list.js';
import { urlScheme } from '../origin.js';
import { hasUrlCredentials } from '../redirect.js';
import type { Exchange, HeaderLine } from '../types.js';
import { FIREFOX_CATALOG as SAY, firefoxLine, firefoxReason, type FirefoxLine } from './firefox-messages.js';
import { byCredentials, commaItems, engineInput, isHttpToken, isOk, type EngineInput, type Run } from './inputs.js';
import type { BrowserVerdict } from './types.js';

/**
 * Firefox's rules where they differ from Chrome's, from Gecko `nsCORSListenerProxy.cpp`
 * (`CheckRequestApproved`, `nsCORSPreflightListener::CheckPreflightRequestApproved`,
 * `AsyncOnChannelRedirect`, `UpdateChannel`) and checked against Firefox 153 ESR:
 * - two Access-Control-Allow-Origin lines are refused before the value is read, while one line
 *   `http://a, http://b` is just a value that does not match;
 * - an invalid value (`xyz`, `null`, a trailing slash) is a mismatch too, quoted as sent;
 * - a preflight checks the origin, then the status, then Access-Control-Allow-Methods (GET, HEAD
 *   and POST always pass), then each requested header in the sorted, lowercased order of
 *   Access-Control-Request-Headers, naming the first refused one;
 * - `Access-Control-Allow-Headers: *` without `Authorization` lets Authorization through with a
 *   deprecation warning;
 * - a failed preflight is followed by `CORS request did not succeed` for the actual request.
 */

const ACAO = 'Access-Control-Allow-Origin';

/**
 * A response header as Gecko reads it (`nsHttpHeaderArray::MergeHeader`): the lines joined with
 * ", ", but an empty line adds nothing, so `true` and an empty line read as `true` (Chrome: `true, `).
 * An empty header alone is kept as an empty value.
 */
function geckoHeader(headers: readonly HeaderLine[], name: string): string | null {
  const values = headerValues(headers, name);
  return values.length === 0 ? null : values.filter((value) => value !== '').join(', ');
}

/** `CheckRequestApproved`: the access check on a response, or null when it passes. */
function accessCheck(input: EngineInput, include: boolean): FirefoxLine | null {
  const { url, headers } = input;
  // CheckOriginHeader counts the lines named exactly so (Gecko keeps the name's original case).
  if (headers.filter(([name]) => name === ACAO).length > 1) {
    return firefoxLine('CORSMultipleAllowOriginNotAllowed', SAY.CORSMultipleAllowOriginNotAllowed(url));
  }
  const allowOrigin = geckoHeader(headers, ACAO);
  if (allowOrigin === null) {
    return firefoxLine('CORSMissingAllowOrigin2', SAY.CORSMissingAllowOrigin2(url, String(input.status)));
  }
  if (include && allowOrigin === '*') {
    return firefoxLine('CORSNotSupportingCredentials', SAY.CORSNotSupportingCredentials(url));
  }
  if ((include || allowOrigin !== '*') && allowOrigin !== input.origin) {
    return firefoxLine('CORSAllowOriginNotMatchingOrigin', SAY.CORSAllowOriginNotMatchingOrigin(url, allowOrigin));
  }
  if (include && geckoHeader(headers, 'access-control-allow-credentials') !== 'true') {
    return firefoxLine('CORSMissingAllowCredentials', SAY.CORSMissingAllowCredentials(url));
  }
  return null;
}

/** The line the actual request prints when its preflight (or a refused redirect) failed it. */
const didNotSucceed = (url: string) => firefoxLine('CORSDidNotSucceed2', SAY.CORSDidNotSucceed2(url));

const blocked = (...lines: FirefoxLine[]): Run<FirefoxLine> => ({ blocked: true, lines });

function preflight(input: EngineInput, include: boolean): Run<FirefoxLine> {
  const { url, headers } = input;
  const access = accessCheck(input, include);
  if (input.location !== null) {
    // The preflight's CORS proxy checks the redirect like any hop and cancels the channel on failure
    // (its OnStartRequest then logs CORSDidNotSucceed2 too); otherwise the preflight listener refuses
    // every external redirect and the 3xx itself is read as a failed preflight.
    if (access) return blocked(access, didNotSucceed(url), didNotSucceed(url));
    return blocked(
      firefoxLine('CORSExternalRedirectNotAllowed', SAY.CORSExternalRedirectNotAllowed(url)),
      firefoxLine('CORSPreflightDidNotSucceed3', SAY.CORSPreflightDidNotSucceed3(url, String(input.status))),
      didNotSucceed(url),
    );
  }
  if (access) return blocked(access, didNotSucceed(url));
  if (!isOk(input.status)) {
    return blocked(firefoxLine('CORSPreflightDidNotSucceed3', SAY.CORSPreflightDidNotSucceed3(url, String(input.status))), didNotSucceed(url));
  }
  let methodFound = input.method === 'GET' || input.method === 'HEAD' || input.method === 'POST';
  for (const method of commaItems(geckoHeader(headers, 'access-control-allow-methods'))) {
    if (!isHttpToken(method)) {
      return blocked(firefoxLine('CORSInvalidAllowMethod', SAY.CORSInvalidAllowMethod(url, method)), didNotSucceed(url));
    }
    methodFound ||= method === '*' ? !include : method === input.method;
  }
  if (!methodFound) return blocked(firefoxLine('CORSMethodNotFound', SAY.CORSMethodNotFound(url)), didNotSucceed(url));
  return headerCheck(input, include, headers);
}

function headerCheck(input: EngineInput, include: boolean, headers: readonly HeaderLine[]): Run<FirefoxLine> {
  const { url } = input;
  const allowed: string[] = [];
  let wildcard = false;
  let listsAuthorization = false;
  for (const name of commaItems(geckoHeader(headers, 'access-control-allow-headers'))) {
    if (!isHttpToken(name)) {
      return blocked(firefoxLine('CORSInvalidAllowHeader', SAY.CORSInvalidAllowHeader(url, name)), didNotSucceed(url));
    }
    if (name === '*' && !include) wildcard = true;
    else allowed.push(name.toLowerCase());
    if (name.toLowerCase() === 'authorization') listsAuthorization = true;
  }
  const lines: FirefoxLine[] = [];
  for (const name of input.requestedHeaders) {
    if (wildcard) {
      if (name !== 'authorization') continue;
      // network.cors_preflight.authorization_covered_by_wildcard is true by default: a warning.
      if (!listsAuthorization) {
        lines.push(firefoxLine('CORSAllowHeaderFromPreflightDeprecation', SAY.CORSAllowHeaderFromPreflightDeprecation(url)));
        continue;
      }
    }
    if (!allowed.includes(name)) {
      return blocked(
        ...lines,
        firefoxLine('CORSMissingAllowHeaderFromPreflight2', SAY.CORSMissingAllowHeaderFromPreflight2(url, name)),
        didNotSucceed(url),
      );
    }
  }
  return { blocked: false, lines };
}

function request(input: EngineInput, include: boolean): Run<FirefoxLine> {
  // A 304 is checked as the cached response it revalidates (the cache merges the headers).
  if (input.status === 304 && headerValues(input.headers, ACAO).length === 0) return { blocked: false, lines: [] };
  const access = accessCheck(input, include);
  if (input.location !== null) {
    // A refused hop cancels the channel, whose OnStartRequest then logs CORSDidNotSucceed2;
    // UpdateChannel refuses a Location with user:password without a line of its own.
    if (access) return blocked(access, didNotSucceed(input.url));
    // The new channel is not http(s) (a redirect to ftp:): CheckRequestApproved refuses it by its URL.
    const scheme = urlScheme(input.location);
    if (scheme !== 'http' && scheme !== 'https') {
      return blocked(firefoxLine('CORSRequestNotHttp', SAY.CORSRequestNotHttp(input.location)), didNotSucceed(input.url));
    }
    if (hasUrlCredentials(input.location)) return blocked(didNotSucceed(input.url));
    return { blocked: false, lines: [] };
  }
  return access ? blocked(access) : { blocked: false, lines: [] };
}

/** Firefox's verdict and console lines for one exchange, with each line's category and level. */
export function firefoxLines(exchange: Exchange): { verdict: BrowserVerdict['verdict']; lines: readonly FirefoxLine[] } {
  if ('notCors' in classifyRequest(exchange.request)) return { verdict: 'allowed', lines: [] };
  const input = engineInput(exchange);
  return byCredentials(exchange, (include) => (input.stage === 'preflight' ? preflight(input, include) : request(input, include)));
}

/** Firefox's verdict on one exchange: the lines it prints and the reason of the first block. */
export function firefoxVerdict(exchange: Exchange): BrowserVerdict {
  const { verdict, lines } = firefoxLines(exchange);
  const first = lines.find((line) => line.level === 'error');
  return {
    verdict,
    lines: lines.map((line) => line.text),
    ...(first && verdict !== 'allowed' ? { reason: firefoxReason(first.category) } : {}),
  };
}
