/**
 * Firefox's CORS console messages: the only place their words live. Gecko
 * `dom/locales/en-US/chrome/security/security.properties` (the CORS* keys) and `caps.properties`
 * (CheckLoadURIError, CheckSameOriginError), verified against Firefox 153 ESR. The quotes are
 * typographic (U+2018, U+2019), and `%2$S` prints `(null)` when Gecko passes no parameter.
 */

const BLOCKED = 'Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at';

/** Every key Gecko's `nsCORSListenerProxy` logs, with its text (`%1$S` is the channel's URL). */
export const FIREFOX_CATALOG = {
  CORSDisabled: (url: string) => `${BLOCKED} ${url}. (Reason: CORS disabled).`,
  CORSDidNotSucceed2: (url: string, status = '(null)') =>
    `${BLOCKED} ${url}. (Reason: CORS request did not succeed). Status code: ${status}.`,
  CORSOriginHeaderNotAdded: (url: string) => `${BLOCKED} ${url}. (Reason: CORS header ‘Origin’ cannot be added).`,
  CORSExternalRedirectNotAllowed: (url: string) => `${BLOCKED} ${url}. (Reason: CORS request external redirect not allowed).`,
  CORSRequestNotHttp: (url: string) => `${BLOCKED} ${url}. (Reason: CORS request not http).`,
  CORSMissingAllowOrigin2: (url: string, status: string) =>
    `${BLOCKED} ${url}. (Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: ${status}.`,
  CORSMultipleAllowOriginNotAllowed: (url: string) =>
    `${BLOCKED} ${url}. (Reason: Multiple CORS header ‘Access-Control-Allow-Origin’ not allowed).`,
  CORSAllowOriginNotMatchingOrigin: (url: string, value: string) =>
    `${BLOCKED} ${url}. (Reason: CORS header ‘Access-Control-Allow-Origin’ does not match ‘${value}’).`,
  // The only key that quotes the URL.
  CORSNotSupportingCredentials: (url: string) =>
    `${BLOCKED} ‘${url}’. (Reason: Credential is not supported if the CORS header ‘Access-Control-Allow-Origin’ is ‘*’).`,
  CORSMethodNotFound: (url: string) => `${BLOCKED} ${url}. (Reason: Did not find method in CORS header ‘Access-Control-Allow-Methods’).`,
  CORSMissingAllowCredentials: (url: string) =>
    `${BLOCKED} ${url}. (Reason: expected ‘true’ in CORS header ‘Access-Control-Allow-Credentials’).`,
  CORSPreflightDidNotSucceed3: (url: string, status: string) =>
    `${BLOCKED} ${url}. (Reason: CORS preflight response did not succeed). Status code: ${status}.`,
  CORSInvalidAllowMethod: (url: string, token: string) =>
    `${BLOCKED} ${url}. (Reason: invalid token ‘${token}’ in CORS header ‘Access-Control-Allow-Methods’).`,
  CORSInvalidAllowHeader: (url: string, token: string) =>
    `${BLOCKED} ${url}. (Reason: invalid token ‘${token}’ in CORS header ‘Access-Control-Allow-Headers’).`,
  CORSMissingAllowHeaderFromPreflight2: (url: string, name: string) =>
    `${BLOCKED} ${url}. (Reason: header ‘${name}’ is not allowed according to header ‘Access-Control-Allow-Headers’ from CORS preflight response).`,
  CORSAllowHeaderFromPreflightDeprecation: (url: string) =>
    `Cross-Origin Request Warning: The Same Origin Policy will disallow reading the remote resource at ${url} soon. (Reason: When the \`Access-Control-Allow-Headers\` is \`*\`, the \`Authorization\` header is not covered. To include the \`Authorization\` header, it must be explicitly listed in CORS header \`Access-Control-Allow-Headers\`).`,
  // caps.properties: the script security manager refuses before any CORS step (category `SOP`).
  CheckLoadURIError: (page: string, url: string) => `Security Error: Content at ${page} may not load or link to ${url}.`,
  CheckSameOriginError: (page: string, url: string) => `Security Error: Content at ${page} may not load data from ${url}.`,
} as const;

export type FirefoxKey = keyof typeof FIREFOX_CATALOG;

/** One console message: its category (the key; `SOP` for the caps.properties ones) and level. */
export interface FirefoxLine {
  readonly key: FirefoxKey;
  readonly category: string;
  readonly level: 'error' | 'warning';
  readonly text: string;
}

export function firefoxLine(key: FirefoxKey, text: string): FirefoxLine {
  const sop = key === 'CheckLoadURIError' || key === 'CheckSameOriginError';
  return {
    key,
    category: sop ? 'SOP' : key,
    level: key === 'CORSAllowHeaderFromPreflightDeprecation' ? 'warning' : 'error',
    text,
  };
}

/** MDN's name for a reason: the key without Gecko's message-version suffix (`CORSDidNotSucceed2` → `CORSDidNotSucceed`). */
export function firefoxReason(category: string): string {
  return category.replace(/\d+$/, '');
}
