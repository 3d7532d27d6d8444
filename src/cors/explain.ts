import { safeUrl } from './origin.js';
import { MAX_AGE_CAP_SECONDS } from './preflight.js';
import type { Failure } from './checks.js';
import type { ExchangeFacts } from './facts.js';
import type { CorsErrorCode } from './types.js';

/** Cause, rule and fix for each failure, in plain words naming the header and the value received. */

export interface Explanation {
  readonly header?: string;
  readonly value?: string | null;
  readonly rule: string;
  readonly cause: string;
  readonly fix: string;
}

const ACAO = 'Access-Control-Allow-Origin';
const ACAC = 'Access-Control-Allow-Credentials';
const ACAM = 'Access-Control-Allow-Methods';
const ACAH = 'Access-Control-Allow-Headers';

/** "… sends H 'v'" or "… has no H header". */
const sends = (where: string, header: string, value: string | null) =>
  value === null ? `${where} has no ${header} header` : `${where} sends ${header} '${value}'`;

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

function responseName(facts: ExchangeFacts): string {
  if (facts.stage === 'preflight') return `the preflight response (OPTIONS ${facts.url}, status ${facts.status})`;
  return facts.location !== null
    ? `the redirect response (${facts.status} to ${facts.location})`
    : `the response (status ${facts.status})`;
}

/** The lines that make the origin half of the check pass. */
function originLines(facts: ExchangeFacts, include: boolean): string {
  const lines = [`${ACAO}: ${facts.origin}`, 'Vary: Origin'];
  if (include) lines.push(`${ACAC}: true`);
  return lines.join(' and ');
}

function duplicated(lines: number, name: string): string {
  return lines > 1
    ? ` The response carries ${lines} separate ${name} lines, so the header is added in two places (for example by the framework's CORS middleware and again by a reverse proxy or a route handler); Chrome joins them with ", ".`
    : '';
}

export function explain(failure: Failure, facts: ExchangeFacts, include: boolean): Explanation {
  const where = responseName(facts);
  const base = failure.code.replace(/^Preflight(?=(Wildcard|Missing|Multiple|Invalid|AllowOrigin))/, '') as CorsErrorCode;
  switch (base) {
    case 'WildcardOriginNotAllowed':
      return {
        header: ACAO,
        value: facts.allowOrigin,
        rule: `With credentials (cookies, credentials: 'include' / withCredentials), ${ACAO} must name the origin; '*' is refused.`,
        cause: `${capitalize(where)} sends ${ACAO}: * but the request's credentials mode is 'include'.`,
        fix: `Send ${originLines(facts, true)} instead of '*'.`,
      };
    case 'MissingAllowOriginHeader':
      return {
        header: ACAO,
        value: null,
        rule: `Every cross-origin response must carry ${ACAO} matching the page's origin.`,
        cause: `${capitalize(where)} has no ${ACAO} header${facts.stage === 'preflight' && (facts.status < 200 || facts.status > 299) ? `; its status is not a 2xx either (the diagnosis says which layer answered)` : ''}.`,
        fix: `Send ${originLines(facts, include)}${facts.stage === 'preflight' ? ' on the OPTIONS response, with a 2xx status' : ''}.`,
      };
    case 'MultipleAllowOriginValues':
      return {
        header: ACAO,
        value: facts.allowOrigin,
        rule: `${ACAO} must hold exactly one origin (or '*'); a list is refused.`,
        cause: `${capitalize(sends(where, ACAO, facts.allowOrigin))}.${duplicated(facts.allowOriginLines, ACAO)}`,
        fix: `Send a single ${originLines(facts, include)}, from one place only.`,
      };
    case 'InvalidAllowOriginValue':
      return {
        header: ACAO,
        value: facts.allowOrigin,
        rule: `${ACAO} must be '*', 'null' or a serialized origin (scheme://host[:port]).`,
        cause: `${capitalize(sends(where, ACAO, facts.allowOrigin))}, which is not a valid origin.`,
        fix: `Send ${originLines(facts, include)}.`,
      };
    case 'AllowOriginMismatch':
      return {
        header: ACAO,
        value: facts.allowOrigin,
        rule: `${ACAO} must equal the request's Origin byte for byte (scheme, host, port; no path, no trailing slash, same case).`,
        cause: `${capitalize(sends(where, ACAO, facts.allowOrigin))} but the request's Origin is '${facts.origin}'.${facts.origin === 'null' && facts.pageOrigin !== 'null' ? ` A cross-origin redirect made the browser send Origin: null.` : ''}`,
        fix: `Send ${originLines(facts, include)}${facts.origin === 'null' ? " (or '*' when no credentials are sent)" : ''}.`,
      };
    case 'InvalidAllowCredentials':
      return {
        header: ACAC,
        value: facts.allowCredentials,
        rule: `With credentials mode 'include', ${ACAC} must be exactly 'true' (lowercase, one line).`,
        cause: `${capitalize(sends(where, ACAC, facts.allowCredentials))}.${duplicated(facts.allowCredentialsLines, ACAC)}`,
        fix: `Send ${ACAC}: true, once.`,
      };
    default:
      return explainPreflightOrRedirect(failure, facts, include, where);
  }
}

function explainPreflightOrRedirect(failure: Failure, facts: ExchangeFacts, include: boolean, where: string): Explanation {
  switch (failure.code) {
    case 'PreflightInvalidStatus':
      return {
        rule: 'A preflight response must have a 2xx status.',
        cause: `${capitalize(where)} has status ${facts.status}: the server (or an auth layer in front of it) does not answer OPTIONS for this path with success. Preflights never carry cookies or Authorization.`,
        fix: `Answer OPTIONS ${safeUrl(facts.url)?.pathname ?? facts.url} with 204 (or 200) and the CORS headers, before any authentication check.`,
      };
    case 'PreflightDisallowedRedirect':
      return {
        header: 'Location',
        value: facts.location,
        rule: 'A preflight response must not be a redirect.',
        cause: `${capitalize(where)} redirects to ${facts.location ?? 'another URL'} (often a trailing-slash or http→https redirect, or a login redirect).`,
        fix: `Answer OPTIONS on the URL the page calls with 204 and the CORS headers, or make the page call the final URL directly.`,
      };
    case 'InvalidAllowMethodsPreflightResponse':
      return {
        header: ACAM,
        value: facts.allowLists.rawMethods,
        rule: `${ACAM} must be a comma-separated list of method tokens.`,
        cause: `${capitalize(sends(where, ACAM, facts.allowLists.rawMethods))}, which does not parse.`,
        fix: `Send ${ACAM}: ${facts.method} (comma-separated, no quotes, no spaces inside a name).`,
      };
    case 'InvalidAllowHeadersPreflightResponse':
      return {
        header: ACAH,
        value: facts.allowLists.rawHeaders,
        rule: `${ACAH} must be a comma-separated list of header-name tokens.`,
        cause: `${capitalize(sends(where, ACAH, facts.allowLists.rawHeaders))}, which does not parse.`,
        fix: `Send ${ACAH}: ${facts.requestedHeaders.join(', ') || 'the names the page sends'} (comma-separated).`,
      };
    case 'MethodDisallowedByPreflightResponse': {
      const wildcard = include && (facts.allowLists.methods ?? []).includes('*');
      return {
        header: ACAM,
        value: facts.allowLists.rawMethods,
        rule: `The method must be listed in ${ACAM}, case-sensitively${wildcard ? "; with credentials '*' is a literal name, not a wildcard" : " ('*' counts only without credentials)"}.`,
        cause: `The request's method is ${facts.method} and ${sends(where, ACAM, facts.allowLists.rawMethods)}.${facts.method !== facts.method.toUpperCase() ? ` fetch() sends '${facts.method}' as written: only DELETE, GET, HEAD, OPTIONS, POST and PUT are uppercased for you.` : ''}`,
        fix: `Send ${ACAM}: ${facts.method}${facts.method !== facts.method.toUpperCase() ? `, or call fetch with method '${facts.method.toUpperCase()}'` : ''}.`,
      };
    }
    case 'HeaderDisallowedByPreflightResponse': {
      const names = failure.names ?? [failure.hint];
      const wildcard = include && (facts.allowLists.headers ?? []).includes('*');
      return {
        header: ACAH,
        value: facts.allowLists.rawHeaders,
        rule: `Every non-safelisted request header must be listed in ${ACAH}${wildcard ? "; with credentials '*' is a literal name, not a wildcard" : ''}.`,
        cause: `The page sends ${names.join(', ')} (Access-Control-Request-Headers: ${facts.requestedHeaders.join(',')}) and ${sends(where, ACAH, facts.allowLists.rawHeaders)}.${names.includes('content-type') ? " Content-Type is safelisted only for text/plain, multipart/form-data and application/x-www-form-urlencoded; application/json needs to be allowed." : ''}`,
        fix: `Send ${ACAH}: ${[...new Set([...(facts.allowLists.headers ?? []).filter((h) => h !== '*'), ...facts.requestedHeaders])].join(', ')}.`,
      };
    }
    case 'RedirectContainsCredentials':
      return {
        header: 'Location',
        value: facts.location,
        rule: 'A cross-origin redirect must not point at a URL with a username or password.',
        cause: `${capitalize(where)} points at a URL with a username and password in it; Chrome refuses to follow it (and prints an empty location).`,
        fix: 'Redirect to a URL without user:password@; authenticate with a header or a cookie instead.',
      };
    default:
      return {
        rule: 'Chrome refuses this request.',
        cause: `${capitalize(where)} fails Chrome's CORS check (${failure.code}).`,
        fix: `Send ${originLines(facts, include)}.`,
      };
  }
}

export const MAX_AGE_CAP_TEXT = `${MAX_AGE_CAP_SECONDS} seconds (2 hours)`;
